// Advisors' side of clients: invitations and access per exchange, and who works on an exchange.
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { inviteClient } from '../../../domain/clients/invite-client.js';
import { listExchangeClients } from '../../../domain/clients/list-clients.js';
import { listInvitations } from '../../../domain/clients/list-invitations.js';
import { revokeClientAccess } from '../../../domain/clients/revoke-client-access.js';
import { revokeInvitation } from '../../../domain/clients/revoke-invitation.js';
import { listPeople } from '../../../domain/exchanges/list-people.js';
import { actorOf } from './index.js';

type P = { Params: { id: string; invitationId: string; clientId: string } };
const tags = ['clients'];

export async function clientRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<P & { Body: { email?: unknown; displayName?: unknown; language?: unknown } }>('/exchanges/:id/invitations',
    { schema: { tags, summary: 'Invite a client by e-mail (mails a single-use link)' } }, async (req, reply) => {
      const invitation = await inviteClient(ctx, actorOf(req), req.params.id, (req.body ?? {}) as Record<string, unknown>);
      return reply.code(201).send(invitation);
    });
  app.get<P>('/exchanges/:id/invitations', { schema: { tags, summary: 'The exchange\'s invitations (never their links)' } },
    async (req) => ({ items: await listInvitations(ctx, actorOf(req), req.params.id) }));
  app.delete<P>('/exchanges/:id/invitations/:invitationId', { schema: { tags, summary: 'Revoke an invitation: its link stops working' } },
    async (req, reply) => {
      await revokeInvitation(ctx, actorOf(req), req.params.id, req.params.invitationId);
      return reply.code(204).send();
    });
  app.get<P>('/exchanges/:id/clients', { schema: { tags, summary: 'The exchange\'s clients, with their access' } },
    async (req) => ({ items: await listExchangeClients(ctx, actorOf(req), req.params.id) }));
  app.delete<P>('/exchanges/:id/clients/:clientId', { schema: { tags, summary: 'Revoke a client\'s access to the exchange' } },
    async (req, reply) => {
      await revokeClientAccess(ctx, actorOf(req), req.params.id, req.params.clientId);
      return reply.code(204).send();
    });
  app.get<P>('/exchanges/:id/people', { schema: { tags: ['exchanges'], summary: 'Owner, deputies and (where allowed) clients of an exchange' } },
    async (req) => listPeople(ctx, actorOf(req), req.params.id));
}

import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { endSession } from '../../../domain/sessions/resolve-session.js';
import { clearSessionCookie, sessionToken } from '../../session-cookie.js';
import { actorOf } from './index.js';

export async function meRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.get('/me', async (req) => {
    const a = actorOf(req);
    if (a.kind === 'client') {
      return { kind: 'client', tenantId: a.tenantId, clientId: a.clientId, email: a.email, displayName: a.displayName, language: a.language };
    }
    return {
      kind: 'staff',
      tenantId: a.tenantId, userId: a.userId, userType: a.userType, displayName: a.displayName, language: a.language,
      // An admin not yet promoted sees only this: the tenant has to promote it first.
      promotionPending: a.userType === 'ADMIN' && !a.promoted,
    };
  });
  app.post('/logout', async (req, reply) => {
    const token = sessionToken(req);
    if (token) await endSession(ctx, token);
    clearSessionCookie(reply);
    return reply.code(204).send();
  });
}

// The client's own sign-in: invitation link → mailed one-time code (→ TOTP once enrolled) → session.
import type { FastifyInstance } from 'fastify';
import { acceptInvitation } from '../../../domain/clients/accept-invitation.js';
import { confirmClientTotp, enrollClientTotp } from '../../../domain/clients/client-totp.js';
import { requestCode } from '../../../domain/clients/request-code.js';
import { signInClient } from '../../../domain/clients/sign-in-client.js';
import type { Ctx } from '../../../domain/context.js';
import { endClientSession, type ClientActor } from '../../../domain/sessions/resolve-session.js';
import { forbidden } from '../../../errors.js';
import { CLIENT_COOKIE, clearSessionCookie, sessionToken, setSessionCookie } from '../../session-cookie.js';
import { actorOf } from './index.js';

type Body = { Body: Record<string, unknown> | undefined };
const tags = ['client sign-in'];

/** The signed-in client; a staff session is not one (403). */
function clientOf(req: Parameters<typeof actorOf>[0]): ClientActor {
  const a = actorOf(req);
  if (a.kind !== 'client') throw forbidden('Only a signed-in client may do this');
  return a;
}

export async function clientAuthRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<Body>('/client/invitations/accept', { schema: { tags, summary: 'Use an invitation link once; mails a sign-in code' } },
    async (req) => acceptInvitation(ctx, req.body?.token));

  app.post<Body>('/client/login/code', { schema: { tags, summary: 'Mail a fresh sign-in code (same answer whether or not the address is known)' } },
    async (req, reply) => {
      await requestCode(ctx, req.body ?? {});
      return reply.code(202).send({ accepted: true });
    });

  app.post<Body>('/client/login', { schema: { tags, summary: 'Sign in with the mailed code (and a TOTP code once enrolled)' } },
    async (req, reply) => {
      const { sessionToken: token, clientId } = await signInClient(ctx, req.body ?? {});
      setSessionCookie(ctx, reply, token, CLIENT_COOKIE);
      return { clientId };
    });

  app.post('/client/logout', { schema: { tags, summary: 'End the client\'s session' } }, async (req, reply) => {
    const token = sessionToken(req, CLIENT_COOKIE);
    if (token) await endClientSession(ctx, token);
    clearSessionCookie(reply, CLIENT_COOKIE);
    return reply.code(204).send();
  });

  app.post('/client/totp/enroll', { schema: { tags, summary: 'Start TOTP enrolment (secret and otpauth URI, shown once)' } },
    async (req) => enrollClientTotp(ctx, clientOf(req)));
  app.post<Body>('/client/totp/confirm', { schema: { tags, summary: 'Confirm TOTP with a code from the app; sign-in then needs it' } },
    async (req) => confirmClientTotp(ctx, clientOf(req), req.body?.code));
}

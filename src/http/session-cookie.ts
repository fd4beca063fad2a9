import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../domain/context.js';

export const SESSION_COOKIE = 'sx_session';

/**
 * HttpOnly so scripts never see it; SameSite=Lax because the IdP's POST to the ACS is cross-site and the
 * redirect after it must carry the cookie; Secure whenever the service is published over https.
 */
export function setSessionCookie(ctx: Ctx, reply: FastifyReply, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true, sameSite: 'lax', secure: ctx.config.publicUrl.startsWith('https:'), path: '/',
    maxAge: ctx.config.sessionTtlSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export const sessionToken = (req: FastifyRequest) => req.cookies?.[SESSION_COOKIE];

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../domain/context.js';

export const SESSION_COOKIE = 'sx_session';
/** The tenant's own session (username + password), apart from staff sessions. */
export const TENANT_COOKIE = 'sx_tenant';
/** An external client's session (one-time code by mail), apart from staff sessions. */
export const CLIENT_COOKIE = 'sx_client';

/**
 * HttpOnly so scripts never see it; SameSite=Lax because the IdP's POST to the ACS is cross-site and the
 * redirect after it must carry the cookie; Secure whenever the service is published over https.
 */
export function setSessionCookie(ctx: Ctx, reply: FastifyReply, token: string, name = SESSION_COOKIE) {
  reply.setCookie(name, token, {
    httpOnly: true, sameSite: 'lax', secure: ctx.config.publicUrl.startsWith('https:'), path: '/',
    maxAge: ctx.config.sessionTtlSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, name = SESSION_COOKIE) {
  reply.clearCookie(name, { path: '/' });
}

export const sessionToken = (req: FastifyRequest, name = SESSION_COOKIE) => req.cookies?.[name];

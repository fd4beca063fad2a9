import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../domain/context.js';
import { resolveSession } from '../../domain/sessions/resolve-session.js';
import { sessionToken } from '../session-cookie.js';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A plain landing page until the web app (issue 6) replaces it.
export async function homeRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.get('/', async (req, reply) => {
    const actor = await resolveSession(ctx, sessionToken(req));
    const body = actor
      ? `<p>Signed in as ${escape(actor.displayName)} (${actor.userType.toLowerCase()}).</p>`
      : '<p>Staff sign in through their firm\'s link <code>/saml/{tenantId}/login</code>.</p>';
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>SecureExchange</title></head>
<body><main><h1>SecureExchange</h1>${body}</main></body></html>`);
  });
}

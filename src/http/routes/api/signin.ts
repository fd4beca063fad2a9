// Routing a staff member to its firm's SAML sign-in from the address it types on the sign-in page.
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { findTenantByDomain } from '../../../domain/tenants/find-tenant-by-domain.js';
import { notFound } from '../../../errors.js';
import { oneValue, type Query } from '../../query.js';

export async function signinRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.get<{ Querystring: Query }>('/signin/lookup', {
    schema: { tags: ['sign-in'], summary: 'The firm whose staff sign in with an address of this e-mail domain (?email=)' },
  }, async (req) => {
    const tenantId = await findTenantByDomain(ctx, oneValue(req.query, 'email'));
    if (!tenantId) throw notFound('No firm signs in people of this domain; use your firm\'s sign-in link');
    return { tenantId, loginUrl: `/saml/${encodeURIComponent(tenantId)}/login` };
  });
}

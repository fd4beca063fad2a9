// The tenant's view of its SCIM connection (issue 6's console): is Entra calling, did its last call
// fail, which Secret Tokens are live; and the rotation the CLI offers the operator, for the tenant.
import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { readProvisioningLog } from '../../../domain/provisioning/provisioning-log.js';
import { listTokens, revokeTokens, rotateToken } from '../../../domain/tenants/scim-tokens.js';
import { invalid } from '../../../errors.js';
import { tenantOf } from './index.js';

const tags = ['tenant'];

export async function tenantScimRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.get('/tenant/scim', { schema: { tags, summary: 'SCIM status: live tokens with their last use, the last request and the last error' } }, async (req) => {
    const tenantId = tenantOf(req);
    // The last error is read before the last request, never beside it: the log is written in batches,
    // and on PostgreSQL two parallel reads may straddle a batch, showing an error with no request. Read
    // in this order, the last request is at least as new as the last error.
    const lastError = await readProvisioningLog(ctx, tenantId, { status: 'error', startIndex: 1, count: 1 });
    const [tokens, last] = await Promise.all([
      listTokens(ctx, tenantId),
      readProvisioningLog(ctx, tenantId, { startIndex: 1, count: 1 }),
    ]);
    return { tokens, lastRequest: last.items[0] ?? null, lastError: lastError.items[0] ?? null };
  });

  // The new token is in this answer only (it is stored as a hash): the console shows it once.
  app.post<{ Body: { oldExpiresInDays?: unknown } | undefined }>('/tenant/scim/tokens', { schema: { tags, summary: 'Issue a new Secret Token (old ones stay live unless told to expire)' } }, async (req, reply) => {
    const tenantId = tenantOf(req);
    const days = req.body?.oldExpiresInDays;
    if (days !== undefined && typeof days !== 'number') throw invalid('"oldExpiresInDays" must be a whole number from 0 to 365');
    const t = await rotateToken(ctx, tenantId, days, 'tenant');
    return reply.code(201).send({ id: t.id, bearerToken: t.token });
  });

  app.delete<{ Params: { tokenId: string } }>('/tenant/scim/tokens/:tokenId', { schema: { tags, summary: 'Revoke a Secret Token' } }, async (req, reply) => {
    await revokeTokens(ctx, tenantOf(req), { id: req.params.tokenId }, 'tenant');
    return reply.code(204).send();
  });
}

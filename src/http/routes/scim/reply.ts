import type { FastifyReply } from 'fastify';
import { tenantUrls } from '../../../config.js';
import type { Ctx } from '../../../domain/context.js';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export function scimError(reply: FastifyReply, status: number, detail: string, scimType?: string) {
  return reply.code(status).type(SCIM_CONTENT_TYPE).send({
    schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail,
  });
}

export const scimBase = (ctx: Ctx, tenantId: string) => tenantUrls(ctx.config, tenantId).scimUrl;


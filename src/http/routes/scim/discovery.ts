import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { listResponse, resourceTypes, schemas, serviceProviderConfig } from '../../../scim/discovery.js';
import { scimBase, scimError } from './reply.js';

type P = { Params: { tenantId: string; id?: string } };

export async function discoveryRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  const base = (t: string) => scimBase(ctx, t);
  const spc = async (req: { params: { tenantId: string } }) => serviceProviderConfig(base(req.params.tenantId));
  app.get<P>('/ServiceProviderConfig', spc);
  // Microsoft's SCIM reference collection also reads it from here.
  app.get<P>('/serviceConfiguration', spc);

  app.get<P>('/ResourceTypes', async (req) => {
    const all = resourceTypes(base(req.params.tenantId));
    return listResponse(all, all.length, 1);
  });
  app.get<P>('/ResourceTypes/:id', async (req, reply) => {
    const found = resourceTypes(base(req.params.tenantId)).find((r) => r.id === req.params.id);
    return found ?? scimError(reply, 404, `No resource type ${req.params.id}`);
  });
  app.get<P>('/Schemas', async (req) => {
    const all = schemas(base(req.params.tenantId));
    return listResponse(all, all.length, 1);
  });
  app.get<P>('/Schemas/:id', async (req, reply) => {
    const found = schemas(base(req.params.tenantId)).find((s) => s.id.toLowerCase() === req.params.id?.toLowerCase());
    return found ?? scimError(reply, 404, `No schema ${req.params.id}`);
  });

  // Groups are not supported (the guide turns group provisioning off). Entra's Test Connection may read
  // one, so reads answer an empty list; writes are refused in SCIM's format.
  app.get<P>('/Groups', async () => listResponse([], 0, 1));
  app.get<P>('/Groups/:id', async (req, reply) => scimError(reply, 404, `Group ${req.params.id} not found`));
  // 405 rather than RFC 7644's 501: the request is the client's to change (turn group provisioning
  // off), and no answer of ours is a 5xx.
  const refuse = async (_r: unknown, reply: FastifyReply) => scimError(reply.header('allow', 'GET'), 405,
    'SecureExchange does not support groups; turn off group provisioning in Entra (Provisioning → Mappings → Groups)');
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    app.route<P>({ method, url: '/Groups', handler: refuse });
    app.route<P>({ method, url: '/Groups/:id', handler: refuse });
  }
}

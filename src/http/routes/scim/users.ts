import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { deleteUser } from '../../../domain/users/delete-user.js';
import { getUser, listUsers } from '../../../domain/users/find-users.js';
import { patchUser } from '../../../domain/users/patch-user.js';
import { provisionUser } from '../../../domain/users/provision-user.js';
import { replaceUser } from '../../../domain/users/replace-user.js';
import { invalid } from '../../../errors.js';
import { listResponse, MAX_PAGE_SIZE } from '../../../scim/discovery.js';
import { project, readProjection, type Projection } from '../../../scim/projection.js';
import { etag, toScim, type ScimUser } from '../../../scim/user-resource.js';
import { scimBase } from './reply.js';

declare module 'fastify' {
  interface FastifyRequest { projection?: Projection }
}

type P = { Params: { tenantId: string; id: string } };
type Q = { Params: { tenantId: string }; Querystring: Record<string, string | string[] | undefined> };

// Beyond any tenant's size; keeps OFFSET an integer the database accepts.
const MAX_START_INDEX = 2 ** 31;

function single(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw invalid(`"${name}" may be given only once`, name === 'filter' ? 'invalidFilter' : 'invalidValue');
  return v as string | undefined;
}

function positiveInt(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d{1,20}$/.test(raw)) throw invalid(`"${name}" must be an integer`, 'invalidValue');
  return Math.min(Math.max(min, Number(raw)), MAX_START_INDEX);
}

export async function userRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  const location = (tenantId: string, id: string) => `${scimBase(ctx, tenantId)}/Users/${id}`;
  // Read (and so validated) in preValidation, before any write: a bad `attributes` never follows a commit.
  app.addHook('preValidation', async (req) => {
    const q = req.query as Record<string, unknown>;
    req.projection = readProjection(q.attributes, q.excludedAttributes);
  });
  const render = (req: FastifyRequest<{ Params: { tenantId: string } }>, u: ScimUser) =>
    project(toScim(u, location(req.params.tenantId, u.id)), req.projection);
  const note = (req: FastifyRequest, userId: string, ignored?: string[]) => { req.scimNote = { userId, ignored }; };

  app.get<Q>('/Users', async (req) => {
    const q = req.query;
    // RFC 7644 §3.4.2.4: 1-based; a startIndex below 1 is read as 1, a count above the maximum is capped.
    const startIndex = positiveInt(single(q, 'startIndex'), 'startIndex', 1, 1);
    const count = Math.min(positiveInt(single(q, 'count'), 'count', MAX_PAGE_SIZE, 0), MAX_PAGE_SIZE);
    const { total, users } = await listUsers(ctx, req.params.tenantId, { filter: single(q, 'filter'), startIndex, count });
    return listResponse(users.map((u) => render(req, u)), total, startIndex);
  });

  app.post<Q>('/Users', async (req, reply) => {
    const { user, ignored } = await provisionUser(ctx, req.params.tenantId, req.body);
    note(req, user.id, ignored);
    if (ignored.length) req.log.info({ ignored }, 'SCIM attributes ignored');
    return reply.code(201).header('location', location(req.params.tenantId, user.id)).header('etag', etag(user.version))
      .send(render(req, user));
  });

  app.get<P>('/Users/:id', async (req, reply) => {
    note(req, req.params.id);
    const user = await getUser(ctx, req.params.tenantId, req.params.id);
    return reply.header('etag', etag(user.version)).send(render(req, user));
  });

  app.put<P>('/Users/:id', async (req, reply) => {
    note(req, req.params.id);
    const { user, ignored } = await replaceUser(ctx, req.params.tenantId, req.params.id, req.body, req.headers['if-match']);
    note(req, user.id, ignored);
    return reply.header('etag', etag(user.version)).send(render(req, user));
  });

  app.patch<P>('/Users/:id', async (req, reply) => {
    note(req, req.params.id);
    const { user, ignored } = await patchUser(ctx, req.params.tenantId, req.params.id, req.body, req.headers['if-match']);
    note(req, user.id, ignored);
    // RFC 7644 §3.5.2: 204 unless the client asked for attributes. Entra accepts both; Microsoft's
    // reference collection expects 204.
    if (!req.projection) return reply.code(204).header('etag', etag(user.version)).send();
    return reply.header('etag', etag(user.version)).send(render(req, user));
  });

  app.delete<P>('/Users/:id', async (req, reply) => {
    note(req, req.params.id);
    await deleteUser(ctx, req.params.tenantId, req.params.id);
    return reply.code(204).send();
  });
}

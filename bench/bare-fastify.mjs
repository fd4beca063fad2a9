// Baseline for bench/scim.ts: a bare Fastify 5 server, run as a child process like the real server,
// answering the same SCIM URLs with a small JSON body and nothing else (no auth, no database, no log).
// PORT from the environment; plain JavaScript so it runs under `node` exactly as dist/main.js does.
import crypto from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
// Fastify 5 answers 415 to Entra's content type unless a parser is registered for it.
app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
app.get('/scim/v2/:tenantId/Users', async () => ({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }));
app.post('/scim/v2/:tenantId/Users', async (req, reply) =>
  reply.code(201).send({ id: crypto.randomUUID(), userName: /** @type {{ userName?: string }} */ (req.body).userName }));
app.get('/healthz', async () => ({ ok: true }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

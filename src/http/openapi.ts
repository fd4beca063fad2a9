// The JSON API's OpenAPI 3 document (served at /api/docs), generated from the routes' own schemas so it
// cannot drift from what the server does. Only /api routes are described: SCIM and SAML follow their
// own standards and have their own discovery (ServiceProviderConfig, SAML metadata).
import fs from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

export const UNTAGGED = 'untagged';

// src/http and dist/http both sit two levels below the package root.
const version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function registerOpenApi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SecureExchange API',
        version,
        description: 'The JSON API the web app uses. Errors are {"error": {"status", "message"}}; another tenant\'s ids answer 404 exactly like ids that do not exist; writes from a foreign Origin are refused.',
      },
      components: {
        securitySchemes: {
          staffSession: { type: 'apiKey', in: 'cookie', name: 'sx_session', description: 'Staff session, set by the SAML sign-in' },
          clientSession: { type: 'apiKey', in: 'cookie', name: 'sx_client', description: 'Client session, set by the one-time-code sign-in' },
          tenantSession: { type: 'apiKey', in: 'cookie', name: 'sx_tenant', description: 'Tenant console session, set by POST /api/tenant/login' },
        },
      },
    },
    transform: ({ schema, url }) => {
      if (!url.startsWith('/api/')) return { schema: { ...schema, hide: true }, url };
      // A route without its own tags is grouped by its first path segment (/api/exchanges/… → exchanges).
      const own = (schema as { tags?: string[] } | undefined)?.tags;
      const tags = own?.length ? own : [url.split('/')[2] || UNTAGGED];
      return { schema: { ...schema, tags }, url };
    },
  });
}

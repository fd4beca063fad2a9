// The web app (web/, built by Vite into dist/web): its assets, and its index page for every path the
// app routes itself, so a bookmark or a reload of a deep link works.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Ctx } from '../../domain/context.js';

// dist/http/routes/web.js and src/http/routes/web.ts both sit three levels below the package root.
const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', 'dist/web');
const ASSET_NAME = /^[\w.-]{1,200}$/;
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json',
};
/** The paths the app's router owns (web/src/routes.ts); everything else stays a 404 of its protocol. */
export const APP_PATHS = ['/', '/signin', '/t/:tenantId', '/invite/:token', '/client', '/client/*', '/app', '/app/*', '/console', '/console/*', '/admin', '/admin/*'];

export async function webRoutes(app: FastifyInstance, _opts: { ctx: Ctx }) {
  let index: Buffer | undefined;
  const indexPage = (reply: FastifyReply) => {
    // Read once: the build does not change under a running server.
    if (!index) {
      try { index = fs.readFileSync(path.join(WEB_DIR, 'index.html')); } catch {
        // A checkout run without `npm run build` (e.g. `npm run dev`): say so rather than a bare 500.
        return reply.code(503).type('text/plain; charset=utf-8').send('The web app is not built: run npm run build.');
      }
    }
    // The page names hashed assets; it must never be cached past a deploy.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(index);
  };
  for (const p of APP_PATHS) app.get(p, { schema: { hide: true } }, async (_req, reply) => indexPage(reply));

  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (req, reply) => {
    const { name } = req.params;
    // Only plain names of files Vite wrote: never a path, so nothing outside the folder is reachable.
    const file = path.join(WEB_DIR, 'assets', name);
    if (!ASSET_NAME.test(name) || name.startsWith('.') || !fs.existsSync(file)) return reply.callNotFound();
    return reply.type(TYPES[path.extname(name)] ?? 'application/octet-stream')
      // Vite puts a content hash in every asset name, so an asset never changes under its name.
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(fs.createReadStream(file));
  });
}

import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { listDocuments, openDocument } from '../../../domain/documents/read-documents.js';
import { uploadDocument } from '../../../domain/documents/upload-document.js';
import { invalid } from '../../../errors.js';
import { actorOf } from './index.js';

type P = { Params: { id: string; documentId: string } };

/** RFC 6266 / 8187: an ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function documentRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<P>('/exchanges/:id/documents', async (req, reply) => {
    const actor = actorOf(req);
    if (!req.isMultipart()) throw invalid('Send the document as multipart/form-data with the file in field "file"');
    let part;
    try {
      part = await req.file({ limits: { fileSize: ctx.config.maxUploadBytes, files: 1 } });
    } catch {
      // busboy's own complaints (no boundary, malformed headers) are the client's to fix.
      throw invalid('The body is not well-formed multipart/form-data');
    }
    if (!part) throw invalid('No file in the request');
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw invalid('The file must be sent in the field "file"');
    }
    const doc = await uploadDocument(ctx, actor, req.params.id, { name: part.filename, contentType: part.mimetype, stream: part.file });
    return reply.code(201).send(doc);
  });

  app.get<P>('/exchanges/:id/documents', async (req) => ({ items: await listDocuments(ctx, actorOf(req), req.params.id) }));

  app.get<P>('/exchanges/:id/documents/:documentId/content', async (req, reply) => {
    const { doc, stream } = await openDocument(ctx, actorOf(req), req.params.id, req.params.documentId);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(doc.size))
      .header('content-disposition', contentDisposition(doc.name))
      .header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`)
      .header('cache-control', 'no-store')
      .send(stream);
  });
}

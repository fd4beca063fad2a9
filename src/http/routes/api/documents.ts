import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import type { DocumentView } from '../../../domain/documents/document-view.js';
import type { Readable } from 'node:stream';
import { deleteDocument } from '../../../domain/documents/delete-document.js';
import { listDocuments, listVersions, openDocument } from '../../../domain/documents/read-documents.js';
import { uploadDocument, uploadVersion } from '../../../domain/documents/upload-document.js';
import { invalid, notFound } from '../../../errors.js';
import { actorOf } from './index.js';

type P = { Params: { id: string; documentId: string; number: string } };

/** RFC 6266 / 8187: an ASCII fallback (no quotes, no path separators) plus the exact UTF-8 name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\/]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function documentRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  app.post<P>('/exchanges/:id/documents', async (req, reply) => {
    const part = await filePart(req, ctx.config.maxUploadBytes);
    const doc = await uploadDocument(ctx, actorOf(req), req.params.id, { name: part.filename, contentType: part.mimetype, stream: part.file });
    return reply.code(201).send(doc);
  });

  app.post<P>('/exchanges/:id/documents/:documentId/versions', async (req, reply) => {
    const part = await filePart(req, ctx.config.maxUploadBytes);
    const doc = await uploadVersion(ctx, actorOf(req), req.params.id, req.params.documentId, { contentType: part.mimetype, stream: part.file });
    return reply.code(201).send(doc);
  });

  app.get<P>('/exchanges/:id/documents/:documentId/versions', async (req) => listVersions(ctx, actorOf(req), req.params.id, req.params.documentId));

  app.get<P>('/exchanges/:id/documents/:documentId/versions/:number/content', async (req, reply) => {
    // Only a plain positive integer names a version; anything else is as unknown as a missing one.
    if (!/^[1-9]\d{0,8}$/.test(req.params.number)) throw notFound('Version not found');
    return sendDocument(reply, await openDocument(ctx, actorOf(req), req.params.id, req.params.documentId, Number(req.params.number)));
  });

  app.delete<P>('/exchanges/:id/documents/:documentId', async (req, reply) => {
    await deleteDocument(ctx, actorOf(req), req.params.id, req.params.documentId);
    return reply.code(204).send();
  });

  app.get<P>('/exchanges/:id/documents', async (req) => ({ items: await listDocuments(ctx, actorOf(req), req.params.id) }));

  app.get<P>('/exchanges/:id/documents/:documentId/content', async (req, reply) => {
    return sendDocument(reply, await openDocument(ctx, actorOf(req), req.params.id, req.params.documentId));
  });
}

/** The one file part of a multipart upload, in the field "file". */
async function filePart(req: FastifyRequest, maxBytes: number): Promise<{ filename: string; mimetype: string; file: Readable }> {
  if (!req.isMultipart()) throw invalid('Send the document as multipart/form-data with the file in field "file"');
  let part;
  try {
    // preservePath: busboy would otherwise cut a name at its last slash; the name is display text, never a path.
    // One byte over the limit gets through to the upload's own size check, which refuses the file (413):
    // at the limit itself busboy would just cut the stream short and the file would be stored truncated.
    part = await req.file({ limits: { fileSize: maxBytes + 1, files: 1 }, preservePath: true });
  } catch {
    // busboy's own complaints (no boundary, malformed headers) are the client's to fix.
    throw invalid('The body is not well-formed multipart/form-data');
  }
  if (!part) throw invalid('No file in the request');
  if (part.fieldname !== 'file') {
    part.file.resume();
    throw invalid('The file must be sent in the field "file"');
  }
  return part;
}

function sendDocument(reply: FastifyReply, { doc, stream }: { doc: DocumentView; stream: Readable }) {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-length', String(doc.size))
    .header('content-disposition', contentDisposition(doc.name))
    .header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`)
    .header('cache-control', 'no-store')
    .send(stream);
}

// Resumable uploads over tus 1.0 (core, creation, termination, expiration): https://tus.io/protocols/resumable-upload.
// The handlers only adapt HTTP: headers are read by src/tus/protocol.ts, the work is done by the use
// cases in src/domain/documents/. Errors keep the API's JSON format; every answer names the protocol.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Ctx } from '../../../domain/context.js';
import { appendToUpload, type UploadProgress } from '../../../domain/documents/append-upload.js';
import { cancelUpload } from '../../../domain/documents/cancel-upload.js';
import { createUpload } from '../../../domain/documents/create-upload.js';
import type { DocumentView } from '../../../domain/documents/document-view.js';
import { uploadStatus } from '../../../domain/documents/upload-status.js';
import {
  contentLength, httpDate, OFFSET_OCTET_STREAM, requireOffsetStream, requireTusResumable, TUS_EXTENSIONS, TUS_VERSION,
  uploadLength, uploadMetadata, uploadOffset,
} from '../../../tus/protocol.js';
import { actorOf } from './index.js';

type Upload = { Params: { uploadId: string } };
const tags = ['uploads'];

/** The resulting document, for the request that completed an upload (a 204 has no body). */
function documentHeaders(reply: FastifyReply, doc: DocumentView | undefined) {
  if (!doc) return;
  reply.header('document-id', doc.id).header('document-version', String(doc.version)).header('document-sha256', doc.sha256);
}

function progressHeaders(reply: FastifyReply, p: Pick<UploadProgress, 'offset' | 'length' | 'expiresAt' | 'document'>) {
  reply.header('upload-offset', String(p.offset)).header('upload-length', String(p.length)).header('cache-control', 'no-store');
  // A completed upload no longer expires (tus expiration: only while it is going to).
  return p.document ? reply : reply.header('upload-expires', httpDate(p.expiresAt));
}

export async function uploadRoutes(app: FastifyInstance, { ctx }: { ctx: Ctx }) {
  // PATCH bodies are handed on as the raw stream: they may be gigabytes, sealed as they arrive.
  app.addContentTypeParser(OFFSET_OCTET_STREAM, (_req, payload, done) => done(null, payload));

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('tus-resumable', TUS_VERSION);
    // A client speaking another version learns which one this server speaks (tus core, 412).
    if (reply.statusCode === 412) reply.header('tus-version', TUS_VERSION);
    return payload;
  });

  app.options('/uploads', { schema: { tags, summary: 'tus discovery: version, extensions, maximum size' } }, async (_req, reply) =>
    reply.code(204).header('tus-version', TUS_VERSION).header('tus-extension', TUS_EXTENSIONS)
      .header('tus-max-size', String(ctx.config.maxUploadBytes)).send());

  app.post<{ Params: { id: string } }>('/exchanges/:id/uploads', { schema: { tags, summary: 'Create a resumable upload (tus creation): a new document, or a new version with metadata documentId' } },
    async (req, reply) => {
      requireTusResumable(req.headers['tus-resumable']);
      const actor = actorOf(req);
      const length = uploadLength(req.headers['upload-length'], ctx.config.maxUploadBytes);
      const metadata = uploadMetadata(req.headers['upload-metadata']);
      const created = await createUpload(ctx, actor, req.params.id, { length, metadata });
      documentHeaders(reply, created.document);
      return reply.code(201).header('location', `/api/uploads/${created.id}`).header('upload-expires', httpDate(created.expiresAt)).send();
    });

  // Declared before the GET, so Fastify does not derive a HEAD route from it.
  app.head<Upload>('/uploads/:uploadId', { schema: { tags, summary: 'The upload\'s offset (tus core)' } }, async (req, reply) => {
    requireTusResumable(req.headers['tus-resumable']);
    return progressHeaders(reply.code(200), await uploadStatus(ctx, req.actor, req.params.uploadId)).send();
  });

  app.get<Upload>('/uploads/:uploadId', { exposeHeadRoute: false, schema: { tags, summary: 'The upload\'s offset, length and expiry as JSON' } },
    async (req, reply) => {
      const s = await uploadStatus(ctx, req.actor, req.params.uploadId);
      return progressHeaders(reply, s).send(s);
    });

  app.patch<Upload>('/uploads/:uploadId', { schema: { tags, summary: 'Append bytes at Upload-Offset (tus core); offsets move in whole 64 KiB segments' } },
    async (req, reply) => {
      requireTusResumable(req.headers['tus-resumable']);
      requireOffsetStream(req.headers['content-type']);
      const offset = uploadOffset(req.headers['upload-offset']);
      const body = req.body instanceof Readable ? req.body : Readable.from([]);
      const p = await appendToUpload(ctx, req.actor, req.params.uploadId, offset, body, contentLength(req.headers['content-length']));
      documentHeaders(reply, p.document);
      return progressHeaders(reply.code(204), p).send();
    });

  app.delete<Upload>('/uploads/:uploadId', { schema: { tags, summary: 'Terminate the upload (tus termination): its staged bytes are removed' } },
    async (req, reply) => {
      requireTusResumable(req.headers['tus-resumable']);
      await cancelUpload(ctx, req.actor, req.params.uploadId);
      return reply.code(204).send();
    });
}

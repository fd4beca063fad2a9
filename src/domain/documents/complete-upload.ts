// The last byte of a resumable upload has arrived: the last segment is sealed, the staged segments and
// it go into the blob store as one blob (byte for byte what a one-shot upload stores), and commitVersion
// makes it visible. The exchange is asked again: it may have been closed, or the uploader's access
// revoked, since the upload was created.
import type { Hash } from 'node:crypto';
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { conflict, notFound } from '../../errors.js';
import { ChunkQueue, HEADER_BYTES, TAG_BYTES, type SegmentCipher } from '../../storage/crypto/segmented-gcm.js';
import type { StagedBytes } from '../../storage/uploads/staging.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';
import { commitVersion, type UploadTarget } from './commit-version.js';
import type { DocumentView } from './document-view.js';
import { releaseUpload, segmentCount, uploadCipher, type UploadRow } from './own-upload.js';
import type { UploadLease } from './upload-lease.js';

/**
 * `lastPlain` is the plaintext of the last segment; `hash` the running SHA-256 of everything staged
 * before it, when this process still has it (else it is computed from the staged segments as they go
 * into the blob, each one verified). `lease` is the completing PATCH's (none for an upload complete at
 * creation, which nobody else knows of yet).
 */
export async function completeUpload(
  ctx: Ctx, actor: Actor, row: UploadRow, lastPlain: Buffer, hash: Hash | undefined, lease: UploadLease | undefined,
): Promise<DocumentView> {
  const { row: exchange } = await exchangeFor(ctx, actor, row.exchange_id, 'upload');
  const staged = await ctx.staging.read(row);
  if (!staged) throw notFound('Upload not found');
  const expected = segmentCount(row) - 1;
  if (staged.segments !== expected) throw conflict('The upload is not complete; ask for its offset (HEAD) and continue from there');
  const cipher = await uploadCipher(ctx, row, staged.header);
  const running = hash ?? crypto.createHash('sha256');
  const last = cipher.seal(lastPlain, expected, true);
  // Streamed (a multipart put in the bucket): never the whole file in memory. Should anything fail on
  // the way, the put is abandoned and nothing becomes visible.
  await ctx.blobs.put(row.blob_key, Readable.from(sealedBlob(staged, hash ? undefined : { cipher, hash: running }, lease, last), { objectMode: false }));
  const sha256 = running.update(lastPlain).digest('hex');
  const target: UploadTarget = row.target === 'version' ? { kind: 'version', documentId: row.document_id! } : { kind: 'new', name: row.name! };
  const doc = await commitVersion(ctx, actor, exchange, target, {
    versionId: row.version_id, blobKey: row.blob_key, wrappedKey: row.wrapped_key, segmentSize: row.segment_size,
    size: row.length, sha256, contentType: row.content_type,
  }, async (trx) => {
    // The upload's row goes in the commit's own transaction: committed means no longer resumable. Only
    // while the lease is ours: a request that lost it must not commit what the next holder is finishing.
    const gone = await trx.deleteFrom('uploads').where('id', '=', row.id)
      .$if(lease !== undefined, (q) => q.where('patch_lease', '=', lease!.holder)).executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) throw notFound('Upload not found');
  });
  // After the commit: staged objects without their row are garbage, a row without them a broken upload.
  await releaseUpload(ctx, row.id);
  return doc;
}

/**
 * The staged bytes, then the sealed last segment. When the running hash was lost (a restart, or the
 * PATCHes went to different instances), each staged segment is opened on the way: its tag is checked
 * and its plaintext hashed, in the one read of the staging.
 */
async function* sealedBlob(staged: StagedBytes, rehash: { cipher: SegmentCipher; hash: Hash } | undefined, lease: UploadLease | undefined, last: Buffer) {
  const sealedSize = (rehash?.cipher.segmentSize ?? 0) + TAG_BYTES;
  const queue = new ChunkQueue();
  let skip = HEADER_BYTES;
  let index = 0;
  for await (const chunk of staged.bytes()) {
    await lease?.keepAlive();
    if (rehash) {
      const n = Math.min(skip, chunk.length);
      skip -= n;
      queue.push(chunk.subarray(n));
      while (queue.length >= sealedSize) {
        for (const part of rehash.cipher.openParts(queue.takeViews(sealedSize), sealedSize, index++, false)) rehash.hash.update(part);
      }
    }
    yield chunk;
  }
  if (rehash && (queue.length || index !== staged.segments)) throw conflict('The staged bytes of this upload are incomplete; start the upload again');
  yield last;
}

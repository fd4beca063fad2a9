// The last byte of a resumable upload has arrived: the last segment is sealed, the staged segments and
// it go into the blob store as one blob (byte for byte what a one-shot upload stores), and commitVersion
// makes it visible. The exchange is asked again: it may have been closed, or the uploader's access
// revoked, since the upload was created.
import type { Hash } from 'node:crypto';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { conflict, notFound } from '../../errors.js';
import { HEADER_BYTES, TAG_BYTES, type SegmentCipher } from '../../storage/crypto/segmented-gcm.js';
import { stagingPath } from '../../storage/uploads/staging.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';
import { commitVersion, type UploadTarget } from './commit-version.js';
import type { DocumentView } from './document-view.js';
import { releaseUpload, sealedSegment, segmentCount, uploadCipher, type UploadRow } from './own-upload.js';

/**
 * `lastPlain` is the plaintext of the last segment; `hash` the running SHA-256 of everything staged
 * before it, when the process still has it (else the staged segments are decrypted to compute it).
 */
export async function completeUpload(ctx: Ctx, actor: Actor, row: UploadRow, lastPlain: Buffer, hash: Hash | undefined): Promise<DocumentView> {
  const { row: exchange } = await exchangeFor(ctx, actor, row.exchange_id, 'upload');
  const file = stagingPath(ctx.config.uploadDir, row.id);
  const staged = segmentCount(row) - 1;
  const header = await readStagedHeader(file, HEADER_BYTES + staged * sealedSegment(row));
  const cipher = await uploadCipher(ctx, row, header);
  const sha256 = (hash ?? await stagedHash(file, cipher, staged)).update(lastPlain).digest('hex');
  const last = cipher.seal(lastPlain, staged, true);
  await ctx.blobs.put(row.blob_key, Readable.from(sealedBlob(file, last), { objectMode: false }));
  const target: UploadTarget = row.target === 'version' ? { kind: 'version', documentId: row.document_id! } : { kind: 'new', name: row.name! };
  const doc = await commitVersion(ctx, actor, exchange, target, {
    versionId: row.version_id, blobKey: row.blob_key, wrappedKey: row.wrapped_key, segmentSize: row.segment_size,
    size: row.length, sha256, contentType: row.content_type,
  }, async (trx) => {
    // The upload's row goes in the commit's own transaction: committed means no longer resumable.
    const gone = await trx.deleteFrom('uploads').where('id', '=', row.id).executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) throw notFound('Upload not found');
  });
  await releaseUpload(ctx, row.id);
  return doc;
}

/** The staging file's header, once its length shows every segment but the last is staged. */
async function readStagedHeader(file: string, expectedSize: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    if ((await fh.stat()).size !== expectedSize) throw conflict('The upload is not complete; ask for its offset (HEAD) and continue from there');
    const header = Buffer.alloc(HEADER_BYTES);
    await fh.read(header, 0, HEADER_BYTES, 0);
    return header;
  } finally {
    await fh.close();
  }
}

async function* sealedBlob(file: string, last: Buffer) {
  yield* fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  yield last;
}

/** SHA-256 of the staged plaintext, each segment verified as it is opened (after a restart). */
async function stagedHash(file: string, cipher: SegmentCipher, segments: number): Promise<Hash> {
  const hash = crypto.createHash('sha256');
  const size = cipher.segmentSize + TAG_BYTES;
  const buf = Buffer.alloc(size);
  const fh = await fs.promises.open(file, 'r');
  try {
    for (let i = 0; i < segments; i++) {
      const { bytesRead } = await fh.read(buf, 0, size, HEADER_BYTES + i * size);
      hash.update(cipher.open(buf.subarray(0, bytesRead), i, false));
    }
  } finally {
    await fh.close();
  }
  return hash;
}

// A PATCH of a resumable upload: bytes from the upload's offset on are sealed segment by segment into
// the staging file. Only whole segments count: the offset a client is told is always a segment
// boundary, and the bytes of a trailing partial segment (a body that stopped mid-segment, or a
// connection cut) are dropped; tus clients continue from the offset the server reports (tus core, HEAD).
import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflict, invalid, notFound } from '../../errors.js';
import { HEADER_BYTES, type SegmentCipher } from '../../storage/crypto/segmented-gcm.js';
import { nowIso } from '../../storage/db/index.js';
import { openStaging, type StagingFile } from '../../storage/uploads/staging.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';
import { completeUpload } from './complete-upload.js';
import type { DocumentView } from './document-view.js';
import { expiryFrom, ownUpload, sealedSegment, segmentCount, uploadCipher, type UploadRow } from './own-upload.js';
import { claimUpload, keepHash, releaseUpload, takeHash } from './upload-registry.js';
import { isClientStreamError } from './upload-document.js';

export interface UploadProgress {
  offset: number;
  length: number;
  expiresAt: string;
  /** Set by the PATCH that completed the upload. */
  document?: DocumentView;
}

/** Sealed segments are written in batches of about this many bytes (fewer syscalls than one per segment). */
const WRITE_BATCH = 1024 * 1024;

export async function appendToUpload(
  ctx: Ctx, actor: Actor | undefined, id: string, offset: number, body: Readable, contentLength: number | undefined,
): Promise<UploadProgress> {
  const row = await ownUpload(ctx, actor, id);
  // Two PATCHes at once would interleave segments; the second is told to retry (tus clients do on 409).
  if (!claimUpload(row.id)) throw conflict('Another request is still writing to this upload; retry when it has ended');
  try {
    // Refused before any byte is taken when the exchange was closed or access was lost meanwhile.
    await exchangeFor(ctx, actor!, row.exchange_id, 'upload');
    const staging = await openStaging(ctx.config.uploadDir, row.id, sealedSegment(row), segmentCount(row) - 1);
    if (!staging) throw notFound('Upload not found');
    try {
      return await append(ctx, actor!, row, staging, offset, body, contentLength);
    } finally {
      await staging.fh.close();
    }
  } finally {
    releaseUpload(row.id);
  }
}

async function append(
  ctx: Ctx, actor: Actor, row: UploadRow, staging: StagingFile, offset: number, body: Readable, contentLength: number | undefined,
): Promise<UploadProgress> {
  const start = staging.segments * row.segment_size;
  if (offset !== start) throw conflict(`Upload-Offset must be ${start}, the upload's current offset`);
  if (contentLength !== undefined && start + contentLength > row.length) throw invalid('The body goes beyond Upload-Length');
  const cipher = await uploadCipher(ctx, row, staging.header);
  const sealer = new StagingSealer(staging, cipher, row, takeHash(row.id, start));
  let received = 0;
  let cutOff = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (start + received > row.length) throw invalid('The body goes beyond Upload-Length');
      await sealer.push(chunk);
    }
  } catch (err) {
    if (!isClientStreamError(err)) {
      // Nothing of a refused PATCH stays: the offset is what it was before it.
      await staging.fh.truncate(HEADER_BYTES + staging.segments * sealedSegment(row));
      throw err;
    }
    cutOff = true;
  }
  const durable = await sealer.flush();
  if (!cutOff && start + received === row.length) {
    const document = await completeUpload(ctx, actor, row, sealer.rest(), sealer.hash);
    return { offset: row.length, length: row.length, expiresAt: row.expires_at, document };
  }
  if (sealer.hash) keepHash(row.id, durable, sealer.hash);
  const expiresAt = expiryFrom(ctx);
  await ctx.db.updateTable('uploads').set({ updated_at: nowIso(), expires_at: expiresAt }).where('id', '=', row.id).execute();
  if (cutOff) throw invalid('The upload was cut off; ask for its offset (HEAD) and continue from there');
  return { offset: durable, length: row.length, expiresAt };
}

/** Seals every whole segment that is not the last and appends it to the staging file. */
class StagingSealer {
  private pending: Buffer = Buffer.alloc(0);
  private sealed: Buffer[] = [];
  private sealedBytes = 0;
  private index: number;
  private written: number;
  private readonly lastIndex: number;

  constructor(private readonly staging: StagingFile, private readonly cipher: SegmentCipher, private readonly row: UploadRow, readonly hash: Hash | undefined) {
    this.index = staging.segments;
    this.written = staging.segments;
    this.lastIndex = segmentCount(row) - 1;
  }

  async push(chunk: Buffer) {
    const seg = this.row.segment_size;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // The last segment is sealed only at completion, with its last-segment flag (complete-upload.ts).
    while (this.pending.length >= seg && this.index < this.lastIndex) {
      const plain = this.pending.subarray(0, seg);
      this.hash?.update(plain);
      const out = this.cipher.seal(plain, this.index++, false);
      this.sealed.push(out);
      this.sealedBytes += out.length;
      this.pending = this.pending.subarray(seg);
    }
    if (this.sealedBytes >= WRITE_BATCH) await this.write();
  }

  private async write() {
    if (!this.sealed.length) return;
    await this.staging.fh.writev(this.sealed, HEADER_BYTES + this.written * sealedSegment(this.row));
    this.written = this.index;
    this.sealed = [];
    this.sealedBytes = 0;
  }

  /** Writes what is sealed and makes it durable; the new offset (a segment boundary). */
  async flush(): Promise<number> {
    await this.write();
    await this.staging.fh.datasync();
    return this.written * this.row.segment_size;
  }

  /** The plaintext after the last sealed segment: at completion, the last segment. */
  rest(): Buffer {
    return this.pending;
  }
}

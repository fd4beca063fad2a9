// A PATCH of a resumable upload: bytes from the upload's offset on are sealed segment by segment into
// the upload's staging (a file, or one object per PATCH in the bucket: storage/uploads/staging.ts). Only
// whole segments count: the offset a client is told is always a segment boundary, and the bytes of a
// trailing partial segment (a body that stopped mid-segment, or a connection cut) are dropped; tus
// clients continue from the offset the server reports (tus core, HEAD). The PATCH holds the upload's
// lease (upload-lease.ts) from before it reads the offset until it has answered.
import type { Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflict, invalid, notFound } from '../../errors.js';
import type { SegmentCipher } from '../../storage/crypto/segmented-gcm.js';
import { nowIso } from '../../storage/db/index.js';
import type { StagingAppend } from '../../storage/uploads/staging.js';
import type { Ctx } from '../context.js';
import { exchangeFor } from '../exchanges/exchange-access.js';
import type { Actor } from '../sessions/resolve-session.js';
import { completeUpload } from './complete-upload.js';
import type { DocumentView } from './document-view.js';
import { expiryFrom, ownUpload, segmentCount, uploadCipher, type UploadRow } from './own-upload.js';
import { UploadLease } from './upload-lease.js';
import { keepHash, takeHash } from './upload-registry.js';
import { isClientStreamError } from './upload-document.js';

export interface UploadProgress {
  offset: number;
  length: number;
  expiresAt: string;
  /** Set by the PATCH that completed the upload. */
  document?: DocumentView;
}

/** Sealed segments are handed to the staging in batches of about this many bytes (fewer syscalls than one per segment). */
const WRITE_BATCH = 1024 * 1024;

export async function appendToUpload(
  ctx: Ctx, actor: Actor | undefined, id: string, offset: number, body: Readable, contentLength: number | undefined,
): Promise<UploadProgress> {
  const row = await ownUpload(ctx, actor, id);
  // Two PATCHes at once (on any instances) would interleave segments; the second is told to retry (tus clients do on 409).
  const lease = await UploadLease.take(ctx, row.id);
  if (!lease) throw conflict('Another request is still writing to this upload; retry when it has ended');
  try {
    // Refused before any byte is taken when the exchange was closed or access was lost meanwhile.
    await exchangeFor(ctx, actor!, row.exchange_id, 'upload');
    const staging = await ctx.staging.append(row, lease.holder);
    if (!staging) throw notFound('Upload not found');
    try {
      return await append(ctx, actor!, row, lease, staging, offset, body, contentLength);
    } finally {
      await staging.close();
    }
  } finally {
    await lease.release();
  }
}

async function append(
  ctx: Ctx, actor: Actor, row: UploadRow, lease: UploadLease, staging: StagingAppend, offset: number, body: Readable, contentLength: number | undefined,
): Promise<UploadProgress> {
  const start = staging.segments * row.segment_size;
  if (offset !== start) throw conflict(`Upload-Offset must be ${start}, the upload's current offset`);
  if (contentLength !== undefined && start + contentLength > row.length) throw invalid('The body goes beyond Upload-Length');
  const cipher = await uploadCipher(ctx, row, staging.header);
  const sealer = new Sealer(cipher, row, staging.segments, takeHash(row.id, start));
  let received = 0;
  let cutOff = false;
  async function* batches(): AsyncGenerator<Buffer[]> {
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (start + received > row.length) throw invalid('The body goes beyond Upload-Length');
        // Renewed while bytes flow, however slowly (a clock check, a write only when due); and checked
        // before each write: a request whose lease ended writes no more.
        await lease.keepAlive();
        sealer.push(chunk);
        if (sealer.sealedBytes >= WRITE_BATCH) yield sealer.take();
      }
    } catch (err) {
      if (!isClientStreamError(err)) throw err;
      cutOff = true;
    }
    await lease.keepAlive();
    yield sealer.take();
  }
  let written: number;
  try {
    written = await staging.write(batches());
  } catch (err) {
    // Nothing of a refused PATCH stays: the offset is what it was before it. Once the lease is lost the
    // staging may be the next holder's, so it is left alone (what this request wrote were whole segments).
    if (!lease.lost) await staging.discard();
    throw err;
  }
  const durable = (staging.segments + written) * row.segment_size;
  if (!cutOff && start + received === row.length) {
    const document = await completeUpload(ctx, actor, row, sealer.rest(), sealer.hash, lease);
    return { offset: row.length, length: row.length, expiresAt: row.expires_at, document };
  }
  if (sealer.hash) keepHash(row.id, durable, sealer.hash);
  const expiresAt = expiryFrom(ctx);
  await ctx.db.updateTable('uploads').set({ updated_at: nowIso(), expires_at: expiresAt }).where('id', '=', row.id).execute();
  if (cutOff) throw invalid('The upload was cut off; ask for its offset (HEAD) and continue from there');
  return { offset: durable, length: row.length, expiresAt };
}

/** Seals every whole segment that is not the last, in order, from the upload's offset on. */
class Sealer {
  private pending: Buffer = Buffer.alloc(0);
  private sealed: Buffer[] = [];
  sealedBytes = 0;
  private readonly lastIndex: number;

  constructor(private readonly cipher: SegmentCipher, private readonly row: UploadRow, private index: number, readonly hash: Hash | undefined) {
    this.lastIndex = segmentCount(row) - 1;
  }

  push(chunk: Buffer) {
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
  }

  /** The segments sealed since the last take, one Buffer each. */
  take(): Buffer[] {
    const out = this.sealed;
    this.sealed = [];
    this.sealedBytes = 0;
    return out;
  }

  /** The plaintext after the last sealed segment: at completion, the last segment. */
  rest(): Buffer {
    return this.pending;
  }
}

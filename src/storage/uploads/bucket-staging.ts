// Staging of resumable uploads in the bucket (BLOB_STORE=s3), so that any instance can continue an
// upload another one started: instances share the database and the bucket, not a DATA_DIR.
//
// S3 objects cannot be appended to, so each PATCH stages its whole sealed segments as one object of its
// own, under the staging prefix (`{S3_PREFIX}uploads/`, which the blob store's list() never shows, so
// neither the collector nor a backup takes them for documents). An object's key holds the upload id, its
// first segment and the holder id of the lease the PATCH held: two writers (one whose lease ran out
// unnoticed, and the next) never write the same key, so neither can overwrite what the other staged.
// An object counts only once it is recorded in `upload_parts`, in one transaction that advances
// `uploads.staged_segments` from the offset the PATCH started at, and only while the PATCH still holds
// its lease; everything else under the upload's prefix is garbage, removed with the upload.
import { Readable } from 'node:stream';
import { AppError, conflict } from '../../errors.js';
import type { S3BlobStore } from '../blobs/s3-store.js';
import { HEADER_BYTES, TAG_BYTES } from '../crypto/segmented-gcm.js';
import { nowIso, type Db } from '../db/index.js';
import type { StagedBytes, StagingAppend, UploadRow, UploadStaging } from './staging.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `{upload id}_{first segment, 10 digits}_{lease holder}`: within BLOB_KEY, and sorted by segment per upload. */
export function stagedObjectKey(uploadId: string, firstSegment: number, lease: string): string {
  if (!ID.test(uploadId) || !/^[0-9a-f]{16}$/.test(lease)) throw new Error('invalid staging key');
  return `${uploadId}_${String(firstSegment).padStart(10, '0')}_${lease}`;
}

const headerOf = (row: Pick<UploadRow, 'staging_header'>): Buffer | undefined => {
  const h = row.staging_header ? Buffer.from(row.staging_header, 'base64') : undefined;
  return h?.length === HEADER_BYTES ? h : undefined;
};

export class BucketStaging implements UploadStaging {
  /**
   * `store` is an S3 blob store over the staging prefix; `partialAgeMs` is the age after which an
   * unfinished multipart upload of a staged object (an instance killed mid-PATCH) is aborted.
   */
  constructor(private readonly store: S3BlobStore, private readonly db: Db, private readonly partialAgeMs: number) {}

  /** The header is in the row already (create-upload.ts): nothing is in the bucket before the first PATCH. */
  async create(): Promise<void> {}

  async segments(upload: UploadRow): Promise<number | undefined> {
    return headerOf(upload) ? Number(upload.staged_segments) : undefined;
  }

  async append(upload: UploadRow, lease: string): Promise<StagingAppend | undefined> {
    // Read again under the lease: a PATCH that ended since the row was read moved the offset on.
    const now = await this.db.selectFrom('uploads').select(['staged_segments', 'staging_header']).where('id', '=', upload.id).executeTakeFirst();
    const header = now && headerOf(now);
    if (!now || !header) return undefined;
    return new ObjectAppend(this.store, this.db, upload.id, lease, header, Number(now.staged_segments));
  }

  async read(upload: UploadRow): Promise<StagedBytes | undefined> {
    const header = headerOf(upload);
    if (!header) return undefined;
    const parts = await this.db.selectFrom('upload_parts').selectAll().where('upload_id', '=', upload.id).orderBy('first_segment').execute();
    let segments = 0;
    for (const p of parts) {
      // Recorded only from the offset before them (ObjectAppend.write), so a gap cannot happen.
      if (Number(p.first_segment) !== segments) throw new Error(`upload ${upload.id}: staged parts are not contiguous`);
      segments += Number(p.segments);
    }
    const sealed = upload.segment_size + TAG_BYTES;
    const store = this.store;
    return {
      header, segments,
      async *bytes() {
        yield header;
        for (const p of parts) {
          let n = 0;
          try {
            for await (const chunk of store.get(p.object_key) as AsyncIterable<Buffer>) {
              n += chunk.length;
              yield chunk;
            }
          } catch (err) {
            if ((err as { code?: string }).code === 'ENOENT') throw conflict('The staged bytes of this upload are gone; start the upload again');
            throw err;
          }
          if (n !== Number(p.segments) * sealed) throw new AppError('unavailable', `A staged part of upload ${upload.id} holds ${n} bytes, not ${Number(p.segments) * sealed}`);
        }
      },
    };
  }

  /** Every object under the upload's prefix, recorded or not (a PATCH that lost its lease leaves one). */
  async remove(uploadId: string): Promise<void> {
    if (!ID.test(uploadId)) throw new Error('invalid upload id');
    const keys: string[] = [];
    for await (const o of this.store.list(`${uploadId}_`)) keys.push(o.key);
    for (const key of keys) await this.store.delete(key);
  }

  async sweep(known: (ids: string[]) => Promise<Set<string>>): Promise<number> {
    let removed = await this.store.removePartial(new Date(Date.now() - this.partialAgeMs));
    let batch = new Map<string, string[]>();
    const flush = async () => {
      const live = await known([...batch.keys()]);
      for (const [id, keys] of batch) {
        if (live.has(id)) continue;
        for (const key of keys) await this.store.delete(key);
        removed += keys.length;
      }
      batch = new Map();
    };
    for await (const o of this.store.list()) {
      const id = o.key.slice(0, 36);
      if (!ID.test(id)) continue;
      const keys = batch.get(id);
      if (keys) keys.push(o.key);
      else batch.set(id, [o.key]);
      if (batch.size >= 500) await flush();
    }
    if (batch.size) await flush();
    return removed;
  }
}

class ObjectAppend implements StagingAppend {
  constructor(
    private readonly store: S3BlobStore, private readonly db: Db, private readonly uploadId: string, private readonly lease: string,
    readonly header: Buffer, readonly segments: number,
  ) {}

  async write(batches: AsyncIterable<Buffer[]>): Promise<number> {
    const it = batches[Symbol.asyncIterator]();
    let next = await it.next();
    while (!next.done && !next.value.length) next = await it.next();
    // A PATCH that sealed no whole segment stages nothing (no empty object).
    if (next.done) return 0;
    const key = stagedObjectKey(this.uploadId, this.segments, this.lease);
    let count = 0;
    const first = next.value;
    async function* segments() {
      try {
        for (let n: IteratorResult<Buffer[]> = { done: false, value: first }; !n.done; n = await it.next()) {
          for (const s of n.value) { count++; yield s; }
        }
      } finally {
        // The store stopped reading (it failed): the PATCH's body stops too.
        await it.return?.();
      }
    }
    // Multipart when larger than a part: visible only once complete, aborted when the source fails.
    await this.store.put(key, Readable.from(segments(), { objectMode: false }));
    const recorded = await this.db.transaction().execute(async (trx) => {
      const moved = await trx.updateTable('uploads').set({ staged_segments: this.segments + count })
        .where('id', '=', this.uploadId).where('staged_segments', '=', this.segments)
        .where('patch_lease', '=', this.lease).where('patch_lease_until', '>', nowIso()).executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      await trx.insertInto('upload_parts').values({ upload_id: this.uploadId, first_segment: this.segments, segments: count, object_key: key }).execute();
      return true;
    });
    if (!recorded) {
      // The lease ran out and another request may have continued: this object must not count.
      await this.store.delete(key);
      throw conflict('Another request took this upload over; ask for its offset (HEAD) and continue from there');
    }
    return count;
  }

  /** Nothing to drop: a failed write recorded nothing, and its object is removed or was never completed. */
  async discard(): Promise<void> {}

  async close(): Promise<void> {}
}

// Where the sealed segments of a resumable upload wait for its last byte. Two places, one contract:
// - the folder (embedded default, BLOB_STORE=folder): one file per upload under DATA_DIR/uploads, which
//   is the one place every process of that installation shares, appended in place (folder-staging.ts);
// - the bucket (BLOB_STORE=s3): instances have a DATA_DIR each, so a client whose PATCH lands on another
//   instance must find the bytes where all of them look; S3 cannot append, so each PATCH's segments are
//   one object of their own, listed in the database (bucket-staging.ts).
// One interface rather than two code paths in the use cases: append, status and completion read the same
// whichever store the installation runs on, and the format (segmented AES-256-GCM: header, then whole
// sealed segments, never plaintext) is the same in both.
import type { Selectable } from 'kysely';
import type { Database } from '../db/schema.js';

export type UploadRow = Selectable<Database['uploads']>;

export interface UploadStaging {
  /** Prepares the staging of a new upload, whose row (with `staging_header`) is written already. */
  create(uploadId: string, header: Buffer): Promise<void>;
  /** Whole sealed segments durably staged (the offset in segments); undefined: the staging is gone. */
  segments(upload: UploadRow): Promise<number | undefined>;
  /** Opens the upload to append after its staged segments; `lease` is the holder id of the PATCH's lease. */
  append(upload: UploadRow, lease: string): Promise<StagingAppend | undefined>;
  /** The staged bytes for completion: header, then each staged segment in order. */
  read(upload: UploadRow): Promise<StagedBytes | undefined>;
  /** Removes whatever the upload staged; called once its row is gone (nothing can reach it then). */
  remove(uploadId: string): Promise<void>;
  /** Removes staging whose upload row is gone (`known` answers which of some ids still have one); how many. */
  sweep(known: (ids: string[]) => Promise<Set<string>>): Promise<number>;
}

export interface StagingAppend {
  header: Buffer;
  /** Segments staged before this PATCH. */
  segments: number;
  /**
   * Stages the sealed segments `batches` yields (one Buffer per segment) after the staged ones. When it
   * resolves they are durable and count (the number written); when it rejects, what the bucket got is not
   * counted, and a staging file may hold some of them (see discard).
   */
  write(batches: AsyncIterable<Buffer[]>): Promise<number>;
  /** Drops what write() put after the staged segments (a refused PATCH); only while the lease is held. */
  discard(): Promise<void>;
  close(): Promise<void>;
}

export interface StagedBytes {
  header: Buffer;
  segments: number;
  /** The header and the `segments` staged segments, as stored; errors if the store holds fewer. */
  bytes(): AsyncIterable<Buffer>;
}

// A real S3-compatible server on loopback for the S3 blob store's tests: s3rver (npm), run in this
// process on a free port with its own folder. No mocks: the store talks HTTP and SigV4 to it like to S3.
//
// What s3rver 3.7 (the last release that runs on Node 20) does not implement, so these tests cannot
// cover it (README, "S3-compatible blob store"):
// - AbortMultipartUpload (answers 405 MethodNotAllowed): an aborted put leaves its parts in s3rver's
//   folder. They are never visible (not listed, not readable), which is what the tests check; that
//   AWS/MinIO really discard them is not tested here.
// - ListMultipartUploads (answers 501 NotImplemented): removePartial finds nothing to abort here.
// - ListParts, UploadPartCopy, object versioning, lifecycle rules, conditional writes; no real
//   durability or consistency model (it is one process writing files).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials (it checks SigV4 signatures made with them). */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3 {
  endpoint: string;
  /** The folder s3rver keeps buckets in (to look at what really got stored). */
  directory: string;
  stop(): Promise<void>;
}

export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sx-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1', port: 0, directory, silent: true,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { address, port } = await server.run();
  let stopped = false;
  return {
    endpoint: `http://${address}:${port}`,
    directory,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** What a server needs to keep its blobs in `bucket` of the local S3 server. */
export function s3ServerEnv(s3: LocalS3, bucket: string): NodeJS.ProcessEnv {
  return {
    BLOB_STORE: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: bucket, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  };
}

// The S3 store against the shared blob store suite, on a real S3-compatible server on loopback (s3rver;
// see test/helpers/s3rver.ts for what it does not implement). Parts are S3's minimum (5 MiB), so the
// "spans parts" cases really go through CreateMultipartUpload / UploadPart / CompleteMultipartUpload.
import { MIN_PART_SIZE, S3BlobStore } from '../../src/storage/blobs/s3-store.js';
import { S3RVER_CREDENTIALS, startLocalS3 } from '../helpers/s3rver.js';
import { blobStoreConformance } from './blob-store-conformance.js';

for (const prefix of ['', 'installations/one/']) {
  blobStoreConformance(`S3BlobStore (s3rver${prefix ? `, prefix ${prefix}` : ''})`, async () => {
    const s3 = await startLocalS3(['sx-conformance']);
    const store = new S3BlobStore({
      bucket: 'sx-conformance', region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, prefix,
      partSize: MIN_PART_SIZE, queueSize: 2, credentials: S3RVER_CREDENTIALS,
    });
    return {
      store, partSize: MIN_PART_SIZE,
      close: async () => { store.close(); await s3.stop(); },
    };
  });
}

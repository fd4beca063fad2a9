// BLOB_STORE and the S3 variables: the embedded default stays the folder; a wrong S3 setting stops the
// start with a message naming the variable (never a credential's value).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const s3 = { BLOB_STORE: 's3', S3_BUCKET: 'sx-documents' };

describe('blob store configuration', () => {
  it('defaults to the folder under DATA_DIR', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/sx-config' });
    assert.equal(c.blobStore, 'folder');
    assert.equal(c.blobDir, '/tmp/sx-config/blobs');
    assert.equal(c.s3, undefined);
  });

  it('BLOB_STORE=s3 reads the bucket, endpoint, region, path style and prefix', () => {
    const c = loadConfig({ ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_REGION: 'eu-central-2', S3_FORCE_PATH_STYLE: 'true', S3_PREFIX: 'sx/docs/' });
    assert.deepEqual(c.s3, { bucket: 'sx-documents', region: 'eu-central-2', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, prefix: 'sx/docs/' });
    const d = loadConfig({ ...s3, AWS_REGION: 'us-west-2' });
    assert.deepEqual(d.s3, { bucket: 'sx-documents', region: 'us-west-2', endpoint: undefined, forcePathStyle: false, prefix: '' });
    assert.equal(loadConfig(s3).s3?.region, 'us-east-1');
  });

  it('refuses what cannot work, naming the variable', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ BLOB_STORE: 'gcs' }, /BLOB_STORE/],
      [{ BLOB_STORE: 's3' }, /S3_BUCKET/],
      [{ ...s3, S3_BUCKET: 'Not_A_Bucket' }, /S3_BUCKET/],
      [{ ...s3, S3_ENDPOINT: 'ftp://example' }, /S3_ENDPOINT/],
      [{ ...s3, S3_FORCE_PATH_STYLE: 'maybe' }, /S3_FORCE_PATH_STYLE/],
      [{ ...s3, S3_PREFIX: '/abs' }, /S3_PREFIX/],
      [{ ...s3, S3_PREFIX: 'no-slash' }, /S3_PREFIX/],
    ];
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), (e: Error) => e instanceof ConfigError && message.test(e.message), JSON.stringify(env));
  });

  it('half a key pair is refused without echoing the key', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    assert.throws(() => loadConfig({ ...s3, AWS_SECRET_ACCESS_KEY: secret }), (e: Error) =>
      e instanceof ConfigError && /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/.test(e.message) && !e.message.includes(secret));
  });

  it('the S3 variables change nothing while BLOB_STORE is unset', () => {
    const c = loadConfig({ S3_BUCKET: 'Not_A_Bucket', S3_FORCE_PATH_STYLE: 'maybe' });
    assert.equal(c.blobStore, 'folder');
  });
});

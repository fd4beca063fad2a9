// The one place where the environment becomes configuration. Server and CLI both call loadConfig(),
// so an operator's `secure-exchange` command always sees the same database and keys as the server.
import os from 'node:os';
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  /** Base64 or hex 32-byte key; when absent a 0600 key file in dataDir is used (created on first start). */
  masterKey: string | undefined;
  databaseFile: string;
  /** postgres:// URL (DATABASE_URL): the whole service runs on PostgreSQL instead of databaseFile. */
  databaseUrl: string | undefined;
  /** Where documents' sealed blobs go: `blobDir` (embedded default) or an S3-compatible bucket. */
  blobStore: 'folder' | 's3';
  blobDir: string;
  /** Set when `blobStore` is `s3`. */
  s3: S3Config | undefined;
  maxUploadBytes: number;
  /** Staging files of resumable (tus) uploads in progress: sealed segments only, never plaintext. */
  uploadDir: string;
  /** A resumable upload not continued for this long is removed (tus expiration extension). */
  uploadExpiryHours: number;
  /**
   * Lifetime of the lease a PATCH holds on its upload (one PATCH at a time, across instances); renewed
   * while bytes flow, so it only needs to outlast an instance that died holding it.
   */
  uploadLeaseSeconds: number;
  sessionTtlSeconds: number;
  /** A session unused for this long is over (the web app warns a minute before). */
  sessionIdleSeconds: number;
  samlClockSkewMs: number;
  provisioningLogDays: number;
  /** SCIM requests per minute per tenant; Entra asks gallery apps for 25/s, so the default leaves 8× room. */
  scimRatePerMinute: number;
  /** Worker threads validating ACS responses (0: on the main thread); default one per core, at most 4. */
  samlValidationThreads: number;
  /** ACS responses that may wait for a validation thread before the ACS answers 503. */
  samlValidationQueue: number;
  logLevel: string;
  /** smtp:// or smtps:// URL of the mail relay; undefined: mails go to `outboxDir` as .eml files. */
  smtpUrl: string | undefined;
  /** From header of every mail. */
  mailFrom: string;
  outboxDir: string;
  /** Lifetime of an invitation link. */
  invitationTtlDays: number;
}

/**
 * An S3-compatible bucket. Credentials are not here: the AWS SDK reads AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or a role, a profile) itself, so they never sit in
 * an object that might be logged.
 */
export interface S3Config {
  bucket: string;
  region: string;
  /** Unset: AWS S3 itself. */
  endpoint: string | undefined;
  /** `bucket/key` paths instead of `bucket.host` names (MinIO, Ceph RGW, s3rver, most self-hosted servers). */
  forcePathStyle: boolean;
  /** Prepended to every blob key, so one bucket can hold other things (or several installations). */
  prefix: string;
}

export class ConfigError extends Error {}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function s3Config(env: NodeJS.ProcessEnv): S3Config {
  const bucket = env.S3_BUCKET ?? '';
  // The DNS-compatible names of S3's bucket naming rules; a path-style server accepts them too.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError(`S3_BUCKET must be a bucket name (3–63 of a-z, 0-9, ".", "-"), got "${bucket}"`);
  const endpoint = env.S3_ENDPOINT || undefined;
  if (endpoint) {
    let ok = false;
    try { ok = ['http:', 'https:'].includes(new URL(endpoint).protocol); } catch { /* reported below */ }
    if (!ok) throw new ConfigError('S3_ENDPOINT must be an http(s) URL');
  }
  // Both or neither: half a key pair would make the SDK fall through to other credential sources silently.
  if (!env.AWS_ACCESS_KEY_ID !== !env.AWS_SECRET_ACCESS_KEY) throw new ConfigError('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together');
  const prefix = env.S3_PREFIX ?? '';
  if (!/^([A-Za-z0-9._-]+\/)*$/.test(prefix)) throw new ConfigError(`S3_PREFIX must be empty or folder names each ending in "/", got "${prefix}"`);
  return {
    bucket,
    region: env.S3_REGION || env.AWS_REGION || 'us-east-1',
    endpoint,
    forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', false),
    prefix,
  };
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 3000);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, got ${port}`);
  const dataDir = path.resolve(env.DATA_DIR || './data');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl) {
    let ok = false;
    try { ok = ['smtp:', 'smtps:'].includes(new URL(smtpUrl).protocol); } catch { /* reported below */ }
    // The URL may hold the relay's password: the message names only what is wrong, never the value.
    if (!ok) throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl) {
    let ok = false;
    try { ok = ['postgres:', 'postgresql:'].includes(new URL(databaseUrl).protocol); } catch { /* reported below */ }
    // The URL may hold the database password: the message never repeats it.
    if (!ok) throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const mailFrom = env.MAIL_FROM || `SecureExchange <no-reply@${new URL(publicUrl).hostname}>`;
  if (/[\r\n]/.test(mailFrom)) throw new ConfigError('MAIL_FROM must be one line');
  const invitationTtlDays = int(env, 'INVITATION_TTL_DAYS', 7);
  const uploadExpiryHours = int(env, 'UPLOAD_EXPIRY_HOURS', 24);
  if (uploadExpiryHours < 1 || uploadExpiryHours > 24 * 30) throw new ConfigError(`UPLOAD_EXPIRY_HOURS must be between 1 and 720, got ${uploadExpiryHours}`);
  const uploadLeaseSeconds = int(env, 'UPLOAD_LEASE_SECONDS', 120);
  if (uploadLeaseSeconds < 1 || uploadLeaseSeconds > 3600) throw new ConfigError(`UPLOAD_LEASE_SECONDS must be between 1 and 3600, got ${uploadLeaseSeconds}`);
  if (invitationTtlDays < 1 || invitationTtlDays > 365) throw new ConfigError(`INVITATION_TTL_DAYS must be between 1 and 365, got ${invitationTtlDays}`);
  const blobStore = env.BLOB_STORE || 'folder';
  if (blobStore !== 'folder' && blobStore !== 's3') throw new ConfigError(`BLOB_STORE must be "folder" or "s3", got "${blobStore}"`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    publicUrl,
    dataDir,
    masterKey: env.SECURE_EXCHANGE_MASTER_KEY || undefined,
    databaseFile: path.join(dataDir, 'secure-exchange.sqlite'),
    databaseUrl,
    blobStore,
    blobDir: path.join(dataDir, 'blobs'),
    s3: blobStore === 's3' ? s3Config(env) : undefined,
    maxUploadBytes: int(env, 'MAX_UPLOAD_BYTES', 2 * 1024 ** 3),
    uploadDir: path.join(dataDir, 'uploads'),
    uploadExpiryHours,
    uploadLeaseSeconds,
    sessionTtlSeconds: int(env, 'SESSION_TTL_SECONDS', 8 * 3600),
    sessionIdleSeconds: Math.max(60, int(env, 'SESSION_IDLE_SECONDS', 15 * 60)),
    samlClockSkewMs: int(env, 'SAML_CLOCK_SKEW_SECONDS', 180) * 1000,
    provisioningLogDays: int(env, 'PROVISIONING_LOG_DAYS', 30),
    scimRatePerMinute: int(env, 'SCIM_RATE_LIMIT_PER_MINUTE', 12_000),
    samlValidationThreads: Math.min(int(env, 'SAML_VALIDATION_THREADS', Math.min(os.availableParallelism(), 4)), 64),
    samlValidationQueue: int(env, 'SAML_VALIDATION_QUEUE', 64),
    logLevel: env.LOG_LEVEL || 'info',
    smtpUrl,
    mailFrom,
    outboxDir: path.join(dataDir, 'outbox'),
    invitationTtlDays,
  };
}

/** URLs handed to a tenant (DESIGN.md, "The four values"). */
export const tenantUrls = (config: Config, tenantId: string) => ({
  scimUrl: `${config.publicUrl}/scim/v2/${encodeURIComponent(tenantId)}`,
  samlUrl: `${config.publicUrl}/saml/${encodeURIComponent(tenantId)}/acs`,
  metadataUrl: `${config.publicUrl}/saml/${encodeURIComponent(tenantId)}/metadata`,
  loginUrl: `${config.publicUrl}/saml/${encodeURIComponent(tenantId)}/login`,
});

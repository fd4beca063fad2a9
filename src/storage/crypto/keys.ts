// Key hierarchy (DESIGN.md, "Exchanges and documents"): master key → tenant key → document key.
// Every wrap is AES-256-GCM with the owner's id as associated data, so a wrapped key copied onto
// another tenant's or document's row fails to unwrap instead of decrypting the wrong data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_BYTES = 32;

export class KeyError extends Error {}

export function newKey(): Buffer {
  return crypto.randomBytes(KEY_BYTES);
}

export function wrapKey(kek: Buffer, key: Buffer, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(key), cipher.final()]);
  return ['v1', iv.toString('base64'), ct.toString('base64'), cipher.getAuthTag().toString('base64')].join('.');
}

export function unwrapKey(kek: Buffer, wrapped: string, context: string): Buffer {
  const [v, iv, ct, tag] = wrapped.split('.');
  if (v !== 'v1' || !iv || !ct || !tag) throw new KeyError('unknown wrapped-key format');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]);
  } catch {
    throw new KeyError('a wrapped key does not open with this key (wrong master key?)');
  }
}

function parseKey(text: string, origin: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new KeyError(`${origin} must hold a 32-byte key as 64 hex digits or base64 (got ${key.length} bytes)`);
  }
  return key;
}

/**
 * The master key from SECURE_EXCHANGE_MASTER_KEY, else from `master.key` in the data folder, which is
 * created (mode 0600, exclusively, so two starting processes cannot write two keys) on first start.
 */
export function loadMasterKey(envValue: string | undefined, dataDir: string): Buffer {
  if (envValue) return parseKey(envValue, 'SECURE_EXCHANGE_MASTER_KEY');
  const file = path.join(dataDir, 'master.key');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, newKey().toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) throw new KeyError(`${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  return parseKey(fs.readFileSync(file, 'utf8'), file);
}

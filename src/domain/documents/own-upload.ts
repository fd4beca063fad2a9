// A resumable upload as its creator sees it. Only the principal that created an upload may see or
// continue it: anyone else (same tenant or not, signed in or not) and a guessed or expired id get the
// same 404, so an upload id reveals nothing, not even that it exists.
import type { Selectable } from 'kysely';
import { notFound } from '../../errors.js';
import { unwrapKey } from '../../storage/crypto/keys.js';
import { SegmentCipher, TAG_BYTES } from '../../storage/crypto/segmented-gcm.js';
import { nowIso, type Database } from '../../storage/db/index.js';
import type { Ctx } from '../context.js';
import { exchangeFor, isUuid } from '../exchanges/exchange-access.js';
import { principalOf, type Actor } from '../sessions/resolve-session.js';
import { tenantKey } from '../tenants/tenant-key.js';
import { forgetUpload } from './upload-registry.js';

export type UploadRow = Selectable<Database['uploads']>;

export async function ownUpload(ctx: Ctx, actor: Actor | undefined, id: string): Promise<UploadRow> {
  if (!actor || !isUuid(id)) throw notFound('Upload not found');
  const row = await ctx.db.selectFrom('uploads').selectAll().where('id', '=', id.toLowerCase())
    .where('tenant_id', '=', actor.tenantId).where('created_by', '=', principalOf(actor))
    .where('expires_at', '>', nowIso()).executeTakeFirst();
  if (!row) throw notFound('Upload not found');
  // Its creator must still see the exchange: a client whose access was revoked, or an advisor no longer
  // deputy, has no upload there any more either (the same 404).
  try {
    await exchangeFor(ctx, actor, row.exchange_id, 'view');
  } catch {
    throw notFound('Upload not found');
  }
  return { ...row, length: Number(row.length), staged_segments: Number(row.staged_segments) };
}

/** Bytes of one sealed segment on disk (plaintext plus tag). */
export const sealedSegment = (row: UploadRow): number => row.segment_size + TAG_BYTES;

/** Segments of the finished blob: at least one (a 0-byte file has one empty, last segment). */
export const segmentCount = (row: UploadRow): number => Math.max(1, Math.ceil(row.length / row.segment_size));

/** The cipher of the upload's version key under the staging file's header. */
export async function uploadCipher(ctx: Ctx, row: UploadRow, header: Buffer): Promise<SegmentCipher> {
  const key = unwrapKey(await tenantKey(ctx, row.tenant_id), row.wrapped_key, `document:${row.version_id}`);
  return new SegmentCipher(key, header);
}

/** Expiry restarts with every request that moves the upload on (tus expiration extension). */
export const expiryFrom = (ctx: Ctx, from = Date.now()): string =>
  new Date(from + ctx.config.uploadExpiryHours * 3600_000).toISOString();

/** Removes an upload's row and staging, and what the process remembers of it. */
export async function discardUpload(ctx: Ctx, id: string): Promise<void> {
  // The row first (its staged parts go with it): from then on nobody can reach the staging, so removing
  // it cannot race a request. Staging left by a crash in between is swept (prune-stale-uploads.ts).
  await ctx.db.deleteFrom('uploads').where('id', '=', id).execute();
  await releaseUpload(ctx, id);
}

/** What is left of an upload once its row is gone: its staging and the process's memory of it. */
export async function releaseUpload(ctx: Ctx, id: string): Promise<void> {
  await ctx.staging.remove(id);
  forgetUpload(id);
}

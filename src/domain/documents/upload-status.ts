// Where a resumable upload stands (tus core, HEAD): the offset is what the staging holds durably — the
// staging file's whole segments (folder), or the segments recorded in the row once their object was
// stored (bucket), so any instance answers the same, and exactly what a crash or a cut connection left.
import { notFound } from '../../errors.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { ownUpload, segmentCount } from './own-upload.js';

export interface UploadStatus { id: string; offset: number; length: number; expiresAt: string }

export async function uploadStatus(ctx: Ctx, actor: Actor | undefined, id: string): Promise<UploadStatus> {
  const row = await ownUpload(ctx, actor, id);
  const segments = await ctx.staging.segments(row);
  if (segments === undefined) throw notFound('Upload not found');
  return { id: row.id, offset: Math.min(segments, segmentCount(row) - 1) * row.segment_size, length: row.length, expiresAt: row.expires_at };
}

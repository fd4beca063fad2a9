// Where a resumable upload stands (tus core, HEAD): the offset is read from the staging file itself,
// so it is exactly what a crash or a cut connection left durable.
import { notFound } from '../../errors.js';
import { stagedSegments } from '../../storage/uploads/staging.js';
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { ownUpload, sealedSegment, segmentCount } from './own-upload.js';

export interface UploadStatus { id: string; offset: number; length: number; expiresAt: string }

export async function uploadStatus(ctx: Ctx, actor: Actor | undefined, id: string): Promise<UploadStatus> {
  const row = await ownUpload(ctx, actor, id);
  const segments = await stagedSegments(ctx.config.uploadDir, row.id, sealedSegment(row));
  if (segments === undefined) throw notFound('Upload not found');
  return { id: row.id, offset: Math.min(segments, segmentCount(row) - 1) * row.segment_size, length: row.length, expiresAt: row.expires_at };
}

import type { Selectable } from 'kysely';
import type { Database } from '../../storage/db/index.js';

export interface DocumentView {
  id: string; name: string;
  /** Of the current version. */
  size: number; sha256: string; contentType: string; version: number;
  versionCount: number;
  /** "user:<id>" or "client:<id>" of the current version's uploader. */
  uploadedBy: string;
  createdAt: string; updatedAt: string;
}

export type DocumentRow = Selectable<Database['documents']>;
export type VersionRow = Selectable<Database['document_versions']>;

export const toDocumentView = (d: DocumentRow, v: VersionRow): DocumentView => ({
  id: d.id, name: d.name, size: Number(v.size), sha256: v.sha256, contentType: v.content_type, version: v.number,
  versionCount: d.version_count, uploadedBy: v.uploaded_by, createdAt: d.created_at, updatedAt: d.updated_at,
});

export interface VersionView { version: number; size: number; sha256: string; contentType: string; uploadedBy: string; createdAt: string }

export const toVersionView = (v: VersionRow): VersionView => ({
  version: v.number, size: Number(v.size), sha256: v.sha256, contentType: v.content_type, uploadedBy: v.uploaded_by, createdAt: v.created_at,
});

// Row types of every table. Timestamps are ISO-8601 UTC strings and booleans 0/1 integers, so one
// migration set and one query layer serve SQLite and (later) PostgreSQL alike.
import type { Generated } from 'kysely';

export interface TenantTable {
  id: string;
  name: string;
  default_language: string;
  username: string;
  password_hash: string;
  failed_logins: Generated<number>;
  allow_idp_initiated: Generated<number>;
  allow_sha1: Generated<number>;
  locked_until: string | null;
  /** Tenant key, wrapped by the master key. */
  wrapped_key: string;
  created_at: string;
  /** TOTP secret (wrapped by the tenant key) once enrolment is confirmed; `totp_pending` until then. */
  totp_secret: string | null;
  totp_pending: string | null;
  /** The last TOTP time step accepted: a code works once. */
  totp_last_step: number | null;
  password_changed_at: string | null;
  /** Hash of the newest audit entry (0005): a deleted tail of the log is detected against it. */
  audit_head: string | null;
}

export interface ScimTokenTable {
  id: string;
  tenant_id: string;
  /** SHA-256 of the token: tokens are 256-bit random, so a fast hash is enough and lookups stay cheap. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface UserTable {
  id: string;
  tenant_id: string;
  user_name: string;
  /** Lower-cased userName: RFC 7643 makes userName caseExact=false, so uniqueness is on this. */
  user_name_key: string;
  external_id: string | null;
  active: number;
  given_name: string;
  family_name: string;
  formatted_name: string | null;
  display_name: string | null;
  email: string;
  mobile: string | null;
  preferred_language: string;
  user_type: string | null;
  promoted: Generated<number>;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface IdpTable {
  tenant_id: string;
  entity_id: string;
  sso_url: string;
  slo_url: string | null;
  /** JSON array of PEM certificates. */
  certificates: string;
  source: string;
  source_url: string | null;
  next_refresh_at: string | null;
  refresh_error: string | null;
  refreshed_at: string | null;
  updated_at: string;
}

export interface SamlRequestTable {
  id: string;
  tenant_id: string;
  created_at: string;
  expires_at: string;
}

export interface SamlReplayTable {
  tenant_id: string;
  assertion_id: string;
  expires_at: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie value: a stolen database does not yield live sessions. */
  id_hash: string;
  tenant_id: string;
  user_id: string;
  name_id: string | null;
  name_id_format: string | null;
  session_index: string | null;
  created_at: string;
  expires_at: string;
  /** Last use, kept to the minute (0011): idle sessions end. Null until first seen after sign-in. */
  last_seen_at: Generated<string | null>;
}

export interface TenantSessionTable {
  id_hash: string;
  tenant_id: string;
  created_at: string;
  expires_at: string;
  /** Last use, kept to the minute (0011): idle sessions end. Null until first seen after sign-in. */
  last_seen_at: Generated<string | null>;
}

export interface ExchangeTable {
  id: string;
  tenant_id: string;
  owner_id: string;
  title: string;
  state: string;
  needs_reassignment: Generated<number>;
  created_at: string;
  updated_at: string;
  /** After this moment the exchange behaves as closed. */
  expires_at: string | null;
  /** 1: the clients of this exchange may see each other's names. */
  share_client_names: Generated<number>;
}

export interface ExchangeDeputyTable {
  exchange_id: string;
  user_id: string;
  tenant_id: string;
  added_by: string;
  created_at: string;
}

export interface ClientTable {
  id: string;
  tenant_id: string;
  email: string;
  /** Lower-cased address: one client per address per tenant. */
  email_key: string;
  display_name: string | null;
  language: string | null;
  totp_secret: string | null;
  totp_pending: string | null;
  totp_last_step: number | null;
  failed_codes: Generated<number>;
  locked_until: string | null;
  created_at: string;
}

export interface ExchangeClientTable {
  exchange_id: string;
  client_id: string;
  tenant_id: string;
  invited_by: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface InvitationTable {
  id: string;
  tenant_id: string;
  exchange_id: string;
  client_id: string;
  /** SHA-256 of the link's secret. */
  token_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

export interface ClientCodeTable {
  id: string;
  tenant_id: string;
  client_id: string;
  code_hash: string;
  attempts: Generated<number>;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ClientSessionTable {
  id_hash: string;
  tenant_id: string;
  client_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: Generated<string | null>;
}

/** A named file in an exchange; its bytes are in its versions. */
export interface DocumentTable {
  id: string;
  tenant_id: string;
  exchange_id: string;
  name: string;
  current_version_id: string;
  version_count: number;
  /** "user:<id>" or "client:<id>". */
  created_by: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  deleted_by: string | null;
}

/** One upload of a document. */
export interface DocumentVersionTable {
  id: string;
  tenant_id: string;
  document_id: string;
  number: number;
  content_type: string;
  size: number;
  sha256: string;
  blob_key: string;
  /** Version key wrapped by the tenant key, associated data `document:<version id>`. */
  wrapped_key: string;
  segment_size: number;
  /** "user:<id>" or "client:<id>". */
  uploaded_by: string;
  created_at: string;
}

/** A resumable (tus) upload in progress; its sealed bytes are in a staging file until it completes. */
export interface UploadTable {
  id: string;
  tenant_id: string;
  exchange_id: string;
  /** "user:<id>" or "client:<id>": the only principal that may see or continue it. */
  created_by: string;
  /** "new" (a new document named `name`) or "version" (a new version of `document_id`). */
  target: string;
  document_id: string | null;
  name: string | null;
  content_type: string;
  /** Declared Upload-Length in bytes. */
  length: number;
  segment_size: number;
  /** Fixed at creation: the staging file is sealed under this version's key. */
  version_id: string;
  blob_key: string;
  /** Version key wrapped by the tenant key, associated data `document:<version id>`. */
  wrapped_key: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  /** Holder of the one-PATCH-at-a-time lease (0012), a random id per request; null when free. */
  patch_lease: string | null;
  /** When the lease ends by itself (an instance that died holding it). */
  patch_lease_until: string | null;
  /** Bucket staging (0012): whole sealed segments durably staged, i.e. the offset in segments. */
  staged_segments: Generated<number>;
  /** Bucket staging (0012): the segmented-GCM header (base64) the staged segments are sealed under. */
  staging_header: string | null;
}

/** A staged object of a resumable upload in the bucket (0012): segments first_segment … +segments-1. */
export interface UploadPartTable {
  upload_id: string;
  first_segment: number;
  segments: number;
  object_key: string;
}

export interface AuditTable {
  seq: Generated<number>;
  tenant_id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  /** The exchange the entry is about (from target `exchange:<id>` or `detail.exchange`); indexed for its activity. */
  exchange_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface ProvisioningLogTable {
  seq: Generated<number>;
  tenant_id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  user_id: string | null;
  detail: string | null;
}

/** A rate-limit counter shared by the instances on one database (fixed windows). */
export interface RateLimitTable {
  key: string;
  /** Epoch milliseconds of the window's start. */
  window_start: number;
  count: number;
}

/** A housekeeping step paused until `until` (ISO time), e.g. blob removal while a backup copies blobs. */
export interface MaintenanceHoldTable {
  name: string;
  until: string;
}

export interface Database {
  tenants: TenantTable;
  scim_tokens: ScimTokenTable;
  users: UserTable;
  idp_configs: IdpTable;
  saml_requests: SamlRequestTable;
  saml_replay: SamlReplayTable;
  sessions: SessionTable;
  tenant_sessions: TenantSessionTable;
  exchanges: ExchangeTable;
  documents: DocumentTable;
  document_versions: DocumentVersionTable;
  exchange_deputies: ExchangeDeputyTable;
  clients: ClientTable;
  exchange_clients: ExchangeClientTable;
  invitations: InvitationTable;
  client_codes: ClientCodeTable;
  client_sessions: ClientSessionTable;
  uploads: UploadTable;
  upload_parts: UploadPartTable;
  audit_log: AuditTable;
  provisioning_log: ProvisioningLogTable;
  rate_limits: RateLimitTable;
  maintenance_holds: MaintenanceHoldTable;
}

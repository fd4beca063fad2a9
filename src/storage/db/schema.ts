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
}

export interface TenantSessionTable {
  id_hash: string;
  tenant_id: string;
  created_at: string;
  expires_at: string;
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
}

export interface DocumentTable {
  id: string;
  tenant_id: string;
  exchange_id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  blob_key: string;
  /** Document key wrapped by the tenant key. */
  wrapped_key: string;
  segment_size: number;
  uploaded_by: string;
  created_at: string;
}

export interface AuditTable {
  seq: Generated<number>;
  tenant_id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
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
  audit_log: AuditTable;
  provisioning_log: ProvisioningLogTable;
}

// A document's uploader as a given viewer may see it: a client sees "client" instead of another
// client's id unless the exchange shares client names (DESIGN.md: a client sees nothing else).
import { seesClientNames, type Relation } from '../../policies/exchange-policy.js';
import type { Actor } from '../sessions/resolve-session.js';
import { principalOf } from '../sessions/resolve-session.js';

export function visibleUploader(uploadedBy: string, viewer: Actor, relation: Relation, exchange: { share_client_names: number }): string {
  if (!uploadedBy.startsWith('client:') || uploadedBy === principalOf(viewer) || relation !== 'client' || seesClientNames(relation, exchange)) return uploadedBy;
  return 'client';
}

// Who may do what with an exchange, decided in one place. Use cases ask; handlers never decide.
// An actor first has a relation to an exchange; the relation then allows a set of actions. No relation
// means the exchange is invisible (404, exactly like an id that does not exist); a relation without the
// action means visible but not allowed (403).
import type { Actor, StaffActor } from '../domain/sessions/resolve-session.js';

export type Relation = 'owner' | 'deputy' | 'admin' | 'client' | 'none';

export type ExchangeAction =
  | 'view'            // the exchange itself: title, state, owner, expiry
  | 'edit'            // rename, set or clear the expiry, share client names
  | 'changeState'     // close, reopen, archive
  | 'invite'          // invite a client by e-mail
  | 'manageClients'   // list clients and invitations, revoke an invitation or a client's access
  | 'listDocuments'
  | 'upload'          // a new document or a new version
  | 'download'
  | 'deleteDocument'
  | 'viewActivity'    // the exchange's audit entries
  | 'manageDeputies'
  | 'handOver';

const ADVISOR: ExchangeAction[] = ['view', 'edit', 'changeState', 'invite', 'manageClients', 'listDocuments', 'upload', 'download', 'deleteDocument', 'viewActivity'];

const ALLOWED: Record<Relation, ReadonlySet<ExchangeAction>> = {
  owner: new Set(ADVISOR),
  deputy: new Set(ADVISOR),
  // Admins organise who works on an exchange; they never read its documents (DESIGN.md).
  admin: new Set(['view', 'manageDeputies', 'handOver']),
  client: new Set(['view', 'listDocuments', 'upload', 'download']),
  none: new Set(),
};

/** What the policy needs to know about an exchange and the actor's ties to it. */
export interface ExchangeFacts {
  tenantId: string;
  ownerId: string;
  /** The actor is one of the exchange's deputies. */
  actorIsDeputy: boolean;
  /** The actor (a client) has access that was not revoked. */
  actorIsInvitedClient: boolean;
}

export const isPromotedAdmin = (a: Actor): a is StaffActor => a.kind === 'staff' && a.userType === 'ADMIN' && a.promoted;
export const isAdvisor = (a: Actor): a is StaffActor => a.kind === 'staff' && a.userType === 'ADVISOR';

export function relationOf(actor: Actor, x: ExchangeFacts): Relation {
  if (actor.tenantId !== x.tenantId) return 'none';
  if (actor.kind === 'client') return x.actorIsInvitedClient ? 'client' : 'none';
  if (isAdvisor(actor)) {
    if (actor.userId === x.ownerId) return 'owner';
    if (x.actorIsDeputy) return 'deputy';
    return 'none';
  }
  return isPromotedAdmin(actor) ? 'admin' : 'none';
}

export const allows = (relation: Relation, action: ExchangeAction): boolean => ALLOWED[relation].has(action);

export function canCreateExchange(actor: Actor): boolean {
  // Admins and clients never create exchanges; an admin hands them over instead.
  return isAdvisor(actor);
}

/** Seeing every exchange of the tenant (with owner, deputies and state): promoted admins only. */
export const canListAllExchanges = (actor: Actor): boolean => isPromotedAdmin(actor);

/** Exchange states. An expired exchange behaves as closed. */
export type ExchangeState = 'open' | 'closed' | 'archived';

/** Writes that change an exchange's content need it open (and not expired). */
export function acceptsContent(x: { state: string; expires_at: string | null }, now = new Date()): boolean {
  return x.state === 'open' && (x.expires_at === null || Date.parse(x.expires_at) > now.getTime());
}

export const CONTENT_ACTIONS: ReadonlySet<ExchangeAction> = new Set(['upload', 'deleteDocument', 'invite']);

/** The state an exchange behaves as: an open exchange past its expiry is closed. */
export function effectiveState(x: { state: string; expires_at: string | null }, now = new Date()): ExchangeState {
  if (x.state === 'open') return acceptsContent(x, now) ? 'open' : 'closed';
  return x.state as ExchangeState;
}

export type StateChange = 'close' | 'reopen' | 'archive';

/**
 * The state machine: open → closed (close), open | closed → archived (archive), closed | archived → open
 * (reopen). Reopen also applies to an open exchange whose expiry has passed (it behaves as closed); it
 * then clears the expiry, or the exchange would stay closed. Anything else is refused (409).
 */
export function nextState(change: StateChange, x: { state: string; expires_at: string | null }, now = new Date()):
  { state: ExchangeState; clearExpiry: boolean } | null {
  const expired = x.expires_at !== null && Date.parse(x.expires_at) <= now.getTime();
  switch (change) {
    case 'close': return x.state === 'open' ? { state: 'closed', clearExpiry: false } : null;
    case 'archive': return x.state === 'open' || x.state === 'closed' ? { state: 'archived', clearExpiry: false } : null;
    case 'reopen': return x.state !== 'open' || expired ? { state: 'open', clearExpiry: expired } : null;
  }
}

/** Renaming, the expiry and sharing settings: not on an archived exchange, which is kept as it was. */
export const acceptsEdits = (x: { state: string }): boolean => x.state !== 'archived';
/**
 * Whether the actor may see who the exchange's clients are (names, and uploads attributed to them):
 * owner and deputies always, a client only where the advisor shares client names; admins organise
 * staff, not clients.
 */
export function seesClientNames(relation: Relation, x: { share_client_names: number }): boolean {
  return relation === 'owner' || relation === 'deputy' || (relation === 'client' && x.share_client_names === 1);
}

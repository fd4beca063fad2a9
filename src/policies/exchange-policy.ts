// Who may do what with an exchange, read in one place. Handlers ask; they never decide.
import type { Actor } from '../domain/sessions/resolve-session.js';

export interface ExchangeRef { tenantId: string; ownerId: string }

export function canCreateExchange(actor: Actor): boolean {
  // Admins do nothing until promoted (issue 5); clients never create exchanges.
  return actor.userType === 'ADVISOR';
}

/** Reading and writing documents of an exchange: its owner only, in its own tenant (deputies come with issue 5). */
export function canUseExchange(actor: Actor, exchange: ExchangeRef): boolean {
  return actor.tenantId === exchange.tenantId && actor.userType === 'ADVISOR' && actor.userId === exchange.ownerId;
}

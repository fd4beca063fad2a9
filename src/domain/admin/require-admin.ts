import { forbidden } from '../../errors.js';
import { isPromotedAdmin } from '../../policies/exchange-policy.js';
import type { Actor, StaffActor } from '../sessions/resolve-session.js';

/**
 * The tenant-wide admin views (every exchange, the advisors to pick from) are for promoted admins. An
 * admin whose promotion is pending is told so, the others that the view is not theirs (403 both: the
 * routes exist for everyone; what stays invisible is per exchange, decided by the policy).
 */
export function requirePromotedAdmin(actor: Actor): StaffActor {
  if (actor.kind !== 'staff') throw forbidden('Only the firm\'s admins may do this');
  if (actor.userType === 'ADMIN' && !actor.promoted) {
    throw forbidden('Your admin access is pending: the tenant has to promote you first');
  }
  if (isPromotedAdmin(actor)) return actor;
  throw forbidden('Only the firm\'s admins may do this');
}

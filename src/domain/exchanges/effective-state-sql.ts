// The policy's effectiveState as a SQL condition on the `exchanges` table, so lists filter in the
// database. ISO-8601 UTC strings compare in time order as text, on SQLite and PostgreSQL alike.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ExchangeState } from '../../policies/exchange-policy.js';

export const EXCHANGE_STATES: readonly ExchangeState[] = ['open', 'closed', 'archived'];

export function effectiveStateIs(state: ExchangeState, now: string) {
  return (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => {
    const notExpired = eb.or([eb('exchanges.expires_at', 'is', null), eb('exchanges.expires_at', '>', now)]);
    if (state === 'open') return eb.and([eb('exchanges.state', '=', 'open'), notExpired]);
    if (state === 'closed') {
      return eb.or([eb('exchanges.state', '=', 'closed'), eb.and([eb('exchanges.state', '=', 'open'), eb('exchanges.expires_at', '<=', now)])]);
    }
    return eb('exchanges.state', '=', 'archived');
  };
}

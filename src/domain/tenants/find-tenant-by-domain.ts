// Home-realm discovery for the sign-in page: which firm signs in people of an e-mail domain. The
// answer is a tenant id only, which every staff member's sign-in link already shows, so it leaks
// nothing a staff link does not; it never says whether the full address is a known user.
import type { Ctx } from '../context.js';
import { invalid } from '../../errors.js';

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,62}\.)+[a-z0-9-]{2,63}$/;

export async function findTenantByDomain(ctx: Ctx, email: unknown): Promise<string | undefined> {
  if (typeof email !== 'string' || email.length > 320) throw invalid('"email" must be an e-mail address');
  const at = email.lastIndexOf('@');
  const domain = (at >= 0 ? email.slice(at + 1) : email).trim().toLowerCase();
  if (!DOMAIN.test(domain)) throw invalid('"email" must be an e-mail address');
  // `%` and `_` cannot occur in a domain that passed the pattern above, so LIKE matches literally.
  const rows = await ctx.db.selectFrom('users').select('tenant_id').distinct()
    .where('active', '=', 1)
    .where((eb) => eb.or([eb(eb.fn('lower', ['email']), 'like', `%@${domain}`), eb('user_name_key', 'like', `%@${domain}`)]))
    .limit(2).execute();
  // Two firms with staff on one domain: the page asks for the firm's link rather than guess.
  return rows.length === 1 ? rows[0]!.tenant_id : undefined;
}

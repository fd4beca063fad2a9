// An exchange's activity: its audit entries, newest first, paged; for the owner and deputies.
import type { Ctx } from '../context.js';
import type { Actor } from '../sessions/resolve-session.js';
import { exchangeFor } from './exchange-access.js';

export interface ActivityEntry {
  seq: number; at: string;
  /** "user:<id>", "client:<id>", "scim", "tenant", … and, for people, their name. */
  actor: string; actorName: string | null;
  action: string; target: string | null; detail: Record<string, unknown> | null;
}

export async function exchangeActivity(ctx: Ctx, actor: Actor, id: string, page: { startIndex: number; count: number }):
  Promise<{ total: number; items: ActivityEntry[] }> {
  const { row } = await exchangeFor(ctx, actor, id, 'viewActivity');
  const base = ctx.db.selectFrom('audit_log').where('tenant_id', '=', row.tenant_id).where('exchange_id', '=', row.id);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = page.count === 0 ? [] : await base.select(['seq', 'at', 'actor', 'action', 'target', 'detail'])
    .orderBy('seq', 'desc').limit(page.count).offset(page.startIndex - 1).execute();
  const names = await actorNames(ctx, row.tenant_id, rows.map((r) => r.actor));
  return {
    total: Number(total),
    items: rows.map((r) => ({
      seq: r.seq, at: r.at, actor: r.actor, actorName: names.get(r.actor) ?? null, action: r.action, target: r.target,
      detail: r.detail ? JSON.parse(r.detail) as Record<string, unknown> : null,
    })),
  };
}

/** Names for "user:<id>" and "client:<id>" principals, one query per kind. */
async function actorNames(ctx: Ctx, tenantId: string, principals: string[]): Promise<Map<string, string>> {
  const ids = (prefix: string) => [...new Set(principals.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)))];
  const out = new Map<string, string>();
  const users = ids('user:');
  if (users.length) {
    for (const u of await ctx.db.selectFrom('users').select(['id', 'given_name', 'family_name']).where('tenant_id', '=', tenantId).where('id', 'in', users).execute()) {
      out.set(`user:${u.id}`, `${u.given_name} ${u.family_name}`);
    }
  }
  const clients = ids('client:');
  if (clients.length) {
    for (const c of await ctx.db.selectFrom('clients').select(['id', 'display_name', 'email']).where('tenant_id', '=', tenantId).where('id', 'in', clients).execute()) {
      out.set(`client:${c.id}`, c.display_name ?? c.email);
    }
  }
  return out;
}

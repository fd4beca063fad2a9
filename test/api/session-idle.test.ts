// Sessions end on the server after SESSION_IDLE_SECONDS without use, for staff, the tenant's console
// and clients alike, whatever the browser does; use within the window keeps them going, and the last
// use is written at most once a minute.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSmtp, signInClient, type Smtp } from '../helpers/clients.js';
import { execute, query } from '../helpers/exchanges.js';
import { firm, type Browser, type Firm } from '../helpers/people.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('idle sessions end on the server', () => {
  let server: RunningServer;
  let smtp: Smtp;
  let f: Firm;
  before(async () => {
    smtp = await startSmtp();
    server = await startServer({ SMTP_URL: smtp.url, SESSION_IDLE_SECONDS: '900' });
    f = await firm(server);
  });
  after(async () => {
    await server?.stop();
    await smtp?.stop();
  });

  /** The session row of `table` behind the browser's cookie `cookie`. */
  const rowOf = (table: string, b: Browser, cookie: string) => {
    const idHash = crypto.createHash('sha256').update(b.cookies.get(cookie)!).digest('hex');
    return { idHash, row: () => query<{ last_seen_at: string | null }>(server, `select last_seen_at from ${table} where id_hash = ?`, idHash)[0] };
  };

  it('staff: used within the window it goes on (last use written at most once a minute), idle it is over', async () => {
    const advisor = await f.staff('ADVISOR');
    const cookie = [...advisor.browser.cookies.keys()].find((k) => k === 'sx_session')!;
    const { idHash, row } = rowOf('sessions', advisor.browser, cookie);
    assert.equal((await advisor.browser.api('GET', '/me')).status, 200);
    assert.equal(row()!.last_seen_at, null, 'a session younger than a minute is not written');
    execute(server, 'update sessions set last_seen_at = ? where id_hash = ?', minutesAgo(14), idHash);
    assert.equal((await advisor.browser.api('GET', '/me')).status, 200, '14 minutes idle: still on');
    assert.ok(Date.now() - Date.parse(row()!.last_seen_at!) < 30_000, 'and its last use is now');
    execute(server, 'update sessions set last_seen_at = ? where id_hash = ?', minutesAgo(16), idHash);
    assert.equal((await advisor.browser.api('GET', '/me')).status, 401, '16 minutes idle: over');
  });

  it('the tenant console: idle it is over', async () => {
    const { idHash } = rowOf('tenant_sessions', f.console, [...f.console.cookies.keys()][0]!);
    assert.equal((await f.console.api('GET', '/tenant')).status, 200);
    execute(server, 'update tenant_sessions set last_seen_at = ? where id_hash = ?', minutesAgo(16), idHash);
    assert.equal((await f.console.api('GET', '/tenant')).status, 401);
  });

  it('a client: idle it is over, also when it never came back after signing in', async () => {
    const advisor = await f.staff('ADVISOR');
    const x = await advisor.browser.api('POST', '/exchanges', { title: 'Idle' });
    const client = await signInClient(f, advisor.browser, x.body.id, 'idle.client@example.org', smtp);
    const { idHash } = rowOf('client_sessions', client, 'sx_client');
    assert.equal((await client.api('GET', '/me')).status, 200);
    // Never seen since sign-in: its start counts as its last use.
    execute(server, 'update client_sessions set created_at = ?, last_seen_at = null where id_hash = ?', minutesAgo(16), idHash);
    assert.equal((await client.api('GET', '/me')).status, 401);
  });
});

// The first page's JavaScript stays under 250 KiB gzipped (a size, so a test; the time to interactive
// of 1,000 exchanges is measured by `npm run bench -- web`, not asserted here).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { repoRoot } from '../helpers/server.js';

describe('web app size', () => {
  it('loads under 250 KiB of gzipped JavaScript on the first page', (t) => {
    const web = path.join(repoRoot, 'dist/web');
    const html = fs.readFileSync(path.join(web, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    assert.ok(scripts.length >= 1);
    const gz = scripts.reduce((n, s) => n + zlib.gzipSync(fs.readFileSync(path.join(web, s)), { level: 9 }).length, 0);
    t.diagnostic(`first page JavaScript: ${(gz / 1024).toFixed(1)} KiB gzipped in ${scripts.length} file(s)`);
    assert.ok(gz < 250 * 1024, `${gz} bytes gzipped`);
  });
});

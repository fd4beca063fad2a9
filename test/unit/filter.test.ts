import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesElement, parseFilter, parsePatchPath } from '../../src/scim/filter.js';

describe('SCIM filter parser', () => {
  it('reads Entra\'s lookups, quoted and unquoted (Microsoft\'s own example)', () => {
    assert.deepEqual(parseFilter('userName eq "bjensen"'), { kind: 'compare', path: 'username', op: 'eq', value: 'bjensen' });
    assert.deepEqual(parseFilter('externalId eq jyoung'), { kind: 'compare', path: 'externalid', op: 'eq', value: 'jyoung' });
    assert.deepEqual(parseFilter('externalId eq not-a-user'), { kind: 'compare', path: 'externalid', op: 'eq', value: 'not-a-user' });
    assert.deepEqual(parseFilter('userName eq john.doe@x.com'), { kind: 'compare', path: 'username', op: 'eq', value: 'john.doe@x.com' });
  });

  it('is case-insensitive in attribute names, operators and boolean literals', () => {
    assert.deepEqual(parseFilter('USERNAME EQ "x"'), { kind: 'compare', path: 'username', op: 'eq', value: 'x' });
    assert.deepEqual(parseFilter('active eq True'), { kind: 'compare', path: 'active', op: 'eq', value: true });
    assert.deepEqual(parseFilter('active Eq FALSE'), { kind: 'compare', path: 'active', op: 'eq', value: false });
  });

  it('keeps JSON escapes and leading zeros', () => {
    assert.deepEqual(parseFilter('userName eq "a \\"quoted\\" b"'), { kind: 'compare', path: 'username', op: 'eq', value: 'a "quoted" b' });
    assert.deepEqual(parseFilter('externalId eq 0012'), { kind: 'compare', path: 'externalid', op: 'eq', value: '0012' });
  });

  it('gives and precedence over or, and reads not (…) as a negated group', () => {
    const f = parseFilter('a eq 1 or b eq 2 and c pr');
    assert.equal(f.kind, 'or');
    const n = parseFilter('not (a eq 1 or b eq 2)');
    assert.equal(n.kind, 'not');
    assert.equal(n.kind === 'not' && n.filter.kind, 'or');
  });

  it('reads value paths and URN attribute paths', () => {
    const vp = parseFilter('emails[type eq "work" and value ew ".com"]');
    assert.equal(vp.kind, 'valuePath');
    assert.equal(vp.kind === 'valuePath' && vp.attr, 'emails');
    const urn = parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x"');
    assert.equal(urn.kind === 'compare' && urn.path, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department');
  });

  it('refuses malformed filters with invalidFilter', () => {
    for (const bad of ['userName eq', 'userName foo "x"', '(userName eq "x"', 'userName eq "x")', '', '   ', 'eq "x"', 'userName', 'userName eq "x" and', '"x" eq userName', 'a eq "\\q"']) {
      assert.throws(() => parseFilter(bad), (e: any) => e.hint === 'invalidFilter', bad);
    }
    assert.throws(() => parseFilter('('.repeat(100) + 'a eq 1' + ')'.repeat(100)), (e: any) => e.hint === 'invalidFilter');
  });

  it('reads PATCH paths with filters and sub-attributes', () => {
    const p = parsePatchPath('phoneNumbers[type eq "mobile"].value');
    assert.equal(p.attr, 'phonenumbers');
    assert.equal(p.sub, 'value');
    assert.ok(p.filter && matchesElement(p.filter, { type: 'Mobile', value: '1' }));
    assert.deepEqual(parsePatchPath('name.givenName'), { attr: 'name', sub: 'givenname' });
  });
});

describe('SCIM filter value paths with a sub-attribute', () => {
  it('reads emails[type eq "work"].value eq "x" as one element matching both', () => {
    const f = parseFilter('emails[type eq "work"].value eq "a@b.c"');
    assert.equal(f.kind, 'valuePath');
    assert.ok(f.kind === 'valuePath' && matchesElement(f.filter, { type: 'work', value: 'a@b.c' }));
    assert.ok(f.kind === 'valuePath' && !matchesElement(f.filter, { type: 'home', value: 'a@b.c' }));
    assert.throws(() => parseFilter('emails[type eq "work"].value'), (e: any) => e.hint === 'invalidFilter');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch } from '../../src/scim/patch.js';
import { parseUser } from '../../src/scim/user-resource.js';

const user = () => ({
  userName: 'a@x.ch', externalId: 'oid-1', active: true, name: { givenName: 'A', familyName: 'B' },
  emails: [{ value: 'a@x.ch', type: 'work', primary: true }], phoneNumbers: [{ value: '+41 1', type: 'mobile' }],
  preferredLanguage: 'EN', userType: 'ADVISOR',
});
const ops = (...o: object[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: o });

describe('SCIM PATCH engine', () => {
  it('Entra default shape: capitalised ops, "False" strings, paths', () => {
    const out = parseUser(applyPatch(user(), ops({ op: 'Replace', path: 'active', value: 'False' }))).fields;
    assert.equal(out.active, false);
    assert.equal(parseUser(applyPatch(user(), ops({ op: 'Replace', path: 'active', value: 'True' }))).fields.active, true);
  });

  it('flag shape: lower-case ops, real booleans, a path-less map with dotted and URN keys', () => {
    const out = parseUser(applyPatch(user(), ops({
      op: 'replace',
      value: {
        'name.givenName': 'Zed', active: false,
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Tax',
        'urn:ietf:params:scim:schemas:extension:SecureExchange:2.0:User:userType': 'ADMIN',
      },
    })));
    assert.equal(out.fields.givenName, 'Zed');
    assert.equal(out.fields.active, false);
    assert.equal(out.fields.userType, 'ADMIN');
    assert.deepEqual(out.ignored, ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department']);
  });

  it('Add/Replace on a value path with no such element creates it; Remove with no match is a no-op', () => {
    const noPhone = { ...user(), phoneNumbers: [] };
    const added = parseUser(applyPatch(noPhone, ops({ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+41 2' })));
    assert.equal(added.fields.mobile, '+41 2');
    const replaced = parseUser(applyPatch(user(), ops({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@x.ch' })));
    assert.equal(replaced.fields.email, 'new@x.ch');
    const same = applyPatch(user(), ops({ op: 'Remove', path: 'emails[type eq "home"]' }));
    assert.deepEqual(same, user());
  });

  it('URN paths: core URN stripped, userType under any extension, the dot in 2.0 no separator', () => {
    const core = parseUser(applyPatch(user(), ops({ op: 'Replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName', value: 'Q' })));
    assert.equal(core.fields.familyName, 'Q');
    const ext = parseUser(applyPatch(user(), ops({ op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:userType', value: 'admin' })));
    assert.equal(ext.fields.userType, 'ADMIN');
  });

  it('an empty Operations list changes nothing', () => {
    assert.deepEqual(applyPatch(user(), ops()), user());
  });

  it('never mutates its input', () => {
    const u = user();
    applyPatch(u, ops({ op: 'replace', path: 'name.givenName', value: 'X' }));
    assert.deepEqual(u, user());
  });

  it('refuses what it cannot mean', () => {
    assert.throws(() => applyPatch(user(), ops({ op: 'copy', path: 'active' })), (e: any) => e.hint === 'invalidSyntax');
    assert.throws(() => applyPatch(user(), ops({ op: 'remove' })), (e: any) => e.hint === 'noTarget');
    assert.throws(() => applyPatch(user(), ops({ op: 'replace', path: 'id', value: 'x' })), (e: any) => e.hint === 'mutability');
    assert.throws(() => applyPatch(user(), ops({ op: 'replace', value: 'x' })), (e: any) => e.hint === 'invalidValue');
    assert.throws(() => applyPatch(user(), ops({ op: 'replace', path: 'emails[type eq', value: 'x' })), (e: any) => e.hint === 'invalidPath');
    assert.throws(() => applyPatch(user(), ops({ op: 'replace', path: 'emails[type eq]', value: 'x' })), (e: any) => e.hint === 'invalidFilter');
    assert.throws(() => applyPatch(user(), {}), (e: any) => e.hint === 'invalidSyntax');
  });
});

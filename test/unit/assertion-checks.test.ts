// The SP-side checks on a verified assertion (xml2js shape, as node-saml hands it over).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAssertion } from '../../src/saml/assertion-checks.js';
import { SamlRejected } from '../../src/saml/rejection.js';

const ACS = 'https://sx.example/saml/t/acs';
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const assertion = (data: Record<string, string>, method = 'urn:oasis:names:tc:SAML:2.0:cm:bearer', extra: Record<string, unknown> = {}) => ({
  Subject: [{ NameID: [{ _: 'a@b.c', $: {} }], SubjectConfirmation: [{ $: { Method: method }, SubjectConfirmationData: [{ $: { Recipient: ACS, ...data } }] }] }],
  AuthnStatement: [{}],
  AttributeStatement: [{ Attribute: [{ $: { Name: 'x' } }] }],
  ...extra,
});
const rejects = (a: unknown, re: RegExp) => assert.throws(() => checkAssertion(a as never, 't', ACS, 180_000), (e: unknown) => e instanceof SamlRejected && re.test(e.reason));

describe('assertion checks', () => {
  it('accepts a bearer confirmation for our ACS inside its window', () => {
    assert.doesNotThrow(() => checkAssertion(assertion({ NotOnOrAfter: iso(300_000) }) as never, 't', ACS, 180_000));
  });
  it('refuses a confirmation past its NotOnOrAfter (beyond the skew), or without one, or not yet valid', () => {
    rejects(assertion({ NotOnOrAfter: iso(-200_000) }), /window/);
    rejects(assertion({}), /window/);
    rejects(assertion({ NotOnOrAfter: iso(900_000), NotBefore: iso(600_000) }), /window/);
  });
  it('refuses holder-of-key, another Recipient, no AuthnStatement, a foreign SPNameQualifier, a duplicated claim', () => {
    rejects(assertion({ NotOnOrAfter: iso(300_000) }, 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key'), /bearer/);
    rejects(assertion({ NotOnOrAfter: iso(300_000), Recipient: 'https://evil.example/acs' }), /Recipient/);
    rejects(assertion({ NotOnOrAfter: iso(300_000) }, undefined, { AuthnStatement: [] }), /AuthnStatement/);
    const foreign = assertion({ NotOnOrAfter: iso(300_000) });
    foreign.Subject[0]!.NameID[0]!.$ = { SPNameQualifier: 'other-sp' } as never;
    rejects(foreign, /another service provider/);
    rejects(assertion({ NotOnOrAfter: iso(300_000) }, undefined, { AttributeStatement: [{ Attribute: [{ $: { Name: 'x' } }, { $: { Name: 'x' } }] }] }), /more than once/);
  });
});

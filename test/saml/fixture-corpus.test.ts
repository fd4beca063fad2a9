// Every SAML fixture of ../shared/fixtures/saml (other libraries' test data and real Entra documents,
// kept as they are) through SecureExchange's own checks: responses through validateSamlResponse, IdP
// metadata through parseIdpMetadata. Each response runs with the clock frozen inside the fixture's own
// validity window (most are years old: without that they would all be refused as expired, proving
// nothing) and with the settings the fixture was made for: the certificate of its source repository
// (or the one its test pins by fingerprint), its Issuer, Audience and ACS, and its InResponseTo seeded
// as one of our requests. A refusal must be for a reason that fits the fixture, so a must-reject that
// is refused for the wrong reason (a setup mistake) shows up as well as one that is accepted.
//
// `manifest` records what MANIFEST.md says ("either" = "ACCEPT-or-config-dependent"); where the
// expectation here differs, `note` says why, and the run prints the list. Logout messages, encrypted
// assertions, certificates and settings files cannot be applied: they are in SKIPPED, with the reason.
//
//   node --import tsx --test test/saml/fixture-corpus.test.ts
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, describe, it, type TestContext } from 'node:test';
import { parseIdpMetadata } from '../../src/saml/metadata.js';
import type { SpSettings } from '../../src/saml/service-provider.js';
import { SamlRejected, validateSamlResponse, type RejectCode, type SamlIdentity } from '../../src/saml/validate-response.js';
import {
  fixtureCert, fixtureMoment, fixtureText, keyInfoCertificates, listSamlFixtures, memoryRequestStore, python3SamlSettingsCert,
  readFixture, rootAttribute, usesSha1,
} from '../helpers/saml-fixtures.js';

const PY = 'SAML-Toolkits+python3-saml/tests/';
const RB = 'SAML-Toolkits+ruby-saml/test/';
const NS = 'node-saml+node-saml/test/static/';
const XC = 'node-saml+xml-crypto/test/static/';
const SF = 'tngan+samlify/test/';
const EN = 'entra-real/';

/** The project's default (SAML_CLOCK_SKEW_SECONDS=180). */
const CLOCK_SKEW_MS = 180_000;

/**
 * A trusted certificate: a certificate file of the corpus; `settings1.json`/`settings2.json` (the IdP
 * certificate of python3-saml's test settings); `keyinfo:<SHA-1 fingerprint>` = the certificate the
 * fixture carries in its KeyInfo, pinned by the fingerprint its library's test pins (or, where that
 * test's certificate was not copied into the corpus, by the fingerprint read here and named in `note`).
 */
type CertRef = string;

interface Sp {
  /** The IdP entity ID (expected Issuer). */
  issuer: string;
  /** The SP entity ID = expected Audience (`spn:`+tenantId is accepted too). */
  tenantId: string;
  /** Expected Recipient and Destination. */
  acs: string;
  certs: CertRef[];
  entraTenantId?: string;
}

interface Row {
  file: string;
  expect: 'accept' | 'reject';
  sp: Sp;
  /** The frozen clock: default = the fixture's own moment (1 s after its latest IssueInstant/NotBefore, before its
   *  earliest NotOnOrAfter); 'issued' = 1 s after the document's IssueInstant (the default too for a must-reject
   *  whose window is empty). */
  at?: string;
  /** For rejects: what `err.reason` must say, and/or the `code`. */
  reason?: RegExp;
  code?: RejectCode;
  manifest: 'accept' | 'reject' | 'either';
  note?: string;
}

// ---- settings, per source repository (values from its test settings, or from the fixture's own content) ----

/** python3-saml tests/settings/settings1.json. */
const PY_SETTINGS1: Sp = { issuer: 'http://idp.example.com/', tenantId: 'http://stuff.com/endpoints/metadata.php', acs: 'http://stuff.com/endpoints/endpoints/acs.php', certs: ['settings1.json'] };
/** The OneLogin toolkits' "pitbulk" fixtures, signed with settings1's key. */
const PITBULK: Sp = { issuer: 'https://pitbulk.no-ip.org/simplesaml/saml2/idp/metadata.php', tenantId: 'https://pitbulk.no-ip.org/newonelogin/demo1/metadata.php', acs: 'https://pitbulk.no-ip.org/newonelogin/demo1/index.php?acs', certs: ['settings1.json'] };
const EXAMPLE_COM: Sp = { issuer: 'https://example.com/simplesaml/saml2/idp/metadata.php', tenantId: 'https://example.com/newonelogin/demo1/metadata.php', acs: 'https://example.com/newonelogin/demo1/index.php?acs', certs: ['settings1.json'] };
/** python3-saml settings2.json's IdP, with the "pytoolkit" SP of those fixtures. */
const PYTOOLKIT: Sp = { issuer: 'https://idp.example.com/simplesaml/saml2/idp/metadata.php', tenantId: 'http://pytoolkit.com:8000/metadata/', acs: 'http://pytoolkit.com:8000/?acs', certs: ['settings2.json'] };
/** OneLogin's response1 family: Audience and Recipient are the literal placeholders; ruby-saml's signature_1 = certificate1. */
const ONELOGIN_13590: Sp = { issuer: 'https://app.onelogin.com/saml/metadata/13590', tenantId: '{audience}', acs: '{recipient}', certs: [`${RB}certificates/certificate1`] };
const ONELOGIN_SAML2: Sp = { issuer: 'https://app.onelogin.com/saml2', tenantId: 'audience', acs: 'recipient', certs: [`${RB}certificates/certificate1`] };
/** ruby-saml's valid_response family: ACS as its tests set it; the fixtures' Recipient is the placeholder "recipient". */
const RUBY_MUDA: Sp = { issuer: 'https://app.onelogin.com/saml2', tenantId: 'https://someone.example.com/audience', acs: 'http://app.muda.no/sso/consume', certs: [`${RB}certificates/ruby-saml.crt`] };
const RUBY_DEMO1: Sp = { issuer: 'http://idp.example.com/metadata.php', tenantId: 'http://sp.example.com/demo1/metadata.php', acs: 'http://sp.example.com/demo1/index.php?acs', certs: [`${RB}certificates/ruby-saml.crt`] };
const MYEXAMPLE: Sp = { issuer: 'idp.myexample.org', tenantId: 'example.com', acs: 'https://example.com/endpoint', certs: [`${RB}certificates/ruby-saml.crt`] };
const ADFS: Sp = { issuer: 'http://login.example.com/issuer', tenantId: 'example.com', acs: 'https://someone.example.com/endpoint', certs: [] };
/** node-saml test-signatures.spec.ts: cert.pem, issuer (SP) onesaml_login; ACS = the fixtures' Recipient (node-saml does not check it). */
const NODE_SAML: Sp = { issuer: 'https://evil-corp.com', tenantId: 'onesaml_login', acs: 'https://evil-corp.madness.com/sso/callback', certs: [`${NS}cert.pem`] };
const NODE_SAML_AT = '2020-09-25T16:59:00Z';
const FEIDE: Sp = { issuer: 'https://openidp.feide.no', tenantId: 'passport-saml', acs: 'http://localhost:3000/login/callback', certs: [`${XC}feide_public.pem`] };
const ONELOGIN_164679: Sp = { issuer: 'https://app.onelogin.com/saml/metadata/164679', tenantId: 'ForNodeJS', acs: 'ForNodeJS', certs: ['keyinfo:EE:7D:E0:46:A1:BA:7A:A7:C9:22:76:14:62:2C:B6:6B:E3:59:89:ED'] };
/** xml-crypto's generic (non-SAML) signature fixtures: no Issuer, Audience or times; signed for client_public.pem. */
const XMLDSIG_ONLY: Sp = { issuer: 'https://idp.example/', tenantId: 'https://sp.example/', acs: 'https://sp.example/acs', certs: [`${XC}client_public.pem`] };
/** samlify: both certificates of idpmeta_rollingcert.xml (the rollover case). */
const SAMLIFY: Sp = { issuer: 'https://idp.example.com/metadata', tenantId: 'https://sp.example.com/metadata', acs: 'http://sp.example.com/demo1/index.php?acs', certs: [`${SF}key/idp/cert.cer`, `${SF}key/idp/cert2.cer`] };
const NO_TIMES = '2024-01-01T00:00:00Z';

const UNSIGNED = /^Invalid signature$/;
const NO_AUDIENCE = /^Audience \(none\) is not this tenant$/;
const MULTIPLE_ASSERTIONS = /^Invalid signature: multiple assertions$/;
const RECIPIENT_PLACEHOLDER = /^Recipient recipient is not this ACS$/;
/** A fixture with an XML comment: refused for the comment (validate-response refuses any), or, were that check gone, at its signature. */
const COMMENT_OR_UNSIGNED = /^SAMLResponse contains an XML comment$|^Invalid signature$/;
const NOT_FOR_THE_ELEMENT = /Referenced node does not refer to it's parent element/;
const NODE_SAML_LIB_ACCEPTS = 'node-saml\'s own test accepts it with audience:false; it has no AudienceRestriction, which SecureExchange requires. '
  + 'Refused at the Audience check, i.e. after signature, times and InResponseTo passed.';

const ROWS: Row[] = [
  // ---------------------------------------------------------------- real Entra / Azure AD
  { file: `${EN}aad-saml2-assertion-2017.xml`, expect: 'reject', reason: /^Invalid signature/, manifest: 'reject',
    sp: { issuer: 'https://sts.windows.net/add29489-7269-41f4-8841-b63c95564420/', tenantId: 'fe78e0b4-6fe7-47e6-812c-fb75cee266a4', acs: 'https://secureexchange.example/saml/acs', certs: [`${EN}aad-common-federationmetadata-2017.cert1.pem`], entraTenantId: 'add29489-7269-41f4-8841-b63c95564420' },
    note: 'bare Assertion (no Response) whose digest does not verify (pretty-printed/edited, second tenantid value)' },

  // ---------------------------------------------------------------- node-saml
  { file: `${NS}response-with-uncomplete-attribute.xml`, expect: 'reject', reason: NO_AUDIENCE, manifest: 'either', sp: NODE_SAML, at: '2015-08-31T08:55:00Z', note: NODE_SAML_LIB_ACCEPTS },
  { file: `${NS}response.root-signed.message-signed-double-subjectconfirmation.xml`, expect: 'reject', reason: /^InResponseTo does not match subjectInResponseTo$/, manifest: 'reject', sp: NODE_SAML, at: NODE_SAML_AT,
    note: 'first SubjectConfirmation expired at this moment, the second names another request' },
  { file: `${NS}response.root-signed.message-signed-empty-subjectconfirmation.xml`, expect: 'reject', reason: /^No valid subject confirmation found/, manifest: 'either', sp: NODE_SAML, at: NODE_SAML_AT,
    note: 'node-saml\'s own test rejects it too' },
  { file: `${NS}response.root-signed.message-signed-no-subjectconfirmation.xml`, expect: 'reject', reason: NO_AUDIENCE, manifest: 'either', sp: NODE_SAML, at: NODE_SAML_AT, note: NODE_SAML_LIB_ACCEPTS },
  ...[
    'response.root-resigned-by-attacker-assertion-unsigned-attackers-cert-at-keyinfo.xml', 'response.root-signed.assertion-invalidly-signed.xml',
    'response.root-signed.assertion-signed.1advice-signed.xml', 'response.root-signed.assertion-signed.1advice-unsigned.xml',
    'response.root-signed.assertion-signed.2advice-signed.xml', 'response.root-signed.assertion-signed.2advice-unsigned.xml',
    'response.root-signed.assertion-signed.xml', 'response.root-signed.assertion-unsigned.1advice-unsigned.xml',
    'response.root-signed.assertion-unsigned.2advice-unsigned.xml', 'response.root-signed.assertion-unsigned.xml',
    'response.root-unsigned.assertion-signed.1advice-signed.xml', 'response.root-unsigned.assertion-signed.1advice-unsigned.xml',
    'response.root-unsigned.assertion-signed.xml', 'response.root-unsigned.assertion-unsigned.1advice-unsigned.xml',
    'response.root-unsigned.assertion-unsigned.2advice-unsigned.xml', 'response.root-unsigned.assertion-unsigned.xml',
  ].map((f): Row => ({ file: `${NS}signatures/invalid/${f}`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: NODE_SAML, at: NODE_SAML_AT })),
  { file: `${NS}signatures/invalid/response.root-signed-transforms.assertion-unsigned.xml`, expect: 'reject', reason: /^Invalid signature, too many transforms$/, manifest: 'reject', sp: NODE_SAML, at: NODE_SAML_AT },
  { file: `${NS}signatures/invalid/response.root-unsigned.assertion-signed-transforms.xml`, expect: 'reject', reason: /^Invalid signature, too many transforms$/, manifest: 'reject', sp: NODE_SAML, at: NODE_SAML_AT },
  { file: `${NS}signatures/invalid/response.root-signed.multiple-root-elements.xml`, expect: 'reject', reason: /Only one element can be added/, manifest: 'reject', sp: NODE_SAML, at: NODE_SAML_AT },
  ...[
    'response.root-signed.assertion-signed.1advice-signed.xml', 'response.root-signed.assertion-signed.1advice-unsigned.xml',
    'response.root-signed.assertion-signed.2advice-signed.xml', 'response.root-signed.assertion-signed.2advice-unsigned.xml',
    'response.root-signed.assertion-signed.xml', 'response.root-unsigned.assertion-signed.1advice-signed.xml',
    'response.root-unsigned.assertion-signed.1advice-unsigned.xml', 'response.root-unsigned.assertion-signed.xml',
  ].map((f): Row => ({ file: `${NS}signatures/valid/${f}`, expect: 'reject', reason: NO_AUDIENCE, manifest: 'accept', sp: NODE_SAML, at: NODE_SAML_AT, note: NODE_SAML_LIB_ACCEPTS })),
  ...[
    'response.root-signed.assertion-unsigned-13-signature.xml', 'response.root-signed.assertion-unsigned-13.xml',
    'response.root-signed.assertion-unsigned-xd-signature.xml', 'response.root-signed.assertion-unsigned-xd.xml',
    'response.root-signed.assertion-unsigned.1advice-unsigned.xml', 'response.root-signed.assertion-unsigned.2advice-unsigned.xml',
    'response.root-signed.assertion-unsigned.xml',
  ].map((f): Row => ({ file: `${NS}signatures/valid/${f}`, expect: 'reject', reason: NO_AUDIENCE, manifest: 'either', sp: NODE_SAML, at: NODE_SAML_AT,
    note: `Response-level signature only (accepted: SecureExchange takes assertion, response or both). ${NODE_SAML_LIB_ACCEPTS}` })),

  // ---------------------------------------------------------------- xml-crypto
  { file: `${XC}valid_saml.xml`, expect: 'accept', manifest: 'either', sp: FEIDE },
  { file: `${XC}valid_saml_withcomments.xml`, expect: 'reject', reason: /signature/i, manifest: 'reject',
    note: 'Response signature broken (its SignedInfo was edited to #WithComments after signing); only the Assertion signature is intact' , sp: FEIDE },
  { file: `${XC}valid_saml_signature_wrapping.xml`, expect: 'reject', reason: /^Invalid signature: ID cannot refer to more than one element$/, manifest: 'reject', sp: FEIDE },
  { file: `${XC}valid_saml_with_digest_comment.xml`, expect: 'reject', reason: COMMENT_OR_UNSIGNED, manifest: 'reject', sp: FEIDE, note: 'CVE-2025-29775 (comment in DigestValue)' },
  { file: `${XC}invalid_saml_no_signed_info.xml`, expect: 'reject', reason: /no signed info node found/, manifest: 'reject', sp: FEIDE },
  { file: `${XC}unsigned_saml_response.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'reject',
    sp: { issuer: 'https://idp.example.com/', tenantId: 'audience', acs: 'https://acs.example.com/', certs: [`${XC}feide_public.pem`] } },
  { file: `${XC}saml_multiple_signed_info_nodes.xml`, expect: 'reject', reason: /^Invalid signature/, manifest: 'reject', sp: ONELOGIN_164679,
    note: 'CVE-2025-29774; the signer\'s own KeyInfo certificate is trusted, so only the doubled SignedInfo is at fault' },
  { file: `${XC}saml_wrapped_signed_info_node.xml`, expect: 'reject', reason: /^Invalid signature/, manifest: 'reject', sp: ONELOGIN_164679,
    note: 'CVE-2025-29774 (SignedInfo wrapping); the signer\'s own KeyInfo certificate is trusted' },
  ...[
    'invalid_signature - changed content.xml', 'invalid_signature - hash.xml', 'invalid_signature - non existing reference.xml',
    'invalid_signature - signature value.xml', 'invalid_signature - wsu - changed content.xml', 'invalid_signature - wsu - hash.xml',
    'invalid_signature - wsu - invalid signature value.xml', 'invalid_signature - wsu - non existing reference.xml',
    'invalid_signature_without_transforms_element.xml',
  ].map((f): Row => ({ file: `${XC}${f}`, expect: 'reject', reason: /^Invalid signature/, manifest: 'reject', sp: XMLDSIG_ONLY, at: NO_TIMES,
    note: 'a generic XML-DSig document (not SAML, no times)' })),

  // ---------------------------------------------------------------- samlify
  { file: `${SF}misc/response_signed.xml`, expect: 'reject', reason: NOT_FOR_THE_ELEMENT, manifest: 'either', sp: SAMLIFY,
    note: 'detached signature: a sibling of the Assertion it references (SAML requires enveloped signatures)' },
  { file: `${SF}misc/response_signed_cert1.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'accept', sp: SAMLIFY,
    note: 'cryptographically valid with cert.cer, but it signs only the two Issuer elements (#_0, #_1): the assertion is unsigned' },
  { file: `${SF}misc/response_signed_cert2.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'accept', sp: SAMLIFY,
    note: 'cryptographically valid with cert2.cer, but it signs only the two Issuer elements (#_0, #_1): the assertion is unsigned' },
  { file: `${SF}misc/attack_response_signed.xml`, expect: 'reject', reason: /Only one element can be added/, manifest: 'reject', sp: SAMLIFY, at: 'issued' },
  { file: `${SF}misc/dumpes_issuer_response.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'http://www.okta.com/dummyIssuer', tenantId: 'api.com', acs: 'http://recipient', certs: SAMLIFY.certs }, note: 'KeyInfo holds a placeholder: signed by no published certificate' },
  { file: `${SF}misc/failed_response.xml`, expect: 'reject', code: 'idp_error', reason: /Requester error: InvalidNameIDPolicy/, manifest: 'reject', sp: SAMLIFY },
  { file: `${SF}misc/invalid_response.xml`, expect: 'reject', reason: /^Missing SAML assertion$/, manifest: 'reject', sp: SAMLIFY },

  // ---------------------------------------------------------------- python3-saml (responses)
  { file: `${PY}data/responses/adfs_response.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { ...ADFS, certs: ['keyinfo:41:96:C1:56:E2:C5:39:D9:0E:87:2B:53:28:19:02:2C:09:B0:F7:D2'] }, note: 'does not verify even with its own KeyInfo certificate (edited for the toolkit\'s parsing tests)' },
  { file: `${PY}data/responses/decrypted_valid_encrypted_assertion.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: PY_SETTINGS1, note: 'decrypted copy, no signature left' },
  { file: `${PY}data/responses/pretty_decrypted_valid_encrypted_assertion.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: PY_SETTINGS1, note: 'decrypted copy, no signature left' },
  { file: `${PY}data/responses/double_signed_response.xml.base64`, expect: 'accept', manifest: 'reject', sp: PITBULK,
    note: 'Response and Assertion both validly signed (python3-saml: validate_sign(..., cert) is True); "double" is not an attack' },
  { file: `${PY}data/responses/double_signed_response2.xml.base64`, expect: 'accept', manifest: 'reject', sp: PYTOOLKIT,
    note: 'Response and Assertion both validly signed (python3-saml: validate_sign(..., cert_2) is True)' },
  { file: `${PY}data/responses/expired_response.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK, note: 'unsigned: refused before its times are looked at' },
  { file: `${PY}data/responses/no_audience.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: PY_SETTINGS1, note: 'unsigned (and without Audience)' },
  { file: `${PY}data/responses/open_saml_response.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'https://idm.orademo.com', tenantId: 'hello.com', acs: 'https://example.hello.com/access/saml', certs: ['settings1.json'] },
    note: 'KeyInfo holds a placeholder ("dfghjkl"): signed by no published certificate (a parsing sample)' },
  { file: `${PY}data/responses/pretty_signed_message_response.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: PITBULK, note: 'signed, then pretty-printed: the digest no longer matches' },
  { file: `${PY}data/responses/response1.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: ONELOGIN_13590, note: 'signature invalid (ruby-saml\'s test asserts so for the same document)' },
  { file: `${PY}data/responses/response1_with_duplicate_attributes.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: { ...ONELOGIN_13590, certs: ['settings1.json'] },
    note: 'edited after signing (duplicated attribute added)' },
  { file: `${PY}data/responses/response1_with_friendlyname.xml.base64`, expect: 'accept', manifest: 'either', sp: { ...ONELOGIN_13590, certs: ['settings1.json'] } },
  { file: `${PY}data/responses/response2.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'wibble', tenantId: 'example.com', acs: 'https://wibble1299693208.example.com/access/saml/', certs: ['settings1.json'] }, note: 'KeyInfo holds a placeholder: signed by no published certificate' },
  { file: `${PY}data/responses/response3.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'http://example.com/services/trust', tenantId: 'consumer.example.com', acs: 'https://example.com/access/saml', certs: ['settings1.json'] }, note: 'KeyInfo holds a placeholder: signed by no published certificate' },
  { file: `${PY}data/responses/response4.xml.base64`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'either', sp: ONELOGIN_SAML2, note: 'two Assertions' },
  { file: `${PY}data/responses/response5.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'example', tenantId: 'fooble.com', acs: 'https://examplesaml.fooble.com/access/saml/', certs: ['settings1.json'] }, note: 'KeyInfo holds a placeholder: signed by no published certificate' },
  { file: `${PY}data/responses/response_encrypted_nameid.xml.base64`, expect: 'reject', reason: /^neither NameID nor objectidentifier$/, manifest: 'either',
    sp: { ...PITBULK, tenantId: PY_SETTINGS1.tenantId }, note: 'EncryptedID: needs an SP decryption key SecureExchange does not have, so no identity can be read' },
  { file: `${PY}data/responses/response_node_text_attack.xml.base64`, expect: 'reject', reason: COMMENT_OR_UNSIGNED, manifest: 'reject', sp: ONELOGIN_13590,
    note: '"support<!-- attack! -->@onelogin.com" in NameID and a comment in an AttributeValue; its signature does not verify either' },
  { file: `${PY}data/responses/response_with_ampersands.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'PF-DEMO', tenantId: 'fac', acs: 'http://fac.smackaho.st:3000/auth/saml/callback', certs: ['keyinfo:12:01:AC:67:ED:13:FE:90:8F:58:47:81:C9:53:A3:E0:78:AD:80:20'] },
    note: 'does not verify with its own KeyInfo certificate (a parsing sample)' },
  { file: `${PY}data/responses/response_with_ampersands.xml.base64`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'either', sp: ONELOGIN_SAML2, note: 'two Assertions (ruby-saml: "must contain 1 assertion")' },
  { file: `${PY}data/responses/response_with_nested_nameid_values.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: ONELOGIN_13590, note: 'edited after signing' },
  { file: `${PY}data/responses/response_without_assertion_reference_uri.xml.base64`, expect: 'reject', reason: /^signature reference uri not found$/, manifest: 'either',
    sp: { issuer: 'http://example.com', tenantId: 'http://localhost:9001/', acs: 'http://localhost:9001/v1/users/authorize/saml', certs: ['keyinfo:65:73:02:A5:E1:1A:47:94:A1:E5:0A:70:59:88:D6:6C:93:77:57:5D'] },
    note: 'Reference without URI: SAML core 5.4.2 requires a reference to the signed element\'s ID (ruby-saml accepts URI="")' },
  { file: `${PY}data/responses/response_without_reference_uri.xml.base64`, expect: 'reject', reason: /^signature reference uri not found$/, manifest: 'either',
    sp: { issuer: 'http://example.com', tenantId: 'http://localhost:9001/', acs: 'http://localhost:9001/v1/users/authorize/saml', certs: ['keyinfo:65:73:02:A5:E1:1A:47:94:A1:E5:0A:70:59:88:D6:6C:93:77:57:5D'] },
    note: 'Reference without URI: SAML core 5.4.2 requires a reference to the signed element\'s ID (ruby-saml accepts URI="")' },
  { file: `${PY}data/responses/signed_assertion_response.xml.base64`, expect: 'accept', manifest: 'either', sp: PITBULK },
  { file: `${PY}data/responses/signed_assertion_response2.xml.base64`, expect: 'accept', manifest: 'either', sp: PYTOOLKIT },
  { file: `${PY}data/responses/signed_message_response.xml.base64`, expect: 'accept', manifest: 'either', sp: PITBULK },
  { file: `${PY}data/responses/simple_saml_php.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'https://federate.example.net/saml/saml2/idp/metadata.php', tenantId: 'hello.com', acs: 'https://example.hello.com/access/saml', certs: ['settings1.json'] },
    note: 'KeyInfo holds a truncated certificate: signed by no published certificate (a parsing sample)' },
  { file: `${PY}data/responses/unsigned_assertion.xml.base64`, expect: 'reject', reason: /^Invalid signature: No response found$/, manifest: 'reject',
    sp: { issuer: 'https://federate.example.net/saml/saml2/idp/metadata.php', tenantId: 'hello.com', acs: 'https://example.hello.com/access/saml', certs: ['settings1.json'] }, note: 'a bare unsigned Assertion' },
  { file: `${PY}data/responses/unsigned_response.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PY_SETTINGS1 },
  { file: `${PY}data/responses/unsigned_response_with_miliseconds.xm.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PY_SETTINGS1 },
  { file: `${PY}data/responses/valid_response.xml.base64`, expect: 'accept', manifest: 'either', sp: { ...PY_SETTINGS1, acs: PITBULK.acs } },
  { file: `${PY}data/responses/valid_response2.xml.base64`, expect: 'accept', manifest: 'either', sp: PYTOOLKIT },
  { file: `${PY}data/responses/valid_response_with_namequalifier.xml.base64`, expect: 'accept', manifest: 'either', sp: { ...PY_SETTINGS1, acs: PITBULK.acs } },
  { file: `${PY}data/responses/valid_response_without_inresponseto.xml.base64`, expect: 'accept', manifest: 'either', sp: PITBULK, note: 'unsolicited (no InResponseTo): run with IdP-initiated allowed' },
  { file: `${PY}data/responses/valid_unsigned_response.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/valid_unsigned_response.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/wrapped_response_2.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject',
    sp: { issuer: 'https://idp/simplesaml/saml2/idp/metadata.php', tenantId: 'php-saml-fixed', acs: 'http://localhost/php-saml-fixed/consume.php', certs: ['settings1.json'] } },
  // python3-saml invalids/
  { file: `${PY}data/responses/invalids/bad_reference.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM },
  { file: `${PY}data/responses/invalids/duplicated_attributes.xml.base64`, expect: 'reject', reason: /duplicat|appears more than once/i, manifest: 'reject', sp: PITBULK,
    note: 'two Attribute elements named uid (python3-saml: "Found an Attribute element with duplicated Name")' },
  { file: `${PY}data/responses/invalids/empty_destination.xml.base64`, expect: 'reject', reason: /^Destination {2}is not this ACS$/, manifest: 'reject', sp: { ...PY_SETTINGS1, acs: PITBULK.acs } },
  { file: `${PY}data/responses/invalids/empty_nameid.xml.base64`, expect: 'reject', reason: /^neither NameID nor objectidentifier$/, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/invalids/encrypted_attrs.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PY_SETTINGS1, note: 'unsigned' },
  { file: `${PY}data/responses/invalids/encrypted_nameID_without_EncMethod.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK, note: 'edited after signing' },
  { file: `${PY}data/responses/invalids/encrypted_nameID_without_keyinfo.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK, note: 'edited after signing' },
  ...['invalid_audience', 'invalid_issuer_assertion', 'invalid_issuer_message', 'invalid_sessionindex', 'invalid_subjectconfirmation_inresponse',
    'invalid_subjectconfirmation_nb', 'invalid_subjectconfirmation_noa', 'invalid_subjectconfirmation_recipient', 'no_nameid',
    'no_subjectconfirmation_data', 'no_subjectconfirmation_method', 'response_encrypted_attrs',
  ].map((n): Row => ({ file: `${PY}data/responses/invalids/${n}.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PY_SETTINGS1,
    note: 'unsigned in this copy: refused at the signature before its named defect (ruby-saml keeps signed copies of several, below)' })),
  { file: `${PY}data/responses/invalids/multiple_assertions.xml.base64`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'reject', sp: ONELOGIN_13590 },
  { file: `${PY}data/responses/invalids/no_authnstatement.xml.base64`, expect: 'reject', reason: /AuthnStatement/, manifest: 'reject', sp: PITBULK,
    note: 'the Assertion has no AuthnStatement (Web SSO profile 4.1.4.2; python3-saml/ruby-saml: "must include one AuthnStatement")' },
  { file: `${PY}data/responses/invalids/no_conditions.xml.base64`, expect: 'reject', reason: NO_AUDIENCE, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/invalids/no_id.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM },
  { file: `${PY}data/responses/invalids/no_issuer_assertion.xml.base64`, expect: 'reject', reason: /^unexpected Issuer undefined$/, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/invalids/no_issuer_response.xml.base64`, expect: 'accept', manifest: 'reject', sp: PITBULK,
    note: 'the Response (unsigned) has no Issuer; the signed Assertion\'s Issuer is right. SAML profiles 4.1.4.2 let an unsigned Response omit it (ruby-saml refuses it; python3-saml refused it once and accepts it now)' },
  { file: `${PY}data/responses/invalids/no_key.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM },
  { file: `${PY}data/responses/invalids/no_saml2.xml.base64`, expect: 'reject', reason: /^Invalid signature/, manifest: 'reject', sp: PY_SETTINGS1, at: 'issued', note: 'a SAML 1.1 Response' },
  { file: `${PY}data/responses/invalids/no_signature.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM },
  { file: `${PY}data/responses/invalids/no_status.xml.base64`, expect: 'reject', reason: /^Destination https:\/\/pitbulk.no-ip.org\/newonelogin\/demo1\/index.php\?acs is not this ACS$/, manifest: 'reject',
    sp: { ...ONELOGIN_13590, certs: ['settings1.json'] },
    note: 'Recipient ({recipient}) and Destination differ, so no ACS fits: the missing Status itself is never reached (node-saml does not look at Status when an assertion is present)' },
  { file: `${PY}data/responses/invalids/no_status_code.xml.base64`, expect: 'reject', reason: /^Destination https:\/\/example.com\/demo1\/index.php\?acs is not this ACS$/, manifest: 'reject',
    sp: { ...ONELOGIN_13590, certs: ['settings1.json'] },
    note: 'Recipient ({recipient}) and Destination differ, so no ACS fits: the missing StatusCode itself is never reached' },
  { file: `${PY}data/responses/invalids/not_after_failed.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM, note: 'unsigned: refused before its times are looked at' },
  { file: `${PY}data/responses/invalids/not_before_failed.xml.base64`, expect: 'reject', code: 'clock_behind', reason: /not yet valid/, manifest: 'reject', sp: EXAMPLE_COM, at: 'issued' },
  { file: `${PY}data/responses/invalids/signature_wrapping_attack.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/invalids/signature_wrapping_attack2.xml.base64`, expect: 'reject', reason: NOT_FOR_THE_ELEMENT, manifest: 'reject',
    sp: { issuer: 'urn:mace:example.com:saml:roland:idp', tenantId: 'urn:mace:example.com:saml:roland:sp', acs: 'http://lingon.catalogix.se:8087/', certs: ['keyinfo:02:1C:37:E4:C8:9E:E4:7B:14:E6:8E:0B:37:53:29:AC:9D:8F:10:6B'] },
    note: 'the signer\'s own KeyInfo certificate is trusted, so only the wrapping is at fault' },
  { file: `${PY}data/responses/invalids/signed_assertion_response.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK },
  { file: `${PY}data/responses/invalids/status_code_responder.xml.base64`, expect: 'reject', code: 'idp_error', reason: /Responder error/, manifest: 'reject',
    sp: { issuer: 'http://idp.example.com/adfs/services/trust', tenantId: 'https://example.com/opensso/Consumer/metaAlias/sp', acs: 'https://example.com/opensso/Consumer/metaAlias/sp', certs: ['settings1.json'] } },
  { file: `${PY}data/responses/invalids/status_code_responer_and_msg.xml.base64`, expect: 'reject', code: 'idp_error', reason: /Responder error: something_is_wrong/, manifest: 'reject',
    sp: { issuer: 'http://idp.example.com/adfs/services/trust', tenantId: 'https://example.com/opensso/Consumer/metaAlias/sp', acs: 'https://example.com/opensso/Consumer/metaAlias/sp', certs: ['settings1.json'] } },
  { file: `${PY}data/responses/invalids/wrong_spnamequalifier.xml.base64`, expect: 'reject', reason: /SPNameQualifier|qualified for another service provider/, manifest: 'reject', sp: PITBULK,
    note: 'NameID SPNameQualifier="wrong-sp-entityid" names another SP (python3-saml/ruby-saml: "SPNameQualifier value mistmatch the SP entityID")' },

  // ---------------------------------------------------------------- ruby-saml (responses)
  { file: `${RB}responses/adfs_response_sha1.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: { ...ADFS, certs: ['keyinfo:F1:3C:6B:80:90:5A:03:0E:6C:91:3E:5D:15:FA:DD:B0:16:45:48:72'] },
    note: 'digest algorithm URI http://www.w3.org/2001/04/xmlenc#sha1 does not exist (SHA-1 is xmldsig#sha1): xml-crypto does not know it' },
  { file: `${RB}responses/adfs_response_sha256.xml`, expect: 'accept', manifest: 'either', sp: { ...ADFS, certs: ['keyinfo:28:74:9B:E8:1F:E8:10:9C:A8:7C:A9:C3:E3:C5:01:6C:92:1C:B4:BA'] },
    note: 'KeyInfo holds base64 of a PEM; the certificate ruby-saml\'s test pins (28:74:9B…)' },
  { file: `${RB}responses/adfs_response_sha384.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: { ...ADFS, certs: ['keyinfo:F1:3C:6B:80:90:5A:03:0E:6C:91:3E:5D:15:FA:DD:B0:16:45:48:72'] },
    note: 'digest algorithm URI http://www.w3.org/2001/04/xmlenc#sha384 does not exist (SHA-384 is xmldsig-more#sha384)' },
  { file: `${RB}responses/adfs_response_sha512.xml`, expect: 'accept', manifest: 'either', sp: { ...ADFS, certs: ['keyinfo:F1:3C:6B:80:90:5A:03:0E:6C:91:3E:5D:15:FA:DD:B0:16:45:48:72'] },
    note: 'KeyInfo holds base64 of a PEM' },
  { file: `${RB}responses/adfs_response_xmlns.xml`, expect: 'accept', manifest: 'either', sp: { ...ADFS, certs: ['keyinfo:9F:59:FB:7E:FD:67:12:76:D3:46:A3:B3:E2:37:B0:68:46:D7:8B:35'] },
    note: 'KeyInfo holds base64 of a PEM' },
  { file: `${RB}responses/attackxee.xml`, expect: 'reject', reason: /^SAMLResponse contains a DTD$/, manifest: 'reject', sp: PY_SETTINGS1, at: NO_TIMES },
  { file: `${RB}responses/inclusive_namespaces.xml`, expect: 'reject', reason: /^Destination https:\/\/someone.example.com\/endpoint is not this ACS$/, manifest: 'either',
    sp: { issuer: 'http://www.okta.com/k7xkhq0jUHUPQAXVMUAN', tenantId: 'https://auth0145.auth0.com', acs: 'https://auth0145.auth0.com', certs: ['keyinfo:A0:C7:DB:B7:90:E3:47:6D:3C:5D:D2:36:F9:F2:06:0B:1F:D6:E2:53'] },
    note: 'signature valid, but its Recipient and Destination differ, so no ACS fits (ruby-saml uses it for signature checks only)' },
  { file: `${RB}responses/no_signature_ns.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: { ...MYEXAMPLE, certs: ['keyinfo:28:74:9B:E8:1F:E8:10:9C:A8:7C:A9:C3:E3:C5:01:6C:92:1C:B4:BA'] },
    note: 'ruby-saml\'s own test stubs the signature check out' },
  { file: `${RB}responses/open_saml_response.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'https://idm.orademo.com', tenantId: 'hello.com', acs: 'https://example.hello.com/access/saml', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'KeyInfo holds a placeholder ("dfghjkl"): signed by no published certificate (a parsing sample)' },
  { file: `${RB}responses/response_assertion_wrapped.xml.base64`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'reject', sp: ONELOGIN_SAML2 },
  { file: `${RB}responses/response_audience_self_closed_tag.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: { ...PY_SETTINGS1, certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'does not verify with ruby-saml.crt, the certificate of its KeyInfo (ruby-saml only checks its audience)' },
  { file: `${RB}responses/response_double_status_code.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: RUBY_MUDA,
    note: 'unsigned; its Status is Requester/UnsupportedBinding next to an Assertion (node-saml looks at Status only when there is no assertion)' },
  { file: `${RB}responses/response_encrypted_attrs.xml.base64`, expect: 'reject', reason: /^Recipient hhttp:\/\/stuff.com\/endpoints\/metadata.php is not this ACS$/, manifest: 'either',
    sp: { ...PY_SETTINGS1, certs: [`${RB}certificates/ruby-saml.crt`] }, note: 'signature valid, but its Recipient is a malformed URL ("hhttp://…metadata.php")' },
  { file: `${RB}responses/response_encrypted_nameid.xml.base64`, expect: 'reject', reason: RECIPIENT_PLACEHOLDER, manifest: 'either', sp: RUBY_MUDA, note: 'Recipient is the placeholder "recipient" (and the NameID is encrypted)' },
  { file: `${RB}responses/response_eval.xml`, expect: 'reject', reason: /CanonicalizationMethod/, manifest: 'either', sp: PY_SETTINGS1, at: NO_TIMES, note: 'code injection attempt in a signature algorithm' },
  { file: `${RB}responses/response_no_cert_and_encrypted_attrs.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'https://hw6dldc.vmwdemo.com/SAAS/API/1.0/GET/metadata/idp.xml', tenantId: 'vmwdemo.socialcast.com', acs: 'https://vmwdemo.socialcast.com/saml/authenticate', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'no KeyInfo and its signer\'s certificate is not in the corpus' },
  { file: `${RB}responses/response_node_text_attack.xml.base64`, expect: 'reject', reason: COMMENT_OR_UNSIGNED, manifest: 'reject', sp: ONELOGIN_13590,
    note: '"support<!-- attack! -->@onelogin.com" in NameID; its signature does not verify either' },
  { file: `${RB}responses/response_node_text_attack2.xml.base64`, expect: 'reject', reason: /^SAMLResponse contains an XML comment$/, manifest: 'reject', sp: RUBY_MUDA,
    note: 'validly signed "test<!-- attack -->@onelogin.com" in NameID (its Recipient is also the placeholder "recipient")' },
  { file: `${RB}responses/response_node_text_attack3.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: RUBY_MUDA },
  { file: `${RB}responses/response_unsigned_xml_base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject',
    sp: { issuer: 'https://idp/simplesaml/saml2/idp/metadata.php', tenantId: 'php-saml', acs: 'http://localhost/php-saml/consume.php', certs: ['settings1.json'] } },
  { file: `${RB}responses/response_with_ampersands.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'PF-DEMO', tenantId: 'fac', acs: 'http://fac.smackaho.st:3000/auth/saml/callback', certs: ['keyinfo:12:01:AC:67:ED:13:FE:90:8F:58:47:81:C9:53:A3:E0:78:AD:80:20'] },
    note: 'does not verify with its own KeyInfo certificate (a parsing sample)' },
  { file: `${RB}responses/response_with_ampersands.xml.base64`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'either', sp: ONELOGIN_SAML2, note: 'two Assertions (ruby-saml: "must contain 1 assertion")' },
  { file: `${RB}responses/response_with_ds_namespace_at_the_root.xml.base64`, expect: 'accept', manifest: 'either', sp: { ...RUBY_DEMO1, certs: ['keyinfo:56:14:65:7A:B6:92:B9:60:48:03:89:72:3A:36:44:6A:5F:E1:F7:EC'] },
    note: 'the certificate ruby-saml\'s test pins (5614657a…)' },
  { file: `${RB}responses/response_with_multiple_attribute_statements.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: ONELOGIN_13590,
    note: 'edited after signing (for attribute parsing tests); several AttributeStatements as such are legal' },
  { file: `${RB}responses/response_with_multiple_attribute_values.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: ONELOGIN_13590,
    note: 'edited after signing (for attribute parsing tests); several values as such are legal' },
  { file: `${RB}responses/response_with_saml2_namespace.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'example', tenantId: 'fooble.com', acs: 'https://examplesaml.fooble.com/access/saml/', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'KeyInfo holds a placeholder: signed by no published certificate (ruby-saml only checks its conditions)' },
  { file: `${RB}responses/response_with_signed_assertion.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'http://example.com/services/trust', tenantId: 'consumer.example.com', acs: 'https://example.com/access/saml', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'KeyInfo holds a placeholder ("Stuff"): signed by no published certificate (ruby-saml only checks which elements are signed)' },
  { file: `${RB}responses/response_with_signed_assertion_2.xml.base64`, expect: 'accept', manifest: 'either',
    sp: { issuer: 'https://sso.wellspringworldwide.com/simplesaml/saml2/idp/metadata.php', tenantId: 'rpm.newrelic.com', acs: 'https://rpm.newrelic.com/accounts/136857/sso/saml/finalize', certs: ['keyinfo:48:95:FE:0E:A5:E3:3B:B5:36:09:E1:B3:A9:C7:B6:63:9E:14:19:80'] },
    note: 'ruby-saml\'s certificate_without_head_foot was not copied; its KeyInfo certificate is pinned' },
  { file: `${RB}responses/response_with_signed_assertion_3.xml`, expect: 'reject', reason: /NotOnOrAfter/, manifest: 'either', sp: MYEXAMPLE,
    note: 'SubjectConfirmationData without NotOnOrAfter (required for bearer by Web SSO profile 4.1.4.2)' },
  { file: `${RB}responses/response_with_signed_message_and_assertion.xml`, expect: 'reject', reason: /NotOnOrAfter/, manifest: 'either', sp: MYEXAMPLE,
    note: 'SubjectConfirmationData without NotOnOrAfter (required for bearer by Web SSO profile 4.1.4.2)' },
  { file: `${RB}responses/response_with_undefined_recipient.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either', sp: ONELOGIN_13590, note: 'ruby-saml\'s test asserts its signature is invalid' },
  { file: `${RB}responses/response_without_attributes.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'wibble', tenantId: 'example.com', acs: 'https://wibble1299693208.example.com/access/saml/', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'KeyInfo holds a placeholder ("Certificate Stuff"): signed by no published certificate (ruby-saml: "not match the saml-schema-protocol-2.0.xsd")' },
  { file: `${RB}responses/response_without_reference_uri.xml.base64`, expect: 'reject', reason: /^signature reference uri not found$/, manifest: 'either',
    sp: { issuer: 'http://example.com', tenantId: 'http://localhost:9001/', acs: 'http://localhost:9001/v1/users/authorize/saml', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'no KeyInfo certificate; ruby-saml\'s test trusts ruby-saml.crt. Reference without URI: SAML core 5.4.2 requires a reference to the signed element\'s ID (ruby-saml accepts URI="")' },
  { file: `${RB}responses/response_wrapped.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject',
    sp: { issuer: 'https://idp/simplesaml/saml2/idp/metadata.php', tenantId: 'php-saml-fixed', acs: 'http://localhost/php-saml-fixed/consume.php', certs: ['settings1.json'] } },
  { file: `${RB}responses/signed_nameid_in_atts.xml`, expect: 'accept', manifest: 'either', sp: RUBY_DEMO1 },
  { file: `${RB}responses/signed_unqual_nameid_in_atts.xml`, expect: 'accept', manifest: 'either', sp: RUBY_DEMO1 },
  { file: `${RB}responses/signed_response_with_undefined_recipient.xml.base64`, expect: 'accept', manifest: 'either', sp: { ...ONELOGIN_13590, certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'Audience and Recipient are the literal placeholders {audience}/{recipient}, configured as such' },
  { file: `${RB}responses/simple_saml_php.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'https://federate.example.net/saml/saml2/idp/metadata.php', tenantId: 'hello.com', acs: 'https://example.hello.com/access/saml', certs: ['settings1.json'] },
    note: 'KeyInfo holds a truncated certificate: signed by no published certificate (a parsing sample)' },
  { file: `${RB}responses/starfield_response.xml.base64`, expect: 'reject', reason: /^unexpected Issuer Beeline\.com\s+$/, manifest: 'either',
    sp: { issuer: 'Beeline.com', tenantId: 'https://sp.example/', acs: 'https://sp.example/acs', certs: ['keyinfo:8D:BA:53:8E:A3:B6:F9:F1:69:6C:BB:D9:D8:BD:41:B3:AC:4F:9D:4D'] },
    note: 'signature valid; its Issuer carries trailing whitespace (compared exactly), and it has no Audience or Recipient anyway' },
  { file: `${RB}responses/test_sign.xml`, expect: 'reject', reason: UNSIGNED, manifest: 'either',
    sp: { issuer: 'https://app.onelogin.com/saml/metadata/433789', tenantId: 'http://audience', acs: 'http://recipient', certs: [`${RB}certificates/ruby-saml.crt`] },
    note: 'unsigned: ruby-saml\'s test signs it first' },
  ...['valid_response.xml.base64', 'valid_response_with_formatted_x509certificate.xml.base64', 'valid_response_without_x509certificate.xml.base64'].map((f): Row => ({
    file: `${RB}responses/${f}`, expect: 'reject', reason: RECIPIENT_PLACEHOLDER, manifest: 'either', sp: RUBY_MUDA,
    note: 'raw DEFLATE, inflated as ruby-saml does; validly signed, but Recipient is the placeholder "recipient" (ruby-saml accepts it only with skip_recipient_check)'
      + (f === 'valid_response.xml.base64' ? '' : '. MANIFEST lists it as "cert": it is a Response') })),
  // ruby-saml invalids/
  { file: `${RB}responses/invalids/duplicated_attributes.xml.base64`, expect: 'reject', reason: /duplicat|appears more than once/i, manifest: 'reject',
    sp: { ...PITBULK, tenantId: 'http://localhost:8080/java-saml-jspsample/metadata.jsp', acs: 'http://localhost:8080/java-saml-jspsample/acs.jsp' },
    note: 'two Attribute elements with the same Name (ruby-saml refuses it with check_duplicated_attributes)' },
  { file: `${RB}responses/invalids/empty_destination.xml.base64`, expect: 'reject', reason: /^Destination {2}is not this ACS$/, manifest: 'reject', sp: { ...PY_SETTINGS1, acs: PITBULK.acs } },
  { file: `${RB}responses/invalids/empty_nameid.xml.base64`, expect: 'reject', reason: /^neither NameID nor objectidentifier$/, manifest: 'reject', sp: PITBULK },
  { file: `${RB}responses/invalids/encrypted_new_attack.xml.base64`, expect: 'reject', reason: NOT_FOR_THE_ELEMENT, manifest: 'reject',
    sp: { issuer: PITBULK.issuer, tenantId: PITBULK.tenantId, acs: 'http://app.muda.no/sso/consume', certs: ['keyinfo:38:5B:1E:EC:71:14:3F:00:DB:6A:F9:36:E2:EA:12:A2:87:71:D7:2C'] },
    note: 'signature wrapping around an EncryptedAssertion: refused at the signature, before any decryption; the fingerprint ruby-saml\'s test pins' },
  { file: `${RB}responses/invalids/invalid_audience.xml.base64`, expect: 'reject', reason: /^Audience http:\/\/invalid.audience.com is not this tenant$/, manifest: 'reject',
    sp: { ...PY_SETTINGS1, certs: [`${RB}certificates/ruby-saml.crt`] }, note: 'raw DEFLATE, inflated as ruby-saml does' },
  { file: `${RB}responses/invalids/invalid_issuer_assertion.xml.base64`, expect: 'reject', reason: /^unexpected Issuer http:\/\/invalid.issuer.example.com\/$/, manifest: 'reject',
    sp: { ...PY_SETTINGS1, certs: [`${RB}certificates/ruby-saml.crt`] }, note: 'raw DEFLATE, inflated as ruby-saml does' },
  { file: `${RB}responses/invalids/invalid_issuer_message.xml.base64`, expect: 'reject', reason: /Issuer/, manifest: 'reject', sp: PY_SETTINGS1,
    note: 'the (signed) Response says Issuer http://invalid.issuer.example.com/, its Assertion http://idp.example.com/ (ruby-saml: "Doesn\'t match the issuer")' },
  { file: `${RB}responses/invalids/invalid_signature_position.xml.base64`, expect: 'reject', reason: RECIPIENT_PLACEHOLDER, manifest: 'reject', sp: RUBY_MUDA,
    note: 'raw DEFLATE; its Response signature sits after the Assertion (schema-invalid place) and still verifies: refused only for its placeholder Recipient' },
  { file: `${RB}responses/invalids/invalid_subjectconfirmation_inresponse.xml.base64`, expect: 'reject', reason: /^InResponseTo does not match subjectInResponseTo$/, manifest: 'reject', sp: PY_SETTINGS1 },
  { file: `${RB}responses/invalids/invalid_subjectconfirmation_nb.xml.base64`, expect: 'reject', reason: /NotOnOrAfter|not yet valid|subject confirmation/i, manifest: 'reject', sp: PY_SETTINGS1, at: 'issued',
    note: 'its SubjectConfirmationData is not yet valid (NotBefore 2999) and has no NotOnOrAfter' },
  { file: `${RB}responses/invalids/invalid_subjectconfirmation_noa.xml.base64`, expect: 'reject', reason: /^No valid subject confirmation found/, manifest: 'reject', sp: PY_SETTINGS1, at: 'issued' },
  { file: `${RB}responses/invalids/invalid_subjectconfirmation_recipient.xml.base64`, expect: 'reject', reason: /^Recipient http:\/\/invalid.recipent.example.com is not this ACS$/, manifest: 'reject', sp: PY_SETTINGS1 },
  { file: `${RB}responses/invalids/multiple_assertions.xml.base64`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'reject', sp: ONELOGIN_13590 },
  { file: `${RB}responses/invalids/multiple_signed.xml.base64`, expect: 'reject', reason: /^Too many signatures found for this element$/, manifest: 'reject', sp: PITBULK },
  { file: `${RB}responses/invalids/no_authnstatement.xml.base64`, expect: 'reject', reason: /AuthnStatement/, manifest: 'reject', sp: PITBULK,
    note: 'the Assertion has no AuthnStatement (Web SSO profile 4.1.4.2; ruby-saml: "must include one AuthnStatement element")' },
  { file: `${RB}responses/invalids/no_conditions.xml.base64`, expect: 'reject', reason: NO_AUDIENCE, manifest: 'reject', sp: PITBULK },
  { file: `${RB}responses/invalids/no_id.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM },
  { file: `${RB}responses/invalids/no_issuer_assertion.xml.base64`, expect: 'reject', reason: /^unexpected Issuer undefined$/, manifest: 'reject', sp: PITBULK },
  { file: `${RB}responses/invalids/no_issuer_response.xml.base64`, expect: 'accept', manifest: 'reject', sp: PITBULK,
    note: 'the Response (unsigned) has no Issuer; the signed Assertion\'s Issuer is right. SAML profiles 4.1.4.2 let an unsigned Response omit it (ruby-saml refuses it; python3-saml refused it once and accepts it now)' },
  { file: `${RB}responses/invalids/no_nameid.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PY_SETTINGS1, note: 'unsigned' },
  { file: `${RB}responses/invalids/no_saml2.xml.base64`, expect: 'reject', reason: /^Invalid signature/, manifest: 'reject', sp: PY_SETTINGS1, at: 'issued', note: 'a SAML 1.1 Response' },
  { file: `${RB}responses/invalids/no_signature.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: EXAMPLE_COM },
  { file: `${RB}responses/invalids/no_status.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: ONELOGIN_13590, note: 'does not verify (with certificate1 nor with its KeyInfo certificate)' },
  { file: `${RB}responses/invalids/no_status_code.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: ONELOGIN_13590, note: 'does not verify (with certificate1 nor with its KeyInfo certificate)' },
  { file: `${RB}responses/invalids/no_subjectconfirmation_data.xml.base64`, expect: 'reject', reason: /^No valid subject confirmation found/, manifest: 'reject', sp: PY_SETTINGS1 },
  { file: `${RB}responses/invalids/no_subjectconfirmation_method.xml.base64`, expect: 'reject', reason: /SubjectConfirmation|bearer|holder-of-key/i, manifest: 'reject', sp: PY_SETTINGS1,
    note: 'SubjectConfirmation Method is holder-of-key, not bearer (Web SSO profile requires bearer; ruby-saml: "A valid SubjectConfirmation was not found")' },
  { file: `${RB}responses/invalids/response_invalid_signed_element.xml.base64`, expect: 'reject', reason: /signature/i, manifest: 'reject', sp: PITBULK,
    note: 'a second ds:Signature inside samlp:Status, referencing the Response (ruby-saml: "Found an unexpected Signature Element")' },
  { file: `${RB}responses/invalids/response_with_concealed_signed_assertion.xml`, expect: 'reject', reason: NOT_FOR_THE_ELEMENT, manifest: 'reject', sp: MYEXAMPLE },
  { file: `${RB}responses/invalids/response_with_doubled_signed_assertion.xml`, expect: 'reject', reason: MULTIPLE_ASSERTIONS, manifest: 'reject', sp: MYEXAMPLE },
  { file: `${RB}responses/invalids/signature_wrapping_attack.xml.base64`, expect: 'reject', reason: UNSIGNED, manifest: 'reject', sp: PITBULK },
  { file: `${RB}responses/invalids/status_code_responder.xml.base64`, expect: 'reject', code: 'idp_error', reason: /Responder error/, manifest: 'reject',
    sp: { issuer: 'http://idp.example.com/adfs/services/trust', tenantId: 'https://example.com/opensso/Consumer/metaAlias/sp', acs: 'https://example.com/opensso/Consumer/metaAlias/sp', certs: ['settings1.json'] } },
  { file: `${RB}responses/invalids/status_code_responer_and_msg.xml.base64`, expect: 'reject', code: 'idp_error', reason: /Responder error: something_is_wrong/, manifest: 'reject',
    sp: { issuer: 'http://idp.example.com/adfs/services/trust', tenantId: 'https://example.com/opensso/Consumer/metaAlias/sp', acs: 'https://example.com/opensso/Consumer/metaAlias/sp', certs: ['settings1.json'] } },
  { file: `${RB}responses/invalids/wrong_spnamequalifier.xml.base64`, expect: 'reject', reason: /SPNameQualifier|qualified for another service provider/, manifest: 'reject', sp: PITBULK,
    note: 'NameID SPNameQualifier="wrong-sp-entityid" names another SP (ruby-saml: "The SPNameQualifier value mistmatch the SP entityID value.")' },
];

interface MdRow {
  file: string;
  expect: 'accept' | 'reject';
  reason?: RegExp;
  entityId?: string;
  certificates?: number;
  manifest: 'accept' | 'reject' | 'config';
  note?: string;
}

const METADATA: MdRow[] = [
  { file: `${EN}aad-common-federationmetadata-2017.xml`, expect: 'accept', entityId: 'https://sts.windows.net/{tenantid}/', certificates: 3, manifest: 'accept' },
  { file: `${XC}wsfederation_metadata.xml`, expect: 'accept', entityId: 'https://sts.windows.net/8bd6e98d-e212-4022-b13f-a244fab4c253/', certificates: 2, manifest: 'accept', note: 'starts with a BOM; 6 KeyDescriptors, 2 distinct certificates' },
  { file: `${PY}data/metadata/idp_metadata_multi_certs.xml`, expect: 'accept', entityId: 'https://idp.examle.com/saml/metadata', certificates: 2, manifest: 'config' },
  { file: `${PY}data/metadata/idp_metadata_multi_signing_certs.xml`, expect: 'accept', entityId: 'https://idp.examle.com/saml/metadata', certificates: 2, manifest: 'config', note: '3 signing KeyDescriptors, 2 distinct certificates' },
  { file: `${RB}metadata/idp_metadata_multi_certs.xml`, expect: 'accept', entityId: 'https://idp.examle.com/saml/metadata', certificates: 2, manifest: 'config' },
  { file: `${RB}metadata/idp_metadata_multi_signing_certs.xml`, expect: 'reject', reason: /signing certificate that cannot be read/, manifest: 'config',
    note: 'one X509Certificate holds base64 of a PEM text, not of a DER certificate: refused rather than silently dropped' },
  { file: `${PY}data/metadata/idp_multiple_descriptors.xml`, expect: 'reject', reason: /identity providers; import the document of exactly one/, manifest: 'reject',
    note: 'DECISION: must be refused. An EntitiesDescriptor with two IdP EntityDescriptors (foo, bar) is ambiguous and the import offers no way to pick one; '
      + 'parseIdpMetadata refuses a document describing more than one IdP (it once took the first silently).' },
  { file: `${PY}data/metadata/signed_metadata_settings1.xml`, expect: 'reject', reason: /no IDPSSODescriptor/, manifest: 'config', note: 'SP metadata (SPSSODescriptor), not an IdP\'s' },
  { file: `${NS}signedMetadata.xml`, expect: 'reject', reason: /no IDPSSODescriptor/, manifest: 'config', note: 'SP metadata (SPSSODescriptor), not an IdP\'s' },
  { file: `${SF}misc/idpmeta.xml`, expect: 'reject', reason: /lists no signing certificate/, manifest: 'config',
    note: 'KeyInfo/X509Data/X509Certificate are unprefixed, i.e. in the metadata namespace, not XML-DSig\'s (samlify reads them regardless of namespace)' },
  { file: `${SF}misc/idpmeta_rollingcert.xml`, expect: 'reject', reason: /lists no signing certificate/, manifest: 'config',
    note: 'KeyInfo/X509Data/X509Certificate are unprefixed, i.e. in the metadata namespace, not XML-DSig\'s (samlify reads them regardless of namespace)' },
  { file: `${SF}misc/multiple_entitydescriptor.xml`, expect: 'reject', reason: /could not be read/, manifest: 'reject', note: 'two root elements' },
];

const LOGOUT = 'logout message: not a sign-in response. (SecureExchange\'s single logout, src/saml/logout.ts, takes LogoutRequests over HTTP-Redirect with a '
  + 'query-string signature; these are XML documents, signed inside or not at all)';
const ENCRYPTED = 'EncryptedAssertion: SecureExchange publishes no encryption key, so no IdP encrypts for it';
const CERT = 'a certificate file (used as a trust anchor by the rows above)';
const SKIPPED: { file: string; reason: string }[] = [
  ...listSamlFixtures().filter((f) => /logout_re(quest|sponse)|slo_request/.test(f)).map((file) => ({ file, reason: LOGOUT })),
  ...[
    `${PY}data/responses/double_signed_encrypted_assertion.xml.base64`, `${PY}data/responses/double_signed_encrypted_assertion2.xml.base64`,
    `${PY}data/responses/signed_encrypted_assertion.xml.base64`, `${PY}data/responses/signed_encrypted_assertion2.xml.base64`,
    `${PY}data/responses/signed_message_encrypted_assertion.xml.base64`, `${PY}data/responses/signed_message_encrypted_assertion2.xml.base64`,
    `${PY}data/responses/signed_message_response2.xml.base64`, `${PY}data/responses/valid_encrypted_assertion.xml.base64`,
    `${PY}data/responses/valid_encrypted_assertion_encrypted_nameid.xml.base64`,
    `${RB}responses/response_with_retrieval_method.xml`, `${RB}responses/signed_message_encrypted_signed_assertion.xml.base64`,
    `${RB}responses/signed_message_encrypted_unsigned_assertion.xml.base64`, `${RB}responses/unsigned_encrypted_adfs.xml`,
    ...['aes128', 'aes128gcm', 'aes192', 'aes192gcm', 'aes256', 'aes256gcm', 'des192'].map((a) => `${RB}responses/unsigned_message_${a}_encrypted_signed_assertion.xml.base64`),
    `${RB}responses/unsigned_message_encrypted_assertion_without_saml_namespace.xml.base64`,
    `${RB}responses/unsigned_message_encrypted_signed_assertion.xml.base64`, `${RB}responses/unsigned_message_encrypted_unsigned_assertion.xml.base64`,
    `${NS}signatures/invalid/response.root-signed.assertion-invalidly-signed-encrypted.xml`, `${NS}signatures/valid/response.root-signed.assertion-unsigned-encrypted.xml`,
  ].map((file) => ({ file, reason: ENCRYPTED })),
  ...listSamlFixtures().filter((f) => /\.(pem|crt|cer|cert)$|certificates\/certificate1$/.test(f)).map((file) => ({ file, reason: CERT })),
  { file: `${PY}settings/settings1.json`, reason: 'python3-saml SP settings (its IdP certificate and entity IDs are used by the rows above)' },
  { file: `${PY}settings/settings2.json`, reason: 'python3-saml SP settings (its IdP certificate and entity IDs are used by the rows above)' },
];

// ---- running one row ----

function resolveCerts(refs: CertRef[], xml: string): string[] {
  return refs.map((ref) => {
    if (ref === 'settings1.json' || ref === 'settings2.json') return python3SamlSettingsCert(ref);
    if (ref.startsWith('keyinfo:')) {
      const fingerprint = ref.slice('keyinfo:'.length);
      const pem = keyInfoCertificates(xml).find((p) => {
        try { return new X509Certificate(p).fingerprint === fingerprint; } catch { return false; }
      });
      assert.ok(pem, `the fixture's KeyInfo holds no certificate with SHA-1 fingerprint ${fingerprint}`);
      return pem;
    }
    return fixtureCert(ref);
  });
}

function issuedMoment(xml: string): Date {
  const issued = Date.parse(rootAttribute(xml, 'IssueInstant') ?? /\sIssueInstant\s*=\s*["']([^"']+)["']/.exec(xml)?.[1] ?? '');
  assert.ok(!Number.isNaN(issued), 'the document has no IssueInstant: give the row an `at`');
  return new Date(issued + 1000);
}

function momentOf(row: Pick<Row, 'at' | 'expect'>, xml: string): Date {
  if (row.at === 'issued') return issuedMoment(xml);
  if (row.at) return new Date(row.at);
  const own = fixtureMoment(xml);
  if (own) return own;
  // A must-reject whose own window is empty (a NotBefore after its NotOnOrAfter, say): the moment it was issued.
  assert.ok(row.expect === 'reject', 'a must-accept fixture with no moment inside its own validity window');
  return issuedMoment(xml);
}

interface Outcome { identity?: SamlIdentity; error?: SamlRejected }

interface Prepared { sp: SpSettings; samlResponse: string; at: Date; request?: string; sha1: boolean }

function prepare(row: Row, allowSha1?: boolean): Prepared {
  const fx = readFixture(row.file);
  const at = momentOf(row, fx.xml);
  const sha1 = usesSha1(fx.xml);
  // A fixture that answers a request is run as the answer to one of ours; one without InResponseTo as
  // IdP-initiated (allowed for it only).
  const request = rootAttribute(fx.xml, 'InResponseTo') || undefined;
  const requests = memoryRequestStore();
  if (request) requests.ids.set(request, new Date(at.getTime() - 60_000).toISOString());
  const sp: SpSettings = {
    tenantId: row.sp.tenantId,
    acsUrl: row.sp.acs,
    idp: { entityId: row.sp.issuer, ssoUrl: 'https://idp.invalid/sso', certificates: resolveCerts(row.sp.certs, fx.xml) },
    clockSkewMs: CLOCK_SKEW_MS,
    requests,
    allowIdpInitiated: !request,
    // SHA-1 is allowed for a fixture that uses it, so that refusing SHA-1 cannot hide its real defect;
    // an accepted one is then run again with SHA-1 refused.
    allowSha1: allowSha1 ?? sha1,
    ...(row.sp.entraTenantId ? { entraTenantId: row.sp.entraTenantId } : {}),
  };
  return { sp, samlResponse: fx.samlResponse, at, request, sha1 };
}

async function validateAt(t: TestContext, p: Prepared): Promise<Outcome> {
  t.mock.timers.enable({ apis: ['Date'], now: p.at });
  try {
    return { identity: await validateSamlResponse(p.sp, p.samlResponse) };
  } catch (err) {
    if (err instanceof SamlRejected) return { error: err };
    throw err;
  } finally {
    t.mock.timers.reset();
  }
}

function describeSettings(row: Row, p: Prepared): string {
  return `at=${p.at.toISOString()} issuer=${row.sp.issuer} audience=${row.sp.tenantId} acs=${row.sp.acs} certs=[${row.sp.certs.join(', ')}]`
    + ` allowSha1=${p.sp.allowSha1} ${p.request ? `request=${p.request}` : 'unsolicited (IdP-initiated allowed)'}`
    + (row.sp.entraTenantId ? ` entraTenantId=${row.sp.entraTenantId}` : '');
}

const identityOf = (id: SamlIdentity) => JSON.stringify({ nameId: id.nameId, objectId: id.objectId, entraTenantId: id.entraTenantId, assertionId: id.assertionId });

const results: { file: string; expect: string; outcome: 'accepted' | 'rejected'; detail: string; ok: boolean }[] = [];

describe('SAML fixture corpus', () => {
  after(() => {
    const accepted = results.filter((r) => r.outcome === 'accepted').length;
    const lines = [
      '',
      `SAML fixture corpus: ${results.length} responses run (${accepted} accepted, ${results.length - accepted} rejected), `
        + `${METADATA.length} metadata documents, ${SKIPPED.length} files skipped.`,
      ...results.filter((r) => !r.ok).map((r) => `  MISMATCH expected ${r.expect}, ${r.outcome}: ${r.file} — ${r.detail}`),
      'Rows whose expectation differs from MANIFEST.md:',
      ...ROWS.filter((r) => r.manifest !== 'either' && r.manifest !== r.expect).map((r) => `  ${r.file}: MANIFEST ${r.manifest}, here ${r.expect} — ${r.note ?? ''}`),
    ];
    console.log(lines.join('\n'));
  });

  it('every file of the corpus is run, or skipped with a reason', () => {
    const listed = [...ROWS.map((r) => r.file), ...METADATA.map((r) => r.file), ...SKIPPED.map((s) => s.file)];
    const twice = listed.filter((f, i) => listed.indexOf(f) !== i);
    assert.deepEqual(twice, [], 'listed more than once');
    assert.deepEqual([...listed].sort(), listSamlFixtures());
    for (const r of ROWS) assert.ok(r.expect === 'accept' || r.reason || r.code, `${r.file}: a reject names its reason`);
  });

  // The envelope is read before any signature is checked (src/saml/response-envelope.ts): a broken
  // signature on the Response, a signature out of place, a root that is no Response, a foreign Response
  // Issuer or a non-success status refuse a fixture there, earlier than the reason it was written for.
  // Only these pre-signature reasons, and a signature that does not verify (every signature present
  // must now be valid), stand in for a row's own; a reason reached after the signatures verified never
  // does (that would hide a signature that should have failed).
  const ENVELOPE = /^(Invalid document signature$|Invalid signature$|a signature outside the Response and its Assertion$|not a SAML 2\.0 Response$|Response Issuer .* is not the IdP$|SAMLResponse is not well-formed XML$|IdP status )/;
  const fitting = (reason: RegExp | undefined, actual: string) => !reason || reason.test(actual) || ENVELOPE.test(actual);

  for (const row of ROWS) {
    it(`${row.expect === 'accept' ? 'accepts' : 'rejects'} ${row.file}`, async (t) => {
      const p = prepare(row);
      t.diagnostic(describeSettings(row, p));
      if (row.note) t.diagnostic(row.note);
      const { identity, error } = await validateAt(t, p);
      const detail = identity ? `identity ${identityOf(identity)}` : `[${error!.code}] ${error!.reason}`;
      t.diagnostic(`=> ${identity ? 'ACCEPTED' : 'rejected'}: ${detail}`);
      const ok = row.expect === 'accept'
        ? !!identity
        : !!error && fitting(row.reason, error.reason) && (!row.code || row.code === error.code || ENVELOPE.test(error.reason));
      results.push({ file: row.file, expect: row.expect, outcome: identity ? 'accepted' : 'rejected', detail, ok });

      if (row.expect === 'reject') {
        assert.ok(!identity, `SECURITY: a must-reject fixture was ACCEPTED, ${detail}`);
        assert.ok(fitting(row.reason, error!.reason), `refused, but not for the reason this fixture is about: ${error!.reason}`);
        if (row.code && !ENVELOPE.test(error!.reason)) assert.equal(error!.code, row.code);
        return;
      }
      assert.ok(identity, `a must-accept fixture was refused: ${detail}`);
      assert.ok(identity.nameId || identity.objectId, 'an identity');
      assert.ok(identity.assertionId, 'an assertion ID to remember against replay');
      if (p.request) {
        // The request it answers is consumed: the same response again is an answer to nothing of ours.
        const again = await validateAt(t, p);
        assert.equal(again.error?.code, 'unsolicited', 'InResponseTo is single use');
      }
      if (p.sha1) {
        // Accepted only because SHA-1 was allowed for it: a tenant that has not allowed SHA-1 refuses it.
        const strict = await validateAt(t, prepare(row, false));
        assert.match(strict.error?.reason ?? `accepted: ${strict.identity && identityOf(strict.identity)}`, /SHA-1/);
      }
    });
  }

  for (const row of METADATA) {
    it(`${row.expect === 'accept' ? 'reads' : 'refuses'} metadata ${row.file}`, (t) => {
      if (row.note) t.diagnostic(row.note);
      const xml = fixtureText(row.file); // as stored: wsfederation_metadata.xml starts with a BOM
      let parsed: ReturnType<typeof parseIdpMetadata> | undefined;
      let failure: Error | undefined;
      try { parsed = parseIdpMetadata(xml); } catch (err) { failure = err as Error; }
      t.diagnostic(parsed ? `=> read: ${parsed.entityId}, ${parsed.ssoUrl}, ${parsed.certificates.length} certificate(s)` : `=> refused: ${failure?.message}`);
      if (row.expect === 'reject') {
        assert.ok(!parsed, `must be refused, but was read as ${parsed?.entityId}`);
        if (row.reason) assert.match(failure!.message, row.reason);
        return;
      }
      assert.ok(parsed, `must be read: ${failure?.message}`);
      if (row.entityId) assert.equal(parsed.entityId, row.entityId);
      if (row.certificates !== undefined) assert.equal(parsed.certificates.length, row.certificates);
      assert.match(parsed.ssoUrl, /^https?:\/\//);
    });
  }

  describe('skipped (not applicable to SecureExchange)', () => {
    for (const s of SKIPPED) it(s.file, { skip: s.reason }, () => {});
  });

  it('the skipped encrypted responses are refused all the same (no decryption key)', async (t) => {
    for (const s of SKIPPED.filter((x) => x.reason === ENCRYPTED)) {
      const fx = readFixture(s.file);
      const at = fixtureMoment(fx.xml) ?? new Date(Date.parse(rootAttribute(fx.xml, 'IssueInstant') ?? NO_TIMES) + 1000);
      const sp: SpSettings = {
        tenantId: 'any', acsUrl: 'any', clockSkewMs: CLOCK_SKEW_MS, requests: memoryRequestStore(), allowIdpInitiated: true, allowSha1: true,
        idp: { entityId: 'any', ssoUrl: 'https://idp.invalid/sso', certificates: [python3SamlSettingsCert('settings1.json'), python3SamlSettingsCert('settings2.json'), fixtureCert(`${RB}certificates/ruby-saml.crt`), fixtureCert(`${NS}cert.pem`)] },
      };
      const { identity, error } = await validateAt(t, { sp, samlResponse: fx.samlResponse, at, sha1: true });
      assert.ok(!identity, `${s.file} was accepted: ${identity && identityOf(identity)}`);
      t.diagnostic(`${s.file} => [${error!.code}] ${error!.reason}`);
    }
  });
});

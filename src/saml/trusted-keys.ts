// The tenant's trusted certificates as public KeyObjects, made once per certificate list (that is, per
// metadata version and order) instead of once per signature check. node-saml hands each trusted
// certificate to xml-crypto as a PEM string, and Node parses a PEM into a key on every verify()
// (~140 µs against ~25 µs with a KeyObject, ../shared/MEASURED.md). The keys come from exactly the
// certificates node-saml itself normalised from the metadata (getKeyInfosAsPem), so what is trusted
// does not change; only when the parsing happens.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { SAML } from '@node-saml/node-saml';

/** Bound on cached lists: tenants × metadata versions × the signer-first orders, per thread. */
const MAX_LISTS = 512;
const cache = new Map<string, Array<KeyObject | string>>();

/** A certificate Node cannot turn into a key stays a PEM string: verify() then fails exactly as before. */
function keyOf(pem: string): KeyObject | string {
  try {
    return createPublicKey(pem);
  } catch {
    return pem;
  }
}

/**
 * Gives `saml` the keys of its trusted certificates. node-saml keeps the PEMs it verifies with in
 * `pemFiles` and uses that list whenever it is filled (idpCert is a list, not a callback); xml-crypto
 * passes each entry to crypto.verify(), which takes a KeyObject as well as a PEM.
 */
export async function useTrustedKeys(saml: SAML, certificates: string[]): Promise<void> {
  // Both members are protected in node-saml's typings; test/saml/trusted-keys.test.ts fails if a
  // node-saml release stops verifying with them (it would then parse PEMs again, never trust more).
  const inner = saml as unknown as { pemFiles: Array<KeyObject | string>; getKeyInfosAsPem(): Promise<string[]> };
  const id = certificates.join('\0');
  let keys = cache.get(id);
  if (keys) {
    cache.delete(id); // most recently used last: the oldest list is the one evicted
  } else {
    keys = (await inner.getKeyInfosAsPem()).map(keyOf);
    if (cache.size >= MAX_LISTS) cache.delete(cache.keys().next().value!);
  }
  cache.set(id, keys);
  inner.pemFiles = keys;
}

// Counts what parses a certificate or a key in node:crypto while `f` runs: X509Certificate
// constructions, createPublicKey calls, and verify() calls given a PEM string (Node parses it into a key
// each time) rather than a KeyObject. node:crypto is wrapped only meanwhile. Shared by the trusted-keys
// test and the SAML benchmark.
import crypto from 'node:crypto';

export interface KeyParses { x509: number; createPublicKey: number; pemVerify: number; keyVerify: number }

export async function countKeyParses(f: () => Promise<void>): Promise<KeyParses> {
  const counts: KeyParses = { x509: 0, createPublicKey: 0, pemVerify: 0, keyVerify: 0 };
  const mod = crypto as unknown as Record<string, unknown>;
  const X509 = crypto.X509Certificate;
  const createPublicKey = crypto.createPublicKey;
  const verify = crypto.Verify.prototype.verify;
  mod.X509Certificate = class extends X509 { constructor(...a: ConstructorParameters<typeof X509>) { super(...a); counts.x509++; } };
  mod.createPublicKey = (...a: Parameters<typeof createPublicKey>) => { counts.createPublicKey++; return createPublicKey(...a); };
  crypto.Verify.prototype.verify = function (this: crypto.Verify, ...a: Parameters<typeof verify>) {
    if (a[0] instanceof crypto.KeyObject) counts.keyVerify++; else counts.pemVerify++;
    return verify.apply(this, a);
  } as typeof verify;
  try {
    await f();
  } finally {
    mod.X509Certificate = X509;
    mod.createPublicKey = createPublicKey;
    crypto.Verify.prototype.verify = verify;
  }
  return counts;
}

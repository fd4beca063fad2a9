// TOTP (RFC 6238, the authenticator-app defaults: SHA-1, 6 digits, 30 s) through otplib. A code is
// accepted one step early or late (clock drift) and only once: the caller keeps the accepted time step
// and passes it back as `afterTimeStep`, so a code seen over someone's shoulder cannot be replayed.
import { generate, generateSecret, generateURI, verify } from 'otplib';

export const newTotpSecret = (): string => generateSecret();

/** The otpauth:// URI an authenticator app reads from a QR code. */
export const totpUri = (secret: string, issuer: string, label: string): string => generateURI({ issuer, label, secret });

/** The time step of the accepted code, or null when the code is wrong, malformed or already used. */
export async function checkTotp(secret: string, code: unknown, afterTimeStep: number | null): Promise<number | null> {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code)) return null;
  const epoch = Math.floor(Date.now() / 1000);
  const result = await verify({ secret, token: code, epoch, epochTolerance: 30 });
  if (!result.valid) return null;
  const step = Math.floor(epoch / 30) + result.delta;
  return afterTimeStep !== null && step <= afterTimeStep ? null : step;
}

/** The current code (tests, and showing a user what their app should display). */
export const currentTotp = (secret: string, epoch?: number): Promise<string> => generate({ secret, ...(epoch !== undefined ? { epoch } : {}) });

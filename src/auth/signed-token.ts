/**
 * Short-lived signed tokens the platform mints and later checks itself (widget visitor tokens,
 * talk tokens): `base64url(json).hmac`, with an expiry inside the signed part.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedClaims {
  /** What the token is for, so one kind can never be used as another. */
  purpose: string;
  /** Expiry, unix seconds. */
  exp: number;
  [claim: string]: unknown;
}

function signature(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

/** Sign claims into a token. */
export function signToken(secret: string, claims: SignedClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${signature(secret, body)}`;
}

/** The claims of a valid, unexpired token for `purpose`, or null. */
export function verifyToken(secret: string, token: string, purpose: string, now: Date): SignedClaims | null {
  const [body, given, extra] = token.split('.');
  if (!body || !given || extra !== undefined) return null;
  const expected = signature(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignedClaims;
    if (claims.purpose !== purpose || typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) return null;
    return claims;
  } catch {
    return null;
  }
}

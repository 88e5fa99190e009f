/** Minting and hashing of bearer tokens. Only hashes are stored; a secret is shown once. */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIXES = {
  secretKey: 'flowyte_sk_',
  session: 'flowyte_sess_',
  publishableKey: 'flowyte_pk_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIXES;

/** A fresh random token of the given kind (192 bits of entropy). */
export function mintToken(kind: TokenKind): string {
  return TOKEN_PREFIXES[kind] + randomBytes(24).toString('base64url');
}

/**
 * SHA-256 of the whole token. Tokens are looked up by this hash: because an attacker cannot
 * steer the hash, the index lookup reveals nothing about the secret (no timing oracle).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Which kind a presented token claims to be, by its prefix. */
export function tokenKind(token: string): TokenKind | null {
  for (const [kind, prefix] of Object.entries(TOKEN_PREFIXES) as [TokenKind, string][]) {
    if (token.startsWith(prefix)) return kind;
  }
  return null;
}

/** What the secret-key and session tools share: a credential's status and the revoke answer. */
import { z } from 'zod';

/** active until `expiresAt` (null: never expires), expired from then on. */
export function credentialStatus(expiresAt: string | null, now: Date): 'active' | 'expired' {
  return expiresAt !== null && expiresAt <= now.toISOString() ? 'expired' : 'active';
}

/** Output of a tool that revokes one credential. */
export function revokedOutput(kind: string) {
  return z.object({
    id: z.string().describe(`The revoked ${kind}.`),
    revoked: z.literal(true).describe('Always true.'),
    revokedAt: z.string().describe('When it stopped working.'),
  });
}

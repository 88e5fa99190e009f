/** Shopify App Store installs waiting to be claimed by an org: the token sealed, the claim secret hashed, each used once. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { open, seal } from '../runtime/integrations/crypto.ts';

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest();
const associated = (shop: string) => `shopify_install:${shop}`;

/** What a claim came to: the shop's token, or why there is none. */
export type ClaimOutcome = { status: 'claimed'; accessToken: string } | { status: 'not_found' } | { status: 'mismatch' };

export class ShopifyInstallStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    /** Seals and opens tokens; never leaves this class. */
    private readonly key: Buffer,
  ) {}

  /** Keep (or replace: the shop installed again) a pending install until `expiresAt`. */
  record(shop: string, accessToken: string, claimSecret: string, expiresAt: string): void {
    this.db
      .prepare(
        `INSERT INTO shopify_installs (shop, access_token, claim_secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (shop) DO UPDATE SET access_token = excluded.access_token, claim_secret_hash = excluded.claim_secret_hash,
           created_at = excluded.created_at, expires_at = excluded.expires_at`,
      )
      .run(shop, seal(this.key, associated(shop), accessToken), hashSecret(claimSecret).toString('hex'), this.now().toISOString(), expiresAt);
  }

  /** Take the shop's pending install if the secret matches (compared in constant time); a claimed install is gone. */
  claim(shop: string, claimSecret: string): ClaimOutcome {
    return writeTransaction(this.db, () => {
      const row = this.db
        .prepare('SELECT access_token AS sealed, claim_secret_hash AS hash FROM shopify_installs WHERE shop = ? AND expires_at > ?')
        .get(shop, this.now().toISOString()) as { sealed: Buffer; hash: string } | undefined;
      if (!row) return { status: 'not_found' } as const;
      if (!timingSafeEqual(hashSecret(claimSecret), Buffer.from(row.hash, 'hex'))) return { status: 'mismatch' } as const;
      this.db.prepare('DELETE FROM shopify_installs WHERE shop = ?').run(shop);
      return { status: 'claimed', accessToken: open<string>(this.key, associated(shop), row.sealed) } as const;
    });
  }
}

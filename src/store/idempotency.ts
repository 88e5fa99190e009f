/** Idempotency-Key records: the first request with a key stores its response; retries replay it. */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';

export type ClaimResult =
  | { state: 'claimed' }
  | { state: 'replay'; response: unknown }
  | { state: 'in_progress' }
  | { state: 'mismatch' };

/** A key is remembered this long; after that the same key starts a new request. */
const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export class IdempotencyStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Claim `key` for a request, or report what an earlier request with the same key did. */
  claim(orgId: string, key: string, tool: string, requestHash: string): ClaimResult {
    return writeTransaction(this.db, () => {
      const expired = new Date(this.now().getTime() - KEY_LIFETIME_MS).toISOString();
      this.db.prepare('DELETE FROM idempotency_keys WHERE org_id = ? AND key = ? AND created_at < ?').run(orgId, key, expired);
      const row = this.db
        .prepare('SELECT tool, request_hash, state, response FROM idempotency_keys WHERE org_id = ? AND key = ?')
        .get(orgId, key) as { tool: string; request_hash: string; state: string; response: string | null } | undefined;
      if (!row) {
        this.db
          .prepare(
            `INSERT INTO idempotency_keys (org_id, key, tool, request_hash, state, created_at)
             VALUES (?, ?, ?, ?, 'pending', ?)`,
          )
          .run(orgId, key, tool, requestHash, this.now().toISOString());
        return { state: 'claimed' };
      }
      if (row.tool !== tool || row.request_hash !== requestHash) return { state: 'mismatch' };
      if (row.state === 'pending') return { state: 'in_progress' };
      return { state: 'replay', response: JSON.parse(row.response ?? 'null') };
    });
  }

  complete(orgId: string, key: string, response: unknown): void {
    this.db
      .prepare("UPDATE idempotency_keys SET state = 'done', response = ? WHERE org_id = ? AND key = ?")
      .run(JSON.stringify(response), orgId, key);
  }

  /** Forget a claim whose request failed, so that a retry can run it again. */
  release(orgId: string, key: string): void {
    this.db.prepare("DELETE FROM idempotency_keys WHERE org_id = ? AND key = ? AND state = 'pending'").run(orgId, key);
  }
}

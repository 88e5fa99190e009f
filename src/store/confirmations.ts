/** Two-step confirmations for destructive calls from clients that cannot be asked interactively. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';

export class ConfirmationStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Remember that `actorId` was shown what `tool` will do with these exact arguments. */
  create(orgId: string, actorId: string, tool: string, argumentsHash: string, ttlSeconds: number): { id: string; expiresAt: string } {
    this.db.prepare('DELETE FROM confirmations WHERE expires_at <= ?').run(this.now().toISOString());
    const id = newId('confirmation');
    const expiresAt = new Date(this.now().getTime() + ttlSeconds * 1000).toISOString();
    this.db
      .prepare('INSERT INTO confirmations (id, org_id, actor_id, tool, arguments_hash, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, orgId, actorId, tool, argumentsHash, expiresAt);
    return { id, expiresAt };
  }

  /** Use up a confirmation; true only if it matches exactly and has not expired or been used. */
  consume(orgId: string, actorId: string, id: string, tool: string, argumentsHash: string): boolean {
    const result = this.db
      .prepare(
        `DELETE FROM confirmations WHERE id = ? AND org_id = ? AND actor_id = ? AND tool = ? AND arguments_hash = ?
         AND expires_at > ?`,
      )
      .run(id, orgId, actorId, tool, argumentsHash, this.now().toISOString());
    return result.changes === 1;
  }
}

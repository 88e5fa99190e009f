/** Domain events (e.g. knowledge.source.indexed), kept for webhook delivery. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';

export interface EventRecord {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export class EventStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  record(orgId: string, type: string, payload: Record<string, unknown>): void {
    this.db
      .prepare('INSERT INTO events (id, org_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(newId('event'), orgId, type, JSON.stringify(payload), this.now().toISOString());
  }

  /** The org's events, oldest first. */
  list(orgId: string): EventRecord[] {
    const rows = this.db
      .prepare('SELECT id, type, payload, created_at AS createdAt FROM events WHERE org_id = ? ORDER BY id')
      .all(orgId) as (Omit<EventRecord, 'payload'> & { payload: string })[];
    return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
  }
}

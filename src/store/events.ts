/** Domain events (e.g. knowledge.source.indexed), kept for webhook delivery. */
import { writeTransaction, type Db } from './db.ts';
import { newId } from '../ids.ts';

export interface EventRecord {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export class EventStore {
  private readonly listeners: ((orgId: string, event: EventRecord) => void)[] = [];

  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Run `listener` inside the write of every recorded event (webhook fan-out queues its deliveries there). */
  onRecord(listener: (orgId: string, event: EventRecord) => void): void {
    this.listeners.push(listener);
  }

  record(orgId: string, type: string, payload: Record<string, unknown>): void {
    const event: EventRecord = { id: newId('event'), type, payload, createdAt: this.now().toISOString() };
    writeTransaction(this.db, () => {
      this.db
        .prepare('INSERT INTO events (id, org_id, type, payload, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(event.id, orgId, type, JSON.stringify(payload), event.createdAt);
      for (const listener of this.listeners) listener(orgId, event);
    });
  }

  /** The org's events, oldest first. */
  list(orgId: string): EventRecord[] {
    const rows = this.db
      .prepare('SELECT id, type, payload, created_at AS createdAt FROM events WHERE org_id = ? ORDER BY id')
      .all(orgId) as (Omit<EventRecord, 'payload'> & { payload: string })[];
    return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }));
  }
}

/** Usage the runtime metered (one row per billable unit), for billing to price. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import type { Channel } from './conversations.ts';

export interface UsageItem {
  orgId: string;
  agentId: string;
  conversationId: string | null;
  channel: Channel;
  /** What was used: `message` for a chat reply, later voice minutes, transfers, numbers. */
  kind: string;
  quantity: number;
}

export interface UsageRecord extends UsageItem {
  id: string;
  createdAt: string;
}

export class UsageStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** The one billing hook: the runtime reports usage here and nowhere else. */
  record(item: UsageItem): void {
    this.db
      .prepare('INSERT INTO usage_events (id, org_id, agent_id, conversation_id, channel, kind, quantity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(newId('usage'), item.orgId, item.agentId, item.conversationId, item.channel, item.kind, item.quantity, this.now().toISOString());
  }

  /** The org's usage, oldest first. */
  list(orgId: string): UsageRecord[] {
    return this.db
      .prepare(
        `SELECT id, org_id AS orgId, agent_id AS agentId, conversation_id AS conversationId, channel, kind, quantity, created_at AS createdAt
         FROM usage_events WHERE org_id = ? ORDER BY id`,
      )
      .all(orgId) as UsageRecord[];
  }
}

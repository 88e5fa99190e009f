/** Conversations of every channel: the row, its transcript (messages) and its receipt (events). */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

export type Channel = 'chat' | 'voice';
/** Where a conversation came from, finer than its channel. */
export type Surface = 'session' | 'widget' | 'completions' | 'simulate' | 'talk' | 'probe' | 'phone';
export type MessageRole = 'user' | 'assistant';

export interface ConversationRecord {
  id: string;
  orgId: string;
  agentId: string;
  /** The published version served; null when a draft is being tested. */
  versionId: string | null;
  draft: boolean;
  channel: Channel;
  surface: Surface;
  status: 'active' | 'ended';
  outcome: string | null;
  visitorId: string | null;
  publishableKeyId: string | null;
  endUser: string | null;
  messageCount: number;
  eventCount: number;
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  /** Settled when it ends (observe): a one-line summary, a sentiment label, the length in seconds. */
  summary: string | null;
  sentiment: string | null;
  durationSeconds: number | null;
}

export interface MessageRecord {
  id: string;
  role: MessageRole;
  content: string;
  createdAt: string;
}

/** One step of a conversation, as streamed live and kept as the receipt. */
export interface ReceiptEvent {
  type: string;
  at: string;
  data: Record<string, unknown>;
}

export interface StoredEvent extends ReceiptEvent {
  seq: number;
}

export type NewConversation = Pick<ConversationRecord, 'orgId' | 'agentId' | 'versionId' | 'draft' | 'channel' | 'surface'> &
  Partial<Pick<ConversationRecord, 'visitorId' | 'publishableKeyId' | 'endUser'>>;

interface ConversationRow {
  id: string;
  org_id: string;
  agent_id: string;
  version_id: string | null;
  draft: number;
  channel: Channel;
  surface: Surface;
  status: 'active' | 'ended';
  outcome: string | null;
  visitor_id: string | null;
  publishable_key_id: string | null;
  end_user: string | null;
  message_count: number;
  event_count: number;
  started_at: string;
  last_activity_at: string;
  ended_at: string | null;
  summary: string | null;
  sentiment: string | null;
  duration_seconds: number | null;
}

function toRecord(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    versionId: row.version_id,
    draft: row.draft === 1,
    channel: row.channel,
    surface: row.surface,
    status: row.status,
    outcome: row.outcome,
    visitorId: row.visitor_id,
    publishableKeyId: row.publishable_key_id,
    endUser: row.end_user,
    messageCount: row.message_count,
    eventCount: row.event_count,
    startedAt: row.started_at,
    lastActivityAt: row.last_activity_at,
    endedAt: row.ended_at,
    summary: row.summary,
    sentiment: row.sentiment,
    durationSeconds: row.duration_seconds,
  };
}

/** Which conversations the history lists. Times are ISO strings; `startedBefore` is exclusive. */
export interface HistoryFilter {
  agentId?: string;
  channel?: Channel;
  outcome?: string;
  startedFrom?: string;
  startedBefore?: string;
  /** A safe FTS5 query over transcript and summary. */
  match?: string;
  /** Include test (draft) conversations. */
  includeTests: boolean;
}

/** What observe settles on an ended conversation, with the text it indexes. */
export interface Settlement {
  summary: string;
  sentiment: string;
  durationSeconds: number;
  transcript: string;
}

export class ConversationStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  create(conversation: NewConversation): ConversationRecord {
    const id = newId('conversation');
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO conversations (id, org_id, agent_id, version_id, draft, channel, surface, status, visitor_id,
           publishable_key_id, end_user, started_at, last_activity_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
      )
      .run(
        id, conversation.orgId, conversation.agentId, conversation.versionId, Number(conversation.draft), conversation.channel,
        conversation.surface, conversation.visitorId ?? null, conversation.publishableKeyId ?? null, conversation.endUser ?? null, at, at,
      );
    return this.find(conversation.orgId, id)!;
  }

  find(orgId: string, id: string): ConversationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM conversations WHERE org_id = ? AND id = ?').get(orgId, id) as ConversationRow | undefined;
    return row && toRecord(row);
  }

  /**
   * Keep one turn: its messages and receipt events, in one transaction, so a transcript never
   * holds a question without the events that answered it.
   */
  append(orgId: string, id: string, turn: { messages: { role: MessageRole; content: string; at: string }[]; events: ReceiptEvent[] }): MessageRecord[] {
    return writeTransaction(this.db, () => {
      const counts = this.db
        .prepare('SELECT message_count AS messages, event_count AS events FROM conversations WHERE org_id = ? AND id = ?')
        .get(orgId, id) as { messages: number; events: number } | undefined;
      if (!counts) return [];
      const insertMessage = this.db.prepare(
        'INSERT INTO conversation_messages (id, org_id, conversation_id, role, content, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const stored = turn.messages.map((message) => {
        const messageId = newId('message');
        insertMessage.run(messageId, orgId, id, message.role, message.content, message.at);
        return { id: messageId, role: message.role, content: message.content, createdAt: message.at };
      });
      const insertEvent = this.db.prepare('INSERT INTO conversation_events (conversation_id, seq, org_id, type, at, data) VALUES (?, ?, ?, ?, ?, ?)');
      turn.events.forEach((event, index) => insertEvent.run(id, counts.events + index + 1, orgId, event.type, event.at, JSON.stringify(event.data)));
      this.db
        .prepare('UPDATE conversations SET message_count = ?, event_count = ?, last_activity_at = ? WHERE id = ?')
        .run(counts.messages + stored.length, counts.events + turn.events.length, this.now().toISOString(), id);
      return stored;
    });
  }

  /** End the conversation; false when it had already ended. */
  end(orgId: string, id: string, outcome: string): boolean {
    const at = this.now().toISOString();
    return (
      this.db
        .prepare(`UPDATE conversations SET status = 'ended', outcome = ?, ended_at = ?, last_activity_at = ? WHERE org_id = ? AND id = ? AND status = 'active'`)
        .run(outcome, at, at, orgId, id).changes === 1
    );
  }

  /** Active conversations whose last activity is older than `before` (ISO time), any org. */
  idleSince(before: string, limit: number): ConversationRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM conversations WHERE status = 'active' AND last_activity_at < ? ORDER BY last_activity_at LIMIT ?`)
      .all(before, limit) as ConversationRow[];
    return rows.map(toRecord);
  }

  /** A page of the transcript, oldest first, after the message id `after`. */
  messages(orgId: string, id: string, page: { after?: string; limit: number }): { items: MessageRecord[]; hasMore: boolean } {
    const rows = this.db
      .prepare(
        `SELECT id, role, content, created_at AS createdAt FROM conversation_messages
         WHERE org_id = ? AND conversation_id = ? AND id > ? ORDER BY id LIMIT ?`,
      )
      .all(orgId, id, page.after ?? '', page.limit + 1) as MessageRecord[];
    return { items: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
  }

  /** The last `limit` messages, oldest first: the history a model sees. */
  recentMessages(orgId: string, id: string, limit: number): MessageRecord[] {
    const rows = this.db
      .prepare(
        `SELECT id, role, content, created_at AS createdAt FROM conversation_messages
         WHERE org_id = ? AND conversation_id = ? ORDER BY id DESC LIMIT ?`,
      )
      .all(orgId, id, limit) as MessageRecord[];
    return rows.reverse();
  }

  /** The receipt: every event, in order. */
  events(orgId: string, id: string): StoredEvent[] {
    const rows = this.db
      .prepare('SELECT seq, type, at, data FROM conversation_events WHERE org_id = ? AND conversation_id = ? ORDER BY seq')
      .all(orgId, id) as { seq: number; type: string; at: string; data: string }[];
    return rows.map((row) => ({ seq: row.seq, type: row.type, at: row.at, data: JSON.parse(row.data) as Record<string, unknown> }));
  }

  /** Keep what observe settled on an ended conversation, and (re)index its text for search. */
  settle(orgId: string, id: string, settled: Settlement): void {
    writeTransaction(this.db, () => {
      this.db
        .prepare('UPDATE conversations SET summary = ?, sentiment = ?, duration_seconds = ? WHERE org_id = ? AND id = ?')
        .run(settled.summary, settled.sentiment, settled.durationSeconds, orgId, id);
      this.db.prepare('DELETE FROM conversation_fts WHERE conversation_id = ?').run(id);
      this.db
        .prepare('INSERT INTO conversation_fts (transcript, summary, conversation_id, org_id) VALUES (?, ?, ?, ?)')
        .run(settled.transcript, settled.summary, id, orgId);
    });
  }

  /** Replace the summary (a model's, after the extractive one), in the row and the index. */
  resummarize(orgId: string, id: string, summary: string): void {
    writeTransaction(this.db, () => {
      this.db.prepare('UPDATE conversations SET summary = ? WHERE org_id = ? AND id = ?').run(summary, orgId, id);
      this.db.prepare('UPDATE conversation_fts SET summary = ? WHERE conversation_id = ? AND org_id = ?').run(summary, id, orgId);
    });
  }

  /** A page of conversations, newest first. */
  history(orgId: string, filter: HistoryFilter, page: PageRequest): Page<ConversationRecord> {
    const where = ['org_id = ?'];
    const params: unknown[] = [orgId];
    const add = (condition: string, ...values: unknown[]) => {
      where.push(condition);
      params.push(...values);
    };
    if (!filter.includeTests) add('draft = 0');
    if (filter.agentId) add('agent_id = ?', filter.agentId);
    if (filter.channel) add('channel = ?', filter.channel);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.startedFrom) add('started_at >= ?', filter.startedFrom);
    if (filter.startedBefore) add('started_at < ?', filter.startedBefore);
    if (filter.match) add('id IN (SELECT conversation_id FROM conversation_fts WHERE conversation_fts MATCH ? AND org_id = ?)', filter.match, orgId);
    const { sql, params: pageParams } = pageClause(page);
    const rows = this.db.prepare(`SELECT * FROM conversations WHERE ${where.join(' AND ')} ${sql}`).all(...params, ...pageParams) as ConversationRow[];
    return toPage(rows.map(toRecord), page.limit);
  }

  /**
   * Receipt events of the given types from an agent's live (non-draft) conversations active
   * within [from, to] (ISO times), at or after `from`, in order within each conversation.
   */
  liveEvents(orgId: string, agentId: string, window: { from: string; to: string }, types: readonly string[]): (StoredEvent & { conversationId: string })[] {
    const rows = this.db
      .prepare(
        `SELECT e.conversation_id AS conversationId, e.seq, e.type, e.at, e.data FROM conversations c
         JOIN conversation_events e ON e.conversation_id = c.id
         WHERE c.org_id = ? AND c.agent_id = ? AND c.draft = 0 AND c.last_activity_at >= ? AND c.started_at <= ? AND e.at >= ?
           AND e.type IN (${types.map(() => '?').join(', ')})
         ORDER BY e.conversation_id, e.seq`,
      )
      .all(orgId, agentId, window.from, window.to, window.from, ...types) as { conversationId: string; seq: number; type: string; at: string; data: string }[];
    return rows.map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> }));
  }
}

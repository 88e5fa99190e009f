/** Copilot threads, their messages, and the destructive calls paused for confirmation. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { toPage, type Page, type PageRequest } from './page.ts';

export interface AssistThread {
  id: string;
  orgId: string;
  agentId: string | null;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface AssistMessage {
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export type ActionStatus = 'pending' | 'done' | 'failed' | 'rejected';

export interface AssistAction {
  id: string;
  orgId: string;
  threadId: string;
  tool: string;
  input: Record<string, unknown>;
  summary: string;
  status: ActionStatus;
  result: unknown;
  createdAt: string;
  decidedAt: string | null;
}

const THREAD_COLUMNS = 'id, org_id AS orgId, agent_id AS agentId, title, created_at AS createdAt, updated_at AS updatedAt';
const ACTION_COLUMNS = 'id, org_id AS orgId, thread_id AS threadId, tool, input, summary, status, result, created_at AS createdAt, decided_at AS decidedAt';

type ActionRow = Omit<AssistAction, 'input' | 'result'> & { input: string; result: string | null };
const toAction = (row: ActionRow): AssistAction => ({ ...row, input: JSON.parse(row.input) as Record<string, unknown>, result: row.result === null ? null : JSON.parse(row.result) });

export class AssistStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  createThread(orgId: string, agentId: string | null, title: string): AssistThread {
    const id = newId('assistThread');
    const at = this.now().toISOString();
    this.db.prepare('INSERT INTO assist_threads (id, org_id, agent_id, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, orgId, agentId, title.slice(0, 120), at, at);
    return this.thread(orgId, id)!;
  }

  thread(orgId: string, id: string): AssistThread | undefined {
    return this.db.prepare(`SELECT ${THREAD_COLUMNS} FROM assist_threads WHERE org_id = ? AND id = ?`).get(orgId, id) as AssistThread | undefined;
  }

  /**
   * Threads most recently active first; optionally one agent's. Each row's `id` is its page
   * position (`updatedAt|threadId`), since activity, not creation, orders them.
   */
  threads(orgId: string, agentId: string | undefined, page: PageRequest): Page<{ id: string; thread: AssistThread }> {
    const [beforeAt, beforeId] = page.before ? page.before.split('|') : [];
    const rows = this.db
      .prepare(
        `SELECT ${THREAD_COLUMNS} FROM assist_threads WHERE org_id = ? ${agentId ? 'AND agent_id = ?' : ''}
         ${page.before ? 'AND (updated_at, id) < (?, ?)' : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`,
      )
      .all(orgId, ...(agentId ? [agentId] : []), ...(page.before ? [beforeAt, beforeId] : []), page.limit + 1) as AssistThread[];
    return toPage(rows.map((thread) => ({ id: `${thread.updatedAt}|${thread.id}`, thread })), page.limit);
  }

  addMessage(threadId: string, role: AssistMessage['role'], content: string, data: Record<string, unknown>): void {
    const at = this.now().toISOString();
    const { next } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM assist_messages WHERE thread_id = ?').get(threadId) as { next: number };
    this.db.prepare('INSERT INTO assist_messages (thread_id, seq, role, content, data, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(threadId, next, role, content, JSON.stringify(data), at);
    this.db.prepare('UPDATE assist_threads SET updated_at = ? WHERE id = ?').run(at, threadId);
  }

  messages(threadId: string): AssistMessage[] {
    const rows = this.db.prepare('SELECT seq, role, content, data, created_at AS createdAt FROM assist_messages WHERE thread_id = ? ORDER BY seq').all(threadId) as (Omit<AssistMessage, 'data'> & {
      data: string;
    })[];
    return rows.map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> }));
  }

  pause(orgId: string, threadId: string, tool: string, input: Record<string, unknown>, summary: string): AssistAction {
    const id = newId('assistAction');
    this.db
      .prepare("INSERT INTO assist_actions (id, org_id, thread_id, tool, input, summary, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)")
      .run(id, orgId, threadId, tool, JSON.stringify(input), summary, this.now().toISOString());
    return this.action(orgId, id)!;
  }

  action(orgId: string, id: string): AssistAction | undefined {
    const row = this.db.prepare(`SELECT ${ACTION_COLUMNS} FROM assist_actions WHERE org_id = ? AND id = ?`).get(orgId, id) as ActionRow | undefined;
    return row && toAction(row);
  }

  actions(threadId: string): AssistAction[] {
    return (this.db.prepare(`SELECT ${ACTION_COLUMNS} FROM assist_actions WHERE thread_id = ? ORDER BY id`).all(threadId) as ActionRow[]).map(toAction);
  }

  /** Move a pending action to its outcome; false when it was no longer pending (so it runs once). */
  claim(id: string): boolean {
    return this.db.prepare("UPDATE assist_actions SET status = 'running' WHERE id = ? AND status = 'pending'").run(id).changes === 1;
  }

  decide(id: string, status: Exclude<ActionStatus, 'pending'>, result: unknown): void {
    this.db.prepare('UPDATE assist_actions SET status = ?, result = ?, decided_at = ? WHERE id = ?').run(status, JSON.stringify(result ?? null), this.now().toISOString(), id);
  }
}

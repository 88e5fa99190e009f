/** Agents and their published versions. Every query is filtered by org. */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';
import type { AgentDraft } from '../runtime/agent-schema.ts';
import type { CompiledConfig } from '../runtime/compile.ts';

export interface AgentRecord {
  id: string;
  orgId: string;
  draft: AgentDraft;
  version: number;
  publishedVersionId: string | null;
  publishedVersionNumber: number | null;
  /** The draft version the live version was compiled from. */
  publishedDraftVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface AgentVersionRecord {
  id: string;
  agentId: string;
  number: number;
  note: string | null;
  publishedBy: string;
  draftVersion: number;
  config: CompiledConfig;
  createdAt: string;
}

export type DraftUpdate =
  | { status: 'updated'; agent: AgentRecord }
  | { status: 'not_found' }
  | { status: 'conflict'; current: AgentRecord };

export type PublishResult =
  | { status: 'published'; version: AgentVersionRecord }
  | { status: 'not_found' }
  | { status: 'conflict'; current: AgentRecord };

interface AgentRow {
  id: string;
  org_id: string;
  draft: string;
  version: number;
  published_version_id: string | null;
  published_number: number | null;
  published_draft_version: number | null;
  created_at: string;
  updated_at: string;
}

interface VersionRow {
  id: string;
  agent_id: string;
  number: number;
  note: string | null;
  published_by: string;
  draft_version: number;
  config: string;
  created_at: string;
}

const AGENT_SELECT = `SELECT a.id, a.org_id, a.draft, a.version, a.published_version_id, a.created_at, a.updated_at,
  v.number AS published_number, v.draft_version AS published_draft_version
  FROM agents a LEFT JOIN agent_versions v ON v.id = a.published_version_id`;
const VERSION_COLUMNS = 'id, agent_id, number, note, published_by, draft_version, config, created_at';

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    draft: JSON.parse(row.draft) as AgentDraft,
    version: row.version,
    publishedVersionId: row.published_version_id,
    publishedVersionNumber: row.published_number,
    publishedDraftVersion: row.published_draft_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toVersion(row: VersionRow): AgentVersionRecord {
  return {
    id: row.id,
    agentId: row.agent_id,
    number: row.number,
    note: row.note,
    publishedBy: row.published_by,
    draftVersion: row.draft_version,
    config: JSON.parse(row.config) as CompiledConfig,
    createdAt: row.created_at,
  };
}

export interface AgentFilter {
  status?: 'draft' | 'published';
  nameContains?: string;
  /** An id starting with it, or a name containing it (MCP argument completion). */
  idOrName?: string;
}

/** A LIKE pattern's literal text. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export class AgentStore {
  private readonly findStatement;

  constructor(private readonly db: Db, private readonly now: () => Date) {
    this.findStatement = db.prepare(`${AGENT_SELECT} WHERE a.org_id = ? AND a.id = ? AND a.deleted_at IS NULL`);
  }

  create(orgId: string, draft: AgentDraft): AgentRecord {
    const id = newId('agent');
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO agents (id, org_id, name, draft, version, published_version_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, NULL, ?, ?)`,
      )
      .run(id, orgId, draft.name, JSON.stringify(draft), at, at);
    return this.find(orgId, id) as AgentRecord;
  }

  find(orgId: string, id: string): AgentRecord | undefined {
    const row = this.findStatement.get(orgId, id) as AgentRow | undefined;
    return row && toAgent(row);
  }

  list(orgId: string, filter: AgentFilter, page: PageRequest): Page<AgentRecord> {
    const where = ['a.org_id = ?', 'a.deleted_at IS NULL'];
    const params: unknown[] = [orgId];
    if (filter.status === 'draft') where.push('a.published_version_id IS NULL');
    if (filter.status === 'published') where.push('a.published_version_id IS NOT NULL');
    if (filter.nameContains) {
      where.push("a.name LIKE ? ESCAPE '\\' COLLATE NOCASE");
      params.push(`%${likeLiteral(filter.nameContains)}%`);
    }
    if (filter.idOrName) {
      where.push("(a.id LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\' COLLATE NOCASE)");
      params.push(`${likeLiteral(filter.idOrName)}%`, `%${likeLiteral(filter.idOrName)}%`);
    }
    const clause = pageClause(page, 'a.id');
    const rows = this.db
      .prepare(`${AGENT_SELECT} WHERE ${where.join(' AND ')} ${clause.sql}`)
      .all(...params, ...clause.params) as AgentRow[];
    return toPage(rows.map(toAgent), page.limit);
  }

  /** Every live (published, not deleted) agent of the org, oldest first, unpaged (OpenAI's model list has no pages). */
  listPublished(orgId: string): AgentRecord[] {
    const rows = this.db
      .prepare(`${AGENT_SELECT} WHERE a.org_id = ? AND a.deleted_at IS NULL AND a.published_version_id IS NOT NULL ORDER BY a.id`)
      .all(orgId) as AgentRow[];
    return rows.map(toAgent);
  }

  /**
   * Read-modify-write the draft atomically. With `expectedVersion`, a draft that has moved on is a
   * conflict and nothing is written.
   */
  updateDraft(orgId: string, id: string, expectedVersion: number | undefined, change: (draft: AgentDraft) => AgentDraft): DraftUpdate {
    return writeTransaction(this.db, () => {
      const current = this.find(orgId, id);
      if (!current) return { status: 'not_found' } as const;
      if (expectedVersion !== undefined && expectedVersion !== current.version) return { status: 'conflict', current } as const;
      const draft = change(current.draft);
      this.db
        .prepare('UPDATE agents SET draft = ?, name = ?, version = version + 1, updated_at = ? WHERE id = ?')
        .run(JSON.stringify(draft), draft.name, this.now().toISOString(), id);
      return { status: 'updated', agent: this.find(orgId, id) as AgentRecord } as const;
    });
  }

  softDelete(orgId: string, id: string): boolean {
    const result = this.db
      .prepare('UPDATE agents SET deleted_at = ? WHERE org_id = ? AND id = ? AND deleted_at IS NULL')
      .run(this.now().toISOString(), orgId, id);
    return result.changes === 1;
  }

  /**
   * Compile and store a new numbered version from the draft at `expectedVersion` (or the current
   * draft), and point the agent at it, in one write transaction.
   */
  publish(
    orgId: string,
    agentId: string,
    expectedVersion: number | undefined,
    build: (agent: AgentRecord) => { note: string | null; publishedBy: string; config: CompiledConfig },
    /** Runs inside the publishing write, with the new version. */
    published?: (version: AgentVersionRecord) => void,
  ): PublishResult {
    return writeTransaction(this.db, () => {
      const current = this.find(orgId, agentId);
      if (!current) return { status: 'not_found' } as const;
      if (expectedVersion !== undefined && expectedVersion !== current.version) return { status: 'conflict', current } as const;
      const built = build(current);
      const number =
        ((this.db.prepare('SELECT MAX(number) FROM agent_versions WHERE agent_id = ?').pluck().get(agentId) as number | null) ?? 0) + 1;
      const version: AgentVersionRecord = {
        id: newId('agentVersion'),
        agentId,
        number,
        note: built.note,
        publishedBy: built.publishedBy,
        draftVersion: current.version,
        config: built.config,
        createdAt: this.now().toISOString(),
      };
      this.db
        .prepare(
          `INSERT INTO agent_versions (id, org_id, agent_id, number, note, published_by, draft_version, config, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(version.id, orgId, agentId, number, version.note, version.publishedBy, version.draftVersion, JSON.stringify(version.config), version.createdAt);
      this.db.prepare('UPDATE agents SET published_version_id = ?, updated_at = ? WHERE id = ?').run(version.id, version.createdAt, agentId);
      published?.(version);
      return { status: 'published', version } as const;
    });
  }

  /** Point the live agent at an earlier version of its own. */
  repoint(orgId: string, agentId: string, versionId: string): void {
    this.db
      .prepare('UPDATE agents SET published_version_id = ?, updated_at = ? WHERE org_id = ? AND id = ?')
      .run(versionId, this.now().toISOString(), orgId, agentId);
  }

  findVersion(orgId: string, agentId: string, versionId: string): AgentVersionRecord | undefined {
    const row = this.db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM agent_versions WHERE org_id = ? AND agent_id = ? AND id = ?`)
      .get(orgId, agentId, versionId) as VersionRow | undefined;
    return row && toVersion(row);
  }

  listVersions(orgId: string, agentId: string, page: PageRequest): Page<AgentVersionRecord> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${VERSION_COLUMNS} FROM agent_versions WHERE org_id = ? AND agent_id = ? ${clause.sql}`)
      .all(orgId, agentId, ...clause.params) as VersionRow[];
    return toPage(rows.map(toVersion), page.limit);
  }
}

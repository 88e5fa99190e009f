/** Knowledge gaps of an agent: one row per deduplicated unanswered question, with its curation status. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';

export const GAP_STATUSES = ['open', 'in_progress', 'dismissed', 'covered'] as const;
export type GapStatus = (typeof GAP_STATUSES)[number];
export const GAP_CLASSIFICATIONS = ['missing_knowledge', 'out_of_scope'] as const;
export type GapClassification = (typeof GAP_CLASSIFICATIONS)[number];

/** What a recount of the receipts found about a gap. */
export interface GapFindings {
  classification: GapClassification;
  occurrences: number;
  lastAskedAt: string;
  rankScore: number;
  sampleConversationIds: string[];
}

export interface KnowledgeGapRecord extends GapFindings {
  id: string;
  agentId: string;
  question: string;
  status: GapStatus;
  createdAt: string;
  updatedAt: string;
}

interface GapRow {
  id: string;
  agent_id: string;
  question: string;
  status: GapStatus;
  classification: GapClassification;
  occurrences: number;
  last_asked_at: string;
  rank_score: number;
  sample_conversation_ids: string;
  created_at: string;
  updated_at: string;
}

function toRecord(row: GapRow): KnowledgeGapRecord {
  return {
    id: row.id,
    agentId: row.agent_id,
    question: row.question,
    status: row.status,
    classification: row.classification,
    occurrences: row.occurrences,
    lastAskedAt: row.last_asked_at,
    rankScore: row.rank_score,
    sampleConversationIds: JSON.parse(row.sample_conversation_ids) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const sameFindings = (gap: KnowledgeGapRecord, findings: GapFindings & { status: GapStatus }) =>
  gap.status === findings.status &&
  gap.classification === findings.classification &&
  gap.occurrences === findings.occurrences &&
  gap.lastAskedAt === findings.lastAskedAt &&
  gap.rankScore === findings.rankScore &&
  gap.sampleConversationIds.join() === findings.sampleConversationIds.join();

export class KnowledgeGapStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Every gap of the agent, oldest first. */
  list(orgId: string, agentId: string): KnowledgeGapRecord[] {
    const rows = this.db.prepare('SELECT * FROM knowledge_gaps WHERE org_id = ? AND agent_id = ? ORDER BY id').all(orgId, agentId) as GapRow[];
    return rows.map(toRecord);
  }

  find(orgId: string, agentId: string, id: string): KnowledgeGapRecord | undefined {
    const row = this.db.prepare('SELECT * FROM knowledge_gaps WHERE org_id = ? AND agent_id = ? AND id = ?').get(orgId, agentId, id) as GapRow | undefined;
    return row && toRecord(row);
  }

  /**
   * Start an open gap for a question, or return the one its key already started (two listings
   * running at once find the same new question).
   */
  create(orgId: string, agentId: string, question: { text: string; key: string }, findings: GapFindings): KnowledgeGapRecord {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO knowledge_gaps (id, org_id, agent_id, question_key, question, status, classification, occurrences, last_asked_at,
           rank_score, sample_conversation_ids, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (org_id, agent_id, question_key) DO NOTHING`,
      )
      .run(
        newId('knowledgeGap'), orgId, agentId, question.key, question.text, findings.classification, findings.occurrences, findings.lastAskedAt,
        findings.rankScore, JSON.stringify(findings.sampleConversationIds), at, at,
      );
    const row = this.db.prepare('SELECT * FROM knowledge_gaps WHERE org_id = ? AND agent_id = ? AND question_key = ?').get(orgId, agentId, question.key) as GapRow;
    return toRecord(row);
  }

  /** Keep what a recount found (and the status it implies); writes only when something changed. */
  record(orgId: string, gap: KnowledgeGapRecord, findings: GapFindings & { status: GapStatus }): KnowledgeGapRecord {
    if (sameFindings(gap, findings)) return gap;
    const at = this.now().toISOString();
    this.db
      .prepare(
        `UPDATE knowledge_gaps SET status = ?, classification = ?, occurrences = ?, last_asked_at = ?, rank_score = ?, sample_conversation_ids = ?,
           updated_at = ? WHERE org_id = ? AND id = ?`,
      )
      .run(
        findings.status, findings.classification, findings.occurrences, findings.lastAskedAt, findings.rankScore,
        JSON.stringify(findings.sampleConversationIds), at, orgId, gap.id,
      );
    return { ...gap, ...findings, updatedAt: at };
  }

  /** Set a gap's status by hand; undefined when the agent has no such gap. */
  setStatus(orgId: string, agentId: string, id: string, status: GapStatus): KnowledgeGapRecord | undefined {
    this.db
      .prepare('UPDATE knowledge_gaps SET status = ?, updated_at = ? WHERE org_id = ? AND agent_id = ? AND id = ?')
      .run(status, this.now().toISOString(), orgId, agentId, id);
    return this.find(orgId, agentId, id);
  }
}

/** Playbooks of agents (with their step graphs), and the annotations on an agent's variables. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import { AgentRows } from './agent-rows.ts';
import type { PlaybookGraph } from '../runtime/playbooks/graph.ts';

export interface PlaybookFields {
  name: string;
  description: string;
  inputSchema: Record<string, unknown> | null;
  outputSchema: Record<string, unknown> | null;
  enabled: boolean;
}

export interface PlaybookRecord extends PlaybookFields {
  id: string;
  orgId: string;
  agentId: string;
  /** The step graph; null until its steps are first saved (every saved graph passed validateGraph). */
  graph: PlaybookGraph | null;
  createdAt: string;
  updatedAt: string;
}

interface PlaybookRow {
  id: string;
  org_id: string;
  agent_id: string;
  name: string;
  description: string;
  input_schema: string | null;
  output_schema: string | null;
  enabled: number;
  graph: string | null;
  created_at: string;
  updated_at: string;
}

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));
const serialized = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

function toRecord(row: PlaybookRow): PlaybookRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    name: row.name,
    description: row.description,
    inputSchema: parsed(row.input_schema),
    outputSchema: parsed(row.output_schema),
    enabled: row.enabled === 1,
    graph: parsed(row.graph),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columns = (fields: PlaybookFields) => [
  fields.name, fields.description, serialized(fields.inputSchema), serialized(fields.outputSchema), Number(fields.enabled),
];

export class PlaybookStore extends AgentRows<PlaybookRow, PlaybookRecord> {
  readonly variables: VariableAnnotationStore;

  constructor(db: Db, private readonly now: () => Date) {
    super(db, 'playbooks', toRecord);
    this.variables = new VariableAnnotationStore(db, now);
  }

  create(orgId: string, agentId: string, fields: PlaybookFields): PlaybookRecord {
    const id = newId('playbook');
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO playbooks (name, description, input_schema, output_schema, enabled, id, org_id, agent_id, graph, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
      )
      .run(...columns(fields), id, orgId, agentId, at, at);
    return this.find(orgId, agentId, id)!;
  }

  update(orgId: string, agentId: string, id: string, fields: PlaybookFields): PlaybookRecord | undefined {
    const changed = this.db
      .prepare(
        `UPDATE playbooks SET name = ?, description = ?, input_schema = ?, output_schema = ?, enabled = ?, updated_at = ?
         WHERE org_id = ? AND agent_id = ? AND id = ?`,
      )
      .run(...columns(fields), this.now().toISOString(), orgId, agentId, id).changes;
    return changed ? this.find(orgId, agentId, id) : undefined;
  }

  /** Replace the step graph (the caller has validated it). */
  replaceGraph(orgId: string, agentId: string, id: string, graph: PlaybookGraph): PlaybookRecord | undefined {
    const changed = this.db
      .prepare('UPDATE playbooks SET graph = ?, updated_at = ? WHERE org_id = ? AND agent_id = ? AND id = ?')
      .run(JSON.stringify(graph), this.now().toISOString(), orgId, agentId, id).changes;
    return changed ? this.find(orgId, agentId, id) : undefined;
  }

}

export interface VariableAnnotation {
  name: string;
  note: string | null;
  typeHint: string | null;
  createdAt: string;
  updatedAt: string;
}

const ANNOTATION_SELECT = 'SELECT name, note, type_hint AS typeHint, created_at AS createdAt, updated_at AS updatedAt FROM variable_annotations';

/** Notes and type hints on an agent's variables, keyed by the case-sensitive name. */
export class VariableAnnotationStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** The agent's annotations, by name. */
  list(orgId: string, agentId: string): VariableAnnotation[] {
    return this.db.prepare(`${ANNOTATION_SELECT} WHERE org_id = ? AND agent_id = ? ORDER BY name`).all(orgId, agentId) as VariableAnnotation[];
  }

  find(orgId: string, agentId: string, name: string): VariableAnnotation | undefined {
    return this.db.prepare(`${ANNOTATION_SELECT} WHERE org_id = ? AND agent_id = ? AND name = ?`).get(orgId, agentId, name) as VariableAnnotation | undefined;
  }

  /** Create the annotation or replace its note and type hint. */
  save(orgId: string, agentId: string, name: string, fields: { note: string | null; typeHint: string | null }): VariableAnnotation {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO variable_annotations (org_id, agent_id, name, note, type_hint, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (org_id, agent_id, name) DO UPDATE SET note = excluded.note, type_hint = excluded.type_hint, updated_at = excluded.updated_at`,
      )
      .run(orgId, agentId, name, fields.note, fields.typeHint, at, at);
    return this.find(orgId, agentId, name)!;
  }

  delete(orgId: string, agentId: string, name: string): boolean {
    return this.db.prepare('DELETE FROM variable_annotations WHERE org_id = ? AND agent_id = ? AND name = ?').run(orgId, agentId, name).changes === 1;
  }
}

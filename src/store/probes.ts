/** Probe scenarios saved on agents, and probe runs with their results. Every query is filtered by org. */
import type { Db } from './db.ts';
import { newId } from '../ids.ts';
import type {
  GateLimits, GateResults, ProbeMode, ProbeScenario, ProbeStatus, ResolvedScenario, TurnResult,
} from '../runtime/probe/scenario.ts';

export interface SavedScenario {
  id: string;
  agentId: string;
  name: string;
  scenario: ProbeScenario;
  limits: GateLimits;
  createdAt: string;
  updatedAt: string;
}

export interface ProbeRunRecord {
  id: string;
  orgId: string;
  agentId: string;
  status: ProbeStatus;
  mode: ProbeMode;
  draft: boolean;
  scenario: ResolvedScenario;
  limits: GateLimits;
  versionId: string | null;
  conversationId: string | null;
  /** Turns answered so far, in order. */
  turns: TurnResult[];
  gates: GateResults | null;
  /** Why a run ended in `error`. */
  error: { code: string; detail: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface ScenarioRow {
  id: string;
  agent_id: string;
  name: string;
  scenario: string;
  gates: string;
  created_at: string;
  updated_at: string;
}

interface RunRow {
  id: string;
  org_id: string;
  agent_id: string;
  status: ProbeStatus;
  mode: ProbeMode;
  draft: number;
  scenario: string;
  gate_limits: string;
  version_id: string | null;
  conversation_id: string | null;
  turns: string;
  gates: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const parsedOrNull = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

const toScenario = (row: ScenarioRow): SavedScenario => ({
  id: row.id,
  agentId: row.agent_id,
  name: row.name,
  scenario: JSON.parse(row.scenario) as ProbeScenario,
  limits: JSON.parse(row.gates) as GateLimits,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toRun = (row: RunRow): ProbeRunRecord => ({
  id: row.id,
  orgId: row.org_id,
  agentId: row.agent_id,
  status: row.status,
  mode: row.mode,
  draft: row.draft === 1,
  scenario: JSON.parse(row.scenario) as ResolvedScenario,
  limits: JSON.parse(row.gate_limits) as GateLimits,
  versionId: row.version_id,
  conversationId: row.conversation_id,
  turns: JSON.parse(row.turns) as TurnResult[],
  gates: parsedOrNull<GateResults>(row.gates),
  error: parsedOrNull<{ code: string; detail: string }>(row.error),
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

export class ProbeStore {
  constructor(private readonly db: Db, private readonly now: () => Date) {}

  /** Save a scenario on an agent by its name, replacing one saved under the same name. */
  saveScenario(orgId: string, agentId: string, scenario: ProbeScenario, limits: GateLimits): SavedScenario {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO probe_scenarios (id, org_id, agent_id, name, scenario, gates, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (org_id, agent_id, name) DO UPDATE SET scenario = excluded.scenario, gates = excluded.gates, updated_at = excluded.updated_at`,
      )
      .run(newId('probeScenario'), orgId, agentId, scenario.name, JSON.stringify(scenario), JSON.stringify(limits), at, at);
    const row = this.db
      .prepare('SELECT * FROM probe_scenarios WHERE org_id = ? AND agent_id = ? AND name = ?')
      .get(orgId, agentId, scenario.name) as ScenarioRow;
    return toScenario(row);
  }

  /** Every scenario saved on the agent, oldest first. */
  scenarios(orgId: string, agentId: string): SavedScenario[] {
    const rows = this.db.prepare('SELECT * FROM probe_scenarios WHERE org_id = ? AND agent_id = ? ORDER BY id').all(orgId, agentId) as ScenarioRow[];
    return rows.map(toScenario);
  }

  createRun(run: { orgId: string; agentId: string; mode: ProbeMode; draft: boolean; scenario: ResolvedScenario; limits: GateLimits }): ProbeRunRecord {
    const id = newId('probeRun');
    this.db
      .prepare(
        `INSERT INTO probe_runs (id, org_id, agent_id, status, mode, draft, scenario, gate_limits, created_at)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(id, run.orgId, run.agentId, run.mode, Number(run.draft), JSON.stringify(run.scenario), JSON.stringify(run.limits), this.now().toISOString());
    return this.findRun(run.orgId, run.agentId, id)!;
  }

  findRun(orgId: string, agentId: string, id: string): ProbeRunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM probe_runs WHERE org_id = ? AND agent_id = ? AND id = ?').get(orgId, agentId, id) as RunRow | undefined;
    return row && toRun(row);
  }

  /** Mark a run as running from the start (a retried job starts over, dropping earlier turns). */
  start(orgId: string, id: string, served: { versionId: string | null; conversationId: string }): void {
    this.db
      .prepare(
        `UPDATE probe_runs SET status = 'running', version_id = ?, conversation_id = ?, turns = '[]', started_at = ?
         WHERE org_id = ? AND id = ?`,
      )
      .run(served.versionId, served.conversationId, this.now().toISOString(), orgId, id);
  }

  addTurn(orgId: string, id: string, turn: TurnResult): void {
    this.db.prepare("UPDATE probe_runs SET turns = json_insert(turns, '$[#]', json(?)) WHERE org_id = ? AND id = ?").run(JSON.stringify(turn), orgId, id);
  }

  finish(orgId: string, id: string, result: { status: 'passed' | 'failed' | 'error'; gates: GateResults | null; error?: { code: string; detail: string } }): void {
    this.db
      .prepare('UPDATE probe_runs SET status = ?, gates = ?, error = ?, finished_at = ? WHERE org_id = ? AND id = ?')
      .run(result.status, result.gates && JSON.stringify(result.gates), result.error ? JSON.stringify(result.error) : null, this.now().toISOString(), orgId, id);
  }
}

/** Probe runs: a scripted scenario run end to end against an agent and judged by quality gates. */
import { z } from 'zod';
import { defineTool, idField } from '../define.ts';
import { followUntilFinished } from '../follow.ts';
import { notFound } from '../../errors.ts';
import { agentDraftShape } from '../../runtime/agent-schema.ts';
import { probeLine, resolveScenario } from '../../runtime/probe/runner.ts';
import { enqueueProbeRun } from '../../runtime/probe/job.ts';
import { MIN_LETTERS_TO_JUDGE } from '../../runtime/probe/scenario.ts';
import { DEFAULT_GATE_LIMITS } from '../../runtime/probe/scenario.ts';
import type { ProbeRunRecord } from '../../store/probes.ts';
import type { ToolContext } from '../types.ts';

const agentId = idField('The agent id (agt_…).');
const runId = idField('The probe run id (prb_…).');
const toolName = z.string().trim().min(1).max(64);
const phrase = z.string().trim().min(1).max(200);

const scenarioSchema = z.object({
  name: z.string().trim().min(1).max(100).describe('Names the scenario; saving replaces a saved scenario of the same name.'),
  language: agentDraftShape.primaryLanguage
    .unwrap()
    .optional()
    .describe("BCP-47 code of the language the replies must be in; defaults to the agent's primary language."),
  turns: z
    .array(
      z.object({
        user: z.string().trim().min(1).max(4000).describe('What the caller says in this turn.'),
        expectToolCalls: z
          .array(toolName.describe('A skill by its tool name, or search_knowledge.'))
          .max(10)
          .optional()
          .describe('Tools the agent must call while answering this turn.'),
        expectPhrases: z
          .array(phrase.describe('Text the reply must contain, ignoring case and spacing.'))
          .max(10)
          .optional()
          .describe('Phrases the reply to this turn must contain.'),
      }),
    )
    .min(1)
    .max(20)
    .describe('What the caller says, turn by turn, and what each reply must do.'),
  goal: z
    .object({
      toolCall: toolName.optional().describe('A tool that must be called successfully at some point.'),
      phrase: phrase.optional().describe('Text some reply must contain.'),
    })
    .refine((goal) => goal.toolCall !== undefined || goal.phrase !== undefined, { message: 'give toolCall, phrase or both' })
    .optional()
    .describe('What the conversation must achieve; without one, goal completion means every turn expectation held.'),
});

const gateLimitsSchema = z.object({
  maxTurnLatencyMs: z
    .number()
    .int()
    .min(1)
    .max(600_000)
    .default(DEFAULT_GATE_LIMITS.maxTurnLatencyMs)
    .describe('The slowest a turn may be answered, in milliseconds (default 5000).'),
});

const turnResultSchema = z.object({
  index: z.number().int().describe('Position of the turn in the scenario, from 0.'),
  user: z.string().describe('What the caller said.'),
  reply: z.string().describe("The agent's reply."),
  latencyMs: z.number().describe('How long the reply took.'),
  toolCalls: z
    .array(z.object({ name: z.string().describe('Tool name.'), ok: z.boolean().describe('Whether it succeeded.') }))
    .describe('Tools the agent called, in order (knowledge search as search_knowledge).'),
  language: z.string().nullable().describe('Language detected in the reply (ISO 639-1 where one exists); null when too short to judge.'),
  checks: z
    .object({
      phrases: z.array(z.object({ phrase: z.string().describe('Expected phrase.'), said: z.boolean().describe('Whether the reply contains it.') })).describe('Phrase expectations.'),
      toolCalls: z.array(z.object({ name: z.string().describe('Expected tool.'), called: z.boolean().describe('Whether it was called.') })).describe('Tool expectations.'),
    })
    .describe('Each expectation of the turn and whether it held.'),
  passed: z.boolean().describe('Whether every expectation of the turn held.'),
});

const gatesSchema = z.object({
  goalCompletion: z
    .object({ passed: z.boolean().describe('Whether the gate passed.'), detail: z.string().describe('What was reached, or what was missed.') })
    .describe('The goal was reached and every turn expectation held.'),
  latency: z
    .object({
      passed: z.boolean().describe('Whether every turn was answered within the limit.'),
      p95Ms: z.number().describe('95th percentile turn latency (nearest rank).'),
      maxMs: z.number().describe('Slowest turn.'),
      limitMs: z.number().describe('The limit applied.'),
    })
    .describe('Per-turn latency.'),
  languageFidelity: z
    .object({
      passed: z.boolean().describe('Whether every judged reply is in the expected language.'),
      expected: z.string().describe('The scenario language, as a base language code.'),
      detected: z.array(z.string()).describe('Distinct languages detected in the judged replies.'),
    })
    .describe(`Replies with at least ${MIN_LETTERS_TO_JUDGE} letters must be in the scenario's language.`),
});

export const runSchema = z.object({
  runId: z.string().describe('The probe run (prb_…).'),
  agentId: z.string().describe('The agent probed.'),
  status: z.enum(['queued', 'running', 'passed', 'failed', 'error']).describe('passed / failed once finished; error when the run could not finish.'),
  mode: z.enum(['loopback', 'phone']).describe('How the conversation ran: in-process, or as a call to the agent\'s number.'),
  draftMode: z.boolean().describe('Whether the draft was probed (else the live version).'),
  versionId: z.string().nullable().describe('The version probed; null for the draft or before the run starts.'),
  conversationId: z.string().nullable().describe("The probe's conversation, once started."),
  scenario: scenarioSchema.describe('The scenario, its language settled.'),
  gateLimits: gateLimitsSchema.describe('The limits the gates apply.'),
  turns: z.array(turnResultSchema).describe('Turns answered so far.'),
  gates: gatesSchema.nullable().describe('The quality gates; null until the run finishes.'),
  error: z.object({ code: z.string().describe('Problem code.'), detail: z.string().describe('What went wrong.') }).nullable().describe('Why the run ended in error.'),
  createdAt: z.string().describe('When the run was queued.'),
  startedAt: z.string().nullable().describe('When it started.'),
  finishedAt: z.string().nullable().describe('When it finished.'),
});

function presentRun(run: ProbeRunRecord): z.input<typeof runSchema> {
  return {
    runId: run.id,
    agentId: run.agentId,
    status: run.status,
    mode: run.mode,
    draftMode: run.draft,
    versionId: run.versionId,
    conversationId: run.conversationId,
    scenario: run.scenario,
    gateLimits: run.limits,
    turns: run.turns,
    gates: run.gates,
    error: run.error,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

function loadRun(context: ToolContext, agent: string, id: string): ProbeRunRecord {
  const run = context.services.probes.findRun(context.org.id, agent, id);
  if (!run) throw notFound('probe run', id);
  return run;
}

export const startProbeRun = defineTool({
  name: 'start_probe_run',
  title: 'Start a probe run',
  description:
    "Queues a scripted scenario to run end to end against the agent (the draft by default) and answers at once with a run id to poll (get_probe_run) or stream (stream_probe_run). The run passes when every quality gate does: goal completion (the goal's tool called successfully / its phrase said, and every turn's expected phrases and tool calls), per-turn latency within the limit, and language fidelity (replies long enough to judge are in the scenario's language). save: true also keeps the scenario on the agent under its name, for publish_agent with requireProbes. mode 'phone' calls the agent's assigned number on the sandbox carrier instead, so its live version answers as it would a caller (and the call is billed like one).",
  http: { method: 'POST', path: '/agents/{agentId}/probe/run', successStatus: 202 },
  scope: 'agents:write',
  toolset: 'test',
  flags: { openWorld: true },
  input: z.object({
    agentId,
    scenario: scenarioSchema.describe('The conversation to run and what it must achieve.'),
    mode: z
      .enum(['loopback', 'phone'])
      .default('loopback')
      .describe('loopback: through the conversation engine in-process; phone: a sandbox call to the agent\'s assigned number (422 when it has none).'),
    draftMode: z.boolean().default(true).describe('Probe the current draft (default) or the live version; phone probes always reach the live version.'),
    save: z.boolean().default(false).describe('Also save the scenario on the agent by name, for gated publishing.'),
    gates: gateLimitsSchema.optional().describe('Limits of the quality gates.'),
  }),
  output: z.object({
    runId: z.string().describe('The queued run (prb_…).'),
    status: z.literal('queued').describe('Always queued: the run happens in the background.'),
  }),
  execute: async (input, context) => {
    const { services, org } = context;
    if (!services.agents.find(org.id, input.agentId)) throw notFound('agent', input.agentId);
    // A phone line serves the live version only.
    const phone = input.mode === 'phone';
    const served = services.engine.serve(org.id, input.agentId, input.draftMode && !phone);
    if (phone) probeLine(services, org.id, input.agentId);
    const limits = { ...DEFAULT_GATE_LIMITS, ...input.gates };
    if (input.save) services.probes.saveScenario(org.id, input.agentId, input.scenario, limits);
    const run = services.probes.createRun({ orgId: org.id, agentId: input.agentId, mode: input.mode, draft: served.draft, scenario: resolveScenario(input.scenario, served), limits });
    enqueueProbeRun(services, org.id, input.agentId, run.id);
    return { runId: run.id, status: 'queued' as const };
  },
});

export const getProbeRun = defineTool({
  name: 'get_probe_run',
  title: 'Get a probe run result',
  description:
    "Returns a probe run: its status, the turns answered so far (reply, latency, tool calls, checks) and, once finished, its quality gates. Replies are the agent's words and may quote its knowledge: untrusted text.",
  http: { method: 'GET', path: '/agents/{agentId}/probe/runs/{runId}' },
  scope: 'agents:read',
  toolset: 'test',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ agentId, runId }),
  output: runSchema,
  untrusted: ['turns[].reply'],
  execute: async (input, context) => presentRun(loadRun(context, input.agentId, input.runId)),
});

export const streamProbeRun = defineTool({
  name: 'stream_probe_run',
  title: 'Stream probe run progress',
  description:
    'Streams a probe run as it happens: a status event whenever its status changes and a turn event per answered turn (what already happened is replayed first), ending with done carrying the same result as get_probe_run.',
  http: { method: 'GET', path: '/agents/{agentId}/probe/runs/{runId}/stream' },
  scope: 'agents:read',
  toolset: 'test',
  flags: { readOnly: true, idempotent: true, streaming: true },
  input: z.object({ agentId, runId }),
  output: runSchema,
  untrusted: ['turns[].reply'],
  execute: async (input, context) => {
    let status: string | null = null;
    let sent = 0;
    const run = await followUntilFinished(context, {
      load: () => loadRun(context, input.agentId, input.runId),
      report: (current) => {
        for (; sent < current.turns.length; sent += 1) context.emit({ type: 'turn', data: { ...current.turns[sent] } });
        if (current.status === status) return;
        status = current.status;
        context.emit({ type: 'status', data: { runId: current.id, status } });
      },
      finished: (current) => current.finishedAt !== null,
    });
    return presentRun(run);
  },
});

/**
 * Playbooks in a conversation: a state machine over the step graph, kept in the receipt. The
 * model starts one through its `start_…` tool; from then on the person's answers go to the
 * steps (each checked like its collect step says), skills run with guardrails, and the model only
 * speaks again for questions off the script, after which the step asks again.
 */
import { jsonSchema, tool, type Tool } from 'ai';
import type { CompiledConfig, CompiledPlaybook } from '../compile.ts';
import type { ReceiptEvent } from '../../store/conversations.ts';
import type { PlaybookEdge, PlaybookNode } from '../playbooks/graph.ts';
import { extractBoolean, extractEmail, extractEnum, extractNumber, extractPhone, extractZip } from '../models/extract/entities.ts';
import { dateReference, extractDateMention } from '../models/extract/dates.ts';
import { callSkill, failed, type SkillToolContext } from './skill-tools.ts';
import { handoffDestination } from './handoff.ts';

/** Where a playbook stands in a conversation. */
export interface PlaybookState {
  playbookId: string;
  waitingAt: string | null;
  variables: Record<string, unknown>;
}

const MAX_STEPS_PER_TURN = 50;
type Collect = Extract<PlaybookNode, { type: 'collect' }>;

/** The playbook waiting for an answer, read off the receipt (the last playbook event). */
export function activePlaybook(receipt: ReceiptEvent[]): PlaybookState | null {
  const last = receipt.findLast((event) => event.type === 'playbook');
  if (!last || last.data.state !== 'active') return null;
  return { playbookId: String(last.data.playbookId), waitingAt: (last.data.waitingAt as string | null) ?? null, variables: (last.data.variables as Record<string, unknown>) ?? {} };
}

/** `{name}` and `{name.field}` filled from the variables; a lone placeholder keeps the value's type. */
function fill(text: string, variables: Record<string, unknown>): unknown {
  const lookup = (path: string) => path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), variables);
  const whole = /^\{([a-zA-Z_][\w.]*)\}$/.exec(text);
  if (whole) return lookup(whole[1]);
  return text.replace(/\{([a-zA-Z_][\w.]*)\}/g, (_match, path: string) => String(lookup(path) ?? ''));
}

/** A yes or no answer as the choice among `values` that means it ("yes", "no", "true", …). */
function yesOrNo(text: string, values: readonly string[]): string | undefined {
  const answer = extractBoolean(text);
  if (answer === undefined) return undefined;
  return values.find((value) => (answer ? /^(?:yes|y|true)$/i : /^(?:no|n|false)$/i).test(value));
}

/** The answer to a collect step, or undefined when it does not pass the step's check. */
export function answerFor(step: Collect, text: string, now: Date): unknown {
  const validation = step.validation;
  let value: unknown;
  switch (validation?.type ?? 'string') {
    case 'number': value = extractNumber(text); break;
    case 'email': value = extractEmail(text); break;
    case 'phone': value = extractPhone(text); break;
    case 'zip': value = extractZip(text); break;
    case 'date': value = extractDateMention(text, dateReference(now)).date; break;
    case 'enum': value = extractEnum(text, validation?.values ?? []) ?? yesOrNo(text, validation?.values ?? []); break;
    default: value = text.trim() || undefined;
  }
  if (value === undefined) return undefined;
  if (validation?.pattern && !new RegExp(validation.pattern).test(String(value))) return undefined;
  return value;
}

function holds(edge: PlaybookEdge, variables: Record<string, unknown>): boolean {
  const condition = edge.condition;
  if (!condition) return false;
  const value = variables[condition.variable];
  switch (condition.op) {
    case 'exists': return value !== undefined && value !== null && value !== '';
    case 'equals': return String(value ?? '').toLowerCase() === String(condition.value).toLowerCase();
    case 'not_equals': return String(value ?? '').toLowerCase() !== String(condition.value).toLowerCase();
    case 'contains': return String(value ?? '').toLowerCase().includes(String(condition.value).toLowerCase());
    case 'gt': return Number(value) > Number(condition.value);
    case 'lt': return Number(value) < Number(condition.value);
  }
}

/**
 * Run the graph from `from` until a step waits for an answer or the playbook ends. Says what the
 * agent says and records where the playbook stands.
 */
async function advance(context: SkillToolContext, playbook: CompiledPlaybook, from: string, variables: Record<string, unknown>, utterance: string): Promise<string> {
  const { graph } = playbook;
  const lines: string[] = [];
  const finish = (outcome: string) => {
    context.record('playbook', { playbookId: playbook.id, name: playbook.name, state: 'finished', waitingAt: null, variables, outcome });
    return lines.join(' ');
  };
  const next = (id: string) => graph.edges.find((edge) => edge.from === id && !edge.condition)?.to;
  let current: string | undefined = from;
  for (let steps = 0; current && steps < MAX_STEPS_PER_TURN; steps += 1) {
    const step = graph.nodes.find((node) => node.id === current);
    if (!step) break;
    switch (step.type) {
      case 'say':
        lines.push(String(fill(step.text, variables)));
        current = next(step.id);
        break;
      case 'collect':
        lines.push(String(fill(step.prompt, variables)));
        context.record('playbook', { playbookId: playbook.id, name: playbook.name, state: 'active', waitingAt: step.id, variables });
        return lines.join(' ');
      case 'branch':
        current = graph.edges.find((edge) => edge.from === step.id && holds(edge, variables))?.to ?? next(step.id);
        break;
      case 'call_skill': {
        const skill = context.config.skills.find((candidate) => candidate.id === step.skillId);
        if (!skill) return finish('skill_unavailable');
        const input = Object.fromEntries(Object.entries(step.inputs).map(([name, value]) => [name, typeof value === 'string' ? fill(value, variables) : value]));
        // The playbook is the operator's script: its steps are the confirmation; gates still apply.
        const output = await callSkill(context, skill, input, { utterance });
        context.record('tool_call', { toolCallId: `playbook_${step.id}`, name: skill.toolName, input, ok: !failed(output) && !output.verificationRequired, output, playbook: playbook.id });
        if (output.verificationRequired || failed(output)) {
          lines.push(String(output.message ?? ''));
          return finish('blocked');
        }
        if (step.saveAs) variables[step.saveAs] = output;
        current = next(step.id);
        break;
      }
      case 'transfer': {
        const target = step.destination ?? handoffDestination(context.config.agent.handoffConfig, utterance)?.destination;
        if (target) context.record('handoff', { destination: target, reason: utterance, warm: context.config.agent.handoffConfig.warm, summary: null, skill: playbook.toolName });
        lines.push(target ? "I'm connecting you with a person now." : "I can't transfer you right now, but I can take a message.");
        return finish('transferred');
      }
      case 'end':
        return finish(step.outcome ?? 'completed');
    }
  }
  return finish('incomplete');
}

/** One `start_…` tool per playbook: the model starts a playbook when the person wants what it does. */
export function playbookTools(context: SkillToolContext, utterance: string): Record<string, Tool> {
  return Object.fromEntries(
    context.config.playbooks.map((playbook) => [
      playbook.toolName,
      tool({
        description: `Start the "${playbook.name}" procedure: ${playbook.description}`,
        // The playbook's declared inputs are what the model passes when it starts it.
        inputSchema: jsonSchema<Record<string, unknown>>(playbook.inputSchema ?? { type: 'object', properties: {} }),
        execute: async (input) => {
          if (!context.allowToolCall(playbook.toolName)) return { error: 'tool call limit reached for this turn' };
          return { message: await advance(context, playbook, playbook.graph.start, { ...input }, utterance) };
        },
      }),
    ]),
  );
}

/**
 * The person's answer to the step a playbook waits at. Returns what the agent says, or null when
 * the answer does not fit and the model should handle the turn (the step's prompt is re-asked).
 */
export async function continuePlaybook(context: SkillToolContext, config: CompiledConfig, state: PlaybookState, text: string): Promise<{ reply: string } | { reask: string }> {
  const playbook = config.playbooks.find((candidate) => candidate.id === state.playbookId);
  const step = playbook?.graph.nodes.find((node) => node.id === state.waitingAt);
  if (!playbook || !step || step.type !== 'collect') return { reply: '' };
  const value = answerFor(step, text, context.now());
  if (value === undefined) return { reask: String(fill(step.prompt, state.variables)) };
  const variables = { ...state.variables, [step.variable]: value };
  const following = playbook.graph.edges.find((edge) => edge.from === step.id && !edge.condition)?.to;
  return { reply: following ? await advance(context, playbook, following, variables, text) : '' };
}

/**
 * One turn of a conversation, the same for every channel: the model steps, the tools it calls run
 * here (never inside the model), and every step becomes an event. Caps on model steps and tool
 * calls keep a turn bounded whatever the model does.
 */
import { stepCountIs, streamText, tool, type ModelMessage, type ToolSet } from 'ai';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { z } from 'zod';
import type { CompiledConfig } from '../compile.ts';
import type { ReceiptEvent } from '../../store/conversations.ts';
import { FlowyteError } from '../../errors.ts';
import { receiptEvent, type EventSink, type ReceiptEventType } from './events.ts';
import { systemPrompt } from './system-prompt.ts';
import { callSkill, failed, skillTools, type PendingConfirmation, type SkillToolContext } from './skill-tools.ts';
import type { SkillCall, SkillOutcome } from '../skills/executors.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import { extractBoolean } from '../models/extract/entities.ts';
import { contentViolation, hasContentRules, type GuardState } from '../guardrails/enforce.ts';
import { VERIFY_TOOL } from './verification.ts';
import { continuePlaybook, playbookTools, type PlaybookState } from './playbook-runner.ts';

/** What the engine needs from the platform to run a turn. */
export interface TurnEnvironment {
  model: LanguageModelV3;
  now(): Date;
  maxToolCalls: number;
  maxModelSteps: number;
  /** Hybrid search over the passages of the given sources of one agent. */
  searchKnowledge(agentId: string, query: string, sourceIds: string[]): Promise<{ passages: { text: string; sourceId: string; chunkId: number; score: number }[] }>;
  runSkill(call: SkillCall): Promise<SkillOutcome>;
}

export interface TurnRequest {
  conversation: ConversationRecord;
  config: CompiledConfig;
  /** A skill call the previous turn asked the person to confirm. */
  pending?: PendingConfirmation;
  /** The conversation as guardrails see it (verification, runs so far); updated as the turn goes. */
  state: GuardState;
  /** A playbook waiting for the person's answer. */
  playbook?: PlaybookState | null;
  /** Earlier messages of the conversation, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
  /** What the person said (or keyed: DTMF digits arrive as text too). */
  text: string;
  dtmf?: string;
  emit: EventSink;
  signal?: AbortSignal;
}

/** Tokens the language model reported for a turn, over all its steps. */
export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface TurnResult {
  reply: string;
  /** This turn's receipt events, in order (the `token` deltas are not among them). */
  events: ReceiptEvent[];
  /** What the model reported; absent when no model answered (a refusal, a scripted step) or it reported nothing. */
  usage?: ModelUsage;
}

const FALLBACK_REPLY = "I'm sorry, I can't help with that right now. I can take a message or connect you with someone.";
const KNOWLEDGE_PASSAGES = 4;
const PREVIEW_CHARS = 160;

/** Run one turn and return the reply with the events it produced. */
export async function runTurn(environment: TurnEnvironment, request: TurnRequest): Promise<TurnResult> {
  const events: ReceiptEvent[] = [];
  const record = (type: ReceiptEventType, data: Record<string, unknown>) => {
    const event = receiptEvent(type, environment.now(), data);
    events.push(event);
    request.emit(event);
  };
  record('user_utterance', request.dtmf ? { text: request.text, dtmf: request.dtmf } : { text: request.text });

  let toolCalls = 0;
  /** Count a tool call against the turn's cap; false (and a guardrail event) once it is spent. */
  const allowToolCall = (name: string): boolean => {
    toolCalls += 1;
    if (toolCalls <= environment.maxToolCalls) return true;
    record('guardrail', { rule: 'max_tool_calls', action: 'blocked', tool: name, limit: environment.maxToolCalls });
    return false;
  };
  const skills: SkillToolContext = {
    config: request.config,
    utterance: request.text,
    state: request.state,
    now: environment.now,
    allowToolCall,
    record,
    run: (skill, input, utterance = request.text) =>
      environment.runSkill({ skill, input, conversation: request.conversation, config: request.config, lastUtterance: utterance, signal: request.signal }),
  };
  const refused = contentViolation(request.config, request.text);
  if (refused) {
    // A blocked topic is refused before any model sees it.
    record('guardrail', { rule: 'content_rule', action: 'refused', topic: refused.topic });
    record('agent_message', { text: refused.response, kind: 'refusal' });
    return { reply: refused.response, events };
  }
  // With content rules, a reply is checked whole before anyone sees it: no token deltas.
  const streamTokens = !hasContentRules(request.config);
  let reask: string | null = null;
  if (request.playbook) {
    const scripted = await continuePlaybook(skills, request.config, request.playbook, request.text);
    if ('reply' in scripted && scripted.reply) {
      if (streamTokens) request.emit({ type: 'token', at: environment.now().toISOString(), data: { delta: scripted.reply } });
      record('agent_message', { text: scripted.reply, kind: 'playbook' });
      return { reply: scripted.reply, events };
    }
    // Off the script (a question, an answer that does not fit): the model answers, the step asks again.
    if ('reask' in scripted) reask = scripted.reask;
  }
  const tools = {
    ...knowledgeTools(environment, request, allowToolCall, record),
    ...skillTools(skills, request.text),
    ...playbookTools(skills, request.text),
  };

  const messages: ModelMessage[] = [...request.history, { role: 'user', content: request.text }];
  const confirmed = await settlePending(skills, request, record);
  if (confirmed) messages.push(...confirmed);
  const started = new Map<string, number>();
  let reply = '';
  let failure: unknown;
  /** What the model said its last step was, when it says (the local model does: e.g. 'fallback'). */
  let lastDecision: unknown;
  const result = streamText({
    model: environment.model,
    system: systemPrompt(request.config, environment.now()),
    messages,
    tools,
    stopWhen: stepCountIs(environment.maxModelSteps),
    maxRetries: 1,
    abortSignal: request.signal,
    providerOptions: {
      flowyte: { agentName: request.config.agent.name, greeting: request.config.agent.greeting, now: environment.now().toISOString() },
    },
    onError: ({ error }) => {
      failure = error;
    },
  });
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') {
      reply += part.text;
      if (streamTokens) request.emit({ type: 'token', at: environment.now().toISOString(), data: { delta: part.text } });
    } else if (part.type === 'tool-call') {
      started.set(part.toolCallId, performance.now());
    } else if ((part.type === 'tool-result' || part.type === 'tool-error') && part.toolName !== 'search_knowledge') {
      const durationMs = Math.round((performance.now() - (started.get(part.toolCallId) ?? performance.now())) * 100) / 100;
      // Skills report an outside failure (a webhook down) as an `error` in their result, not a throw.
      const outcome =
        part.type === 'tool-result' ? { ok: !failed(part.output), output: part.output } : { ok: false, error: String(part.error) };
      // What a caller gives to be verified is checked, never kept.
      const input = part.toolName === VERIFY_TOOL ? Object.fromEntries(Object.keys(part.input as object).map((field) => [field, '(given)'])) : part.input;
      record('tool_call', { toolCallId: part.toolCallId, name: part.toolName, input, ...outcome, durationMs });
    } else if (part.type === 'finish-step') {
      lastDecision = part.providerMetadata?.flowyte?.decision;
    } else if (part.type === 'error') {
      failure = part.error;
    }
  }
  if (failure !== undefined) {
    if (request.signal?.aborted) throw new FlowyteError('internal_error', 'the turn was cancelled', { cause: failure });
    throw new FlowyteError('model_error', 'the language model did not answer; try again', { cause: failure });
  }
  const { inputTokens, outputTokens } = await result.totalUsage;
  const usage = inputTokens !== undefined && outputTokens !== undefined ? { inputTokens, outputTokens } : undefined;
  reply = reply.trim();
  let kind = lastDecision === 'fallback' ? 'fallback' : 'reply';
  if (reask && !reply.includes(reask)) {
    reply = reply ? `${reply} ${reask}` : reask;
    if (streamTokens) request.emit({ type: 'token', at: environment.now().toISOString(), data: { delta: ` ${reask}` } });
  }
  const crossed = reply ? contentViolation(request.config, reply) : null;
  if (crossed) {
    record('guardrail', { rule: 'content_rule', action: 'redacted', topic: crossed.topic });
    reply = crossed.response;
    kind = 'refusal';
  }
  if (!reply) {
    // The step cap ended the turn before the model said anything: say something honest rather than nothing.
    record('guardrail', { rule: 'max_model_steps', action: 'fallback', limit: environment.maxModelSteps });
    reply = FALLBACK_REPLY;
    kind = 'fallback';
  }
  // A fallback (the model could not answer) is its own kind: observe counts them as knowledge gaps.
  record('agent_message', { text: reply, kind });
  return { reply, events, usage };
}

/**
 * The person's answer to a confirmation the last turn asked for. On a yes, the exact call that was
 * asked about runs now (never a re-planned one) and the model sees it as done; on anything else
 * it does not run.
 */
async function settlePending(
  context: SkillToolContext,
  request: TurnRequest,
  record: (type: ReceiptEventType, data: Record<string, unknown>) => void,
): Promise<ModelMessage[] | null> {
  const pending = request.pending;
  const skill = pending && context.config.skills.find((candidate) => candidate.toolName === pending.tool);
  if (!pending || !skill) return null;
  if (extractBoolean(request.text) !== true) {
    record('guardrail', { rule: 'requires_confirmation', action: 'declined', tool: skill.toolName });
    return null;
  }
  record('guardrail', { rule: 'requires_confirmation', action: 'confirmed', tool: skill.toolName });
  const started = performance.now();
  const output = await callSkill(context, skill, pending.input, { utterance: pending.utterance });
  const toolCallId = `confirmed_${request.conversation.eventCount}`;
  record('tool_call', { toolCallId, name: skill.toolName, input: pending.input, ok: !failed(output), output, durationMs: Math.round((performance.now() - started) * 100) / 100 });
  return [
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId, toolName: skill.toolName, input: pending.input }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId, toolName: skill.toolName, output: { type: 'json', value: output as never } }] },
  ];
}

/** Knowledge search, when the agent has knowledge. */
function knowledgeTools(
  environment: TurnEnvironment,
  request: TurnRequest,
  allowToolCall: (name: string) => boolean,
  record: (type: ReceiptEventType, data: Record<string, unknown>) => void,
): ToolSet {
  const sourceIds = request.config.knowledge.sources.map((source) => source.id);
  if (sourceIds.length === 0) return {};
  return {
    search_knowledge: tool({
      description: "Search the business's knowledge base (documents, pages, FAQs) for passages that answer a question.",
      inputSchema: z.object({ query: z.string().min(1).max(500).describe('The question, in plain words.') }),
      execute: async ({ query }) => {
        if (!allowToolCall('search_knowledge')) return { passages: [], error: 'tool call limit reached for this turn' };
        const { passages } = await environment.searchKnowledge(request.conversation.agentId, query, sourceIds);
        const hits = passages.slice(0, KNOWLEDGE_PASSAGES);
        record('kb_retrieval', {
          query,
          topScore: hits[0]?.score ?? 0,
          hits: hits.map((hit) => ({ sourceId: hit.sourceId, chunkId: hit.chunkId, score: hit.score, preview: hit.text.slice(0, PREVIEW_CHARS) })),
        });
        return { passages: hits.map(({ text, sourceId, score }) => ({ text, sourceId, score })) };
      },
    }),
  };
}

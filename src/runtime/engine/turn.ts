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

/** What the engine needs from the platform to run a turn. */
export interface TurnEnvironment {
  model: LanguageModelV3;
  now(): Date;
  maxToolCalls: number;
  maxModelSteps: number;
  /** Hybrid search over the passages of the given sources of one agent. */
  searchKnowledge(agentId: string, query: string, sourceIds: string[]): Promise<{ passages: { text: string; sourceId: string; chunkId: number; score: number }[] }>;
}

export interface TurnRequest {
  agentId: string;
  config: CompiledConfig;
  /** Earlier messages of the conversation, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
  /** What the person said (or keyed: DTMF digits arrive as text too). */
  text: string;
  dtmf?: string;
  emit: EventSink;
  signal?: AbortSignal;
}

export interface TurnResult {
  reply: string;
  /** This turn's receipt events, in order (the `token` deltas are not among them). */
  events: ReceiptEvent[];
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
  const tools = turnTools(environment, request, allowToolCall, record);

  const messages: ModelMessage[] = [...request.history, { role: 'user', content: request.text }];
  const started = new Map<string, number>();
  let reply = '';
  let failure: unknown;
  /** What the model said its last step was, when it says (the local model does: e.g. 'fallback'). */
  let lastDecision: unknown;
  const result = streamText({
    model: environment.model,
    system: systemPrompt(request.config),
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
      request.emit({ type: 'token', at: environment.now().toISOString(), data: { delta: part.text } });
    } else if (part.type === 'tool-call') {
      started.set(part.toolCallId, performance.now());
    } else if ((part.type === 'tool-result' || part.type === 'tool-error') && part.toolName !== 'search_knowledge') {
      const durationMs = Math.round((performance.now() - (started.get(part.toolCallId) ?? performance.now())) * 100) / 100;
      const outcome = part.type === 'tool-result' ? { ok: true, output: part.output } : { ok: false, error: String(part.error) };
      record('tool_call', { toolCallId: part.toolCallId, name: part.toolName, input: part.input, ...outcome, durationMs });
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
  reply = reply.trim();
  let kind = lastDecision === 'fallback' ? 'fallback' : 'reply';
  if (!reply) {
    // The step cap ended the turn before the model said anything: say something honest rather than nothing.
    record('guardrail', { rule: 'max_model_steps', action: 'fallback', limit: environment.maxModelSteps });
    reply = FALLBACK_REPLY;
    kind = 'fallback';
  }
  // A fallback (the model could not answer) is its own kind: observe counts them as knowledge gaps.
  record('agent_message', { text: reply, kind });
  return { reply, events };
}

/** The tools a turn offers the model: knowledge search when the agent has knowledge. */
function turnTools(
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
        const { passages } = await environment.searchKnowledge(request.agentId, query, sourceIds);
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

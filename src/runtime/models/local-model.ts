/**
 * The embedded default language model: deterministic, offline and small. It picks a skill by
 * word overlap, fills its parameters with extractors, asks for what is missing, otherwise
 * searches knowledge and answers extractively, and falls back to a take-a-message offer.
 * It implements the `ai` SDK's LanguageModelV3, so the engine has one code path for every model.
 */
import { createHash } from 'node:crypto';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';
import { countWords } from './extract/text.ts';
import { decideStep, type Decision } from './local/decide.ts';

const TEXT_ID = 'text-0';
// Word-ish stream pieces: a word with the spaces after it (leading spaces stay with the first piece).
const STREAM_PIECE = /^\s*\S+\s*|\S+\s*/g;

interface StepOutput {
  content: LanguageModelV3Content[];
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
  providerMetadata: SharedV3ProviderMetadata;
}

/** The deterministic local model (`flowyte/flowyte-local`). */
export class LocalModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'flowyte';
  readonly modelId = 'flowyte-local';
  readonly supportedUrls = {};

  constructor() {
    // Soon after start-up rather than during it: the server's first answer and MCP's `initialize`
    // should not wait half a second for regular expressions a caller's turn will want later.
    // A turn that comes first only runs a little slower; unref lets a short-lived process exit.
    if (!warmUpScheduled) setTimeout(warmUp, WARM_UP_DELAY_MS).unref();
    warmUpScheduled = true;
  }

  /** One step, complete. */
  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const step = runStep(options);
    return { ...step, warnings: [] };
  }

  /** One step as a stream: text in word-sized deltas, or whole tool calls. */
  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const step = runStep(options);
    const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
    for (const item of step.content) {
      if (item.type === 'text') {
        parts.push({ type: 'text-start', id: TEXT_ID });
        for (const piece of item.text.match(STREAM_PIECE) ?? []) parts.push({ type: 'text-delta', id: TEXT_ID, delta: piece });
        parts.push({ type: 'text-end', id: TEXT_ID });
      } else if (item.type === 'tool-call') {
        parts.push(item);
      }
    }
    parts.push({ type: 'finish', finishReason: step.finishReason, usage: step.usage, providerMetadata: step.providerMetadata });
    // Everything is known up front; the stream only hands it over, with no timers.
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    return { stream };
  }
}

/** Decide and shape one step's output. */
function runStep(options: LanguageModelV3CallOptions): StepOutput {
  const { decision, inputWords } = decideStep(options);
  const content = contentOf(decision, options);
  const outputWords = content.reduce((sum, item) => sum + (item.type === 'text' ? countWords(item.text) : item.type === 'tool-call' ? countWords(item.input) : 0), 0);
  const calls = decision.type === 'tool-calls';
  return {
    content,
    finishReason: { unified: calls ? 'tool-calls' : 'stop', raw: calls ? 'tool_calls' : 'stop' },
    usage: {
      inputTokens: { total: inputWords, noCache: inputWords, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputWords, text: calls ? 0 : outputWords, reasoning: 0 },
    },
    providerMetadata: { flowyte: { decision: decision.kind } },
  };
}

function contentOf(decision: Decision, options: LanguageModelV3CallOptions): LanguageModelV3Content[] {
  if (decision.type === 'text') return [{ type: 'text', text: decision.text }];
  return decision.calls.map((call, index) => {
    const input = JSON.stringify(call.input);
    return { type: 'tool-call', toolCallId: toolCallId(options, call.toolName, input, index), toolName: call.toolName, input };
  });
}

/**
 * Deterministic and unique within a conversation: the same prompt always gives the same id, and
 * a longer prompt (every step appends messages) gives a different one.
 */
function toolCallId(options: LanguageModelV3CallOptions, toolName: string, input: string, index: number): string {
  const lastMessage = options.prompt.at(-1);
  const digest = createHash('sha256')
    .update(`${options.prompt.length}\u0000${JSON.stringify(lastMessage?.content ?? '')}\u0000${toolName}\u0000${input}\u0000${index}`)
    .digest('hex');
  return `call_${digest.slice(0, 16)}`;
}

let warmed = false;
let warmUpScheduled = false;
const WARM_UP_DELAY_MS = 1000;

/**
 * Run a few sample steps once per process. V8 compiles the date and phone parsers' large regular
 * expressions natively on their second use: about 150 ms that would otherwise land on the first
 * callers' turns instead of on start-up.
 */
function warmUp(): void {
  if (warmed) return;
  warmed = true;
  const properties = Object.fromEntries(
    ['name', 'phone', 'email', 'date', 'time', 'order_id', 'zip', 'address', 'guests'].map((name) => [name, { type: 'string' as const }]),
  );
  const tools: LanguageModelV3CallOptions['tools'] = [
    { type: 'function', name: 'book_visit', description: 'Book a visit.', inputSchema: { type: 'object', properties, required: Object.keys(properties) } },
  ];
  const sample = 'Book a visit tomorrow at 3pm for 2 guests. My name is Ana Silva, 415-555-2671, ana@example.com, order A1234, 12 Main St, 94103.';
  for (let round = 0; round < 2; round += 1) {
    runStep({ prompt: [{ role: 'user', content: [{ type: 'text', text: sample }] }], tools, providerOptions: { flowyte: { now: '2025-01-06T12:00:00Z' } } });
    runStep({
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'When do you open?' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'warm', toolName: 'search_knowledge', output: { type: 'json', value: { passages: [{ text: '# Hours\nWe open at 9am.', sourceId: 'warm', score: 1 }] } } }] },
      ],
    });
    runStep({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hello there!' }] }] });
  }
}

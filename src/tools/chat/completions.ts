/**
 * OpenAI-compatible chat completions: `model` is an agent id, and any OpenAI client works with
 * only its base URL changed. The live agent's own config decides how it answers; the request's
 * sampling, tools and system prompt are accepted and ignored.
 */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import { FlowyteError } from '../../errors.ts';
import type { ModelUsage } from '../../runtime/engine/turn.ts';

const textPart = z
  .object({ type: z.literal('text').describe('A text part.'), text: z.string().describe('Its text.') })
  .loose()
  .describe('A text part of a message.');
const otherPart = z.object({ type: z.string().describe('Another kind of part (image, audio, …): accepted, not read.') }).loose().describe('A non-text part.');
const messageContent = z.union([z.string(), z.array(z.union([textPart, otherPart])), z.null()]);

const requestMessage = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']).describe('Who wrote the message.'),
    content: messageContent.optional().describe('Text, or an array of content parts (text parts are read).'),
    name: z.string().max(256).optional().describe('Accepted and ignored.'),
  })
  .loose()
  .describe('One message of the conversation so far.');

const usageSchema = z.object({
  prompt_tokens: z.number().int().describe('Tokens in: the whole prompt the model read (instructions, knowledge, conversation).'),
  completion_tokens: z.number().int().describe('Tokens out.'),
  total_tokens: z.number().int().describe('Their sum.'),
});
type Usage = z.output<typeof usageSchema>;

const USAGE_NOTE =
  'Token counts as the language model reported them; when no model answered (a guardrail refusal, a scripted playbook step) or it reported none, an estimate of about four characters per token of the conversation and the reply.';

const completionSchema = z.object({
  id: z.string().describe('chatcmpl-… (the conversation id follows the prefix).'),
  object: z.literal('chat.completion'),
  created: z.number().int().describe('Unix seconds.'),
  model: z.string().describe('The agent id.'),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
        finish_reason: z.literal('stop'),
        logprobs: z.null(),
      }),
    )
    .describe('Always one choice.'),
  usage: usageSchema.describe(USAGE_NOTE),
});

/** The readable text of a message: a string, or its text parts joined. */
function textOf(content: z.output<typeof messageContent> | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' && 'text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

const approximateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

/** The model's own token counts when it reported them; else an estimate from the text in and out. */
function usageOf(reported: ModelUsage | undefined, promptText: string, replyText: string): Usage {
  const prompt = reported?.inputTokens ?? approximateTokens(promptText);
  const completion = reported?.outputTokens ?? approximateTokens(replyText);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export const createChatCompletion = defineTool({
  name: 'create_chat_completion',
  title: 'OpenAI-compatible chat completion',
  description:
    'Answers in OpenAI\'s chat-completions shape, with `model` set to an agent id; point any OpenAI SDK at this API\'s base URL. Serves the live (published) version. Reads only model, messages, stream, stream_options and user; roles system, user, assistant and tool are accepted, and the last message must be the user\'s. With stream: true, answers with OpenAI-style chunks ending in data: [DONE]; with stream_options.include_usage, the last chunk before [DONE] has empty choices and the usage. Usage is the model\'s own count, or an estimate when it reports none.',
  http: { method: 'POST', path: '/chat/completions', sse: 'requested', wire: 'openai' },
  scope: 'chat:write',
  toolset: 'chat',
  flags: { streaming: true, openWorld: true },
  input: z
    .object({
      model: z.string().min(1).max(64).describe('The agent id (agt_…).'),
      messages: z.array(requestMessage).min(1).max(200).describe('The conversation so far; the last one is the user\'s new message.'),
      stream: z.boolean().default(false).describe('Stream OpenAI-style chunks.'),
      stream_options: z
        .object({ include_usage: z.boolean().optional().describe('Send a last chunk with empty choices and the usage (streaming only).') })
        .loose()
        .nullable()
        .optional()
        .describe('Options for a streamed answer.'),
      user: z.string().max(256).optional().describe('Your id for the end user; kept on the conversation.'),
    })
    .loose(),
  output: completionSchema,
  untrusted: ['choices[].message.content'],
  execute: async (input, context) => {
    const { engine } = context.services;
    const spoken = input.messages.filter((message) => message.role === 'user' || message.role === 'assistant');
    const last = spoken.at(-1);
    const question = last?.role === 'user' ? textOf(last.content).trim() : '';
    if (!question) {
      throw new FlowyteError('validation_error', 'the last user or assistant message must be a non-empty user message', {
        errors: [{ field: 'messages', message: 'must end with a user message that has text' }],
      });
    }
    const agent = context.services.agents.find(context.org.id, input.model);
    if (!agent) {
      throw new FlowyteError('unknown_model', `model must be one of your agent ids; ${input.model} is not`, {
        errors: [{ field: 'model', message: 'is not an agent of this account' }],
      });
    }
    const served = engine.serve(context.org.id, agent.id, false);
    const { conversation } = engine.start(served, { channel: 'chat', surface: 'completions', endUser: input.user, greet: false });
    const id = `chatcmpl-${conversation.id}`;
    const created = Math.floor(context.services.now().getTime() / 1000);
    // As OpenAI does: with include_usage, every chunk carries `usage`, null until the last one.
    const includeUsage = input.stream_options?.include_usage === true;
    const emitChunk = (choices: unknown[], usage: Usage | null = null) =>
      context.emit({
        type: 'chunk',
        transient: true,
        data: { id, object: 'chat.completion.chunk', created, model: agent.id, choices, ...(includeUsage ? { usage } : {}) },
      });
    const chunk = (delta: Record<string, unknown>, finishReason: 'stop' | null) =>
      emitChunk([{ index: 0, delta, finish_reason: finishReason, logprobs: null }]);
    chunk({ role: 'assistant', content: '' }, null);
    const history = spoken.slice(0, -1).flatMap((message) => {
      const text = textOf(message.content).trim();
      return text ? [{ role: message.role as 'user' | 'assistant', content: text }] : [];
    });
    const turn = await engine.turn(conversation, { text: question, history }, {
      signal: context.signal,
      emit: (event) => {
        if (event.type === 'token') chunk({ content: (event.data as { delta: string }).delta }, null);
      },
    });
    engine.end(conversation, 'completed');
    chunk({}, 'stop');
    const usage = usageOf(turn.usage, spoken.map((message) => textOf(message.content)).join('\n'), turn.reply.content);
    if (includeUsage) emitChunk([], usage);
    return {
      id,
      object: 'chat.completion' as const,
      created,
      model: agent.id,
      choices: [{ index: 0, message: { role: 'assistant' as const, content: turn.reply.content, refusal: null }, finish_reason: 'stop' as const, logprobs: null }],
      usage,
    };
  },
});

import { afterEach, describe, expect, it } from 'vitest';
import { APICallError, generateText, stepCountIs, streamText, tool, type TextStreamPart, type ToolSet } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { createChatModel } from '../../src/runtime/models/chat-model.ts';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
  type ChatScript,
  type RecordedRequest,
} from '../support/chat-completions-server.ts';

const servers: ChatCompletionsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(script: ChatScript): Promise<ChatCompletionsServer> {
  const server = await startChatCompletionsServer(script);
  servers.push(server);
  return server;
}

function modelAt(server: ChatCompletionsServer) {
  return createChatModel({ provider: 'openai', baseUrl: server.baseUrl, apiKey: 'sk-test', name: 'test-model' });
}

/** The settled rejection of a promise, or undefined when it resolved. */
async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(() => undefined, (error: unknown) => error);
}

const WEATHER_ARGUMENTS = { city: 'Paris', unit: 'celsius', note: 'près de la tour « Eiffel »' };
const WEATHER_REPORT = { city: 'Paris', temperatureC: 18, sky: 'clear' };
// Non-ASCII text, so streamed deltas (sent split mid-bytes) must be decoded across reads.
const ANSWER = 'It is 18 °C and clear in Paris — enjoy your day.';

/** A model that asks for the weather, then answers once it sees a tool result. */
const weatherScript: ChatScript = (request) => {
  const last = request.body.messages.at(-1);
  if (last?.role === 'tool') return { content: ANSWER, usage: { promptTokens: 23, completionTokens: 5 } };
  return { toolCalls: [{ name: 'get_weather', arguments: WEATHER_ARGUMENTS }], usage: { promptTokens: 11, completionTokens: 7 } };
};

function weatherTools(inputs: unknown[]) {
  return {
    get_weather: tool({
      description: 'Current weather for a city.',
      inputSchema: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']), note: z.string().optional() }),
      execute: async (input) => {
        inputs.push(input);
        return WEATHER_REPORT;
      },
    }),
  } satisfies ToolSet;
}

const PROMPT = { system: 'You are a terse weather assistant.', prompt: 'Weather in Paris?' };

/** What the second request must carry: the assistant's tool call, then its result with the same id. */
function expectToolRoundTrip(second: RecordedRequest) {
  const messages = second.body.messages;
  expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  const assistant = messages[2];
  const toolMessage = messages[3];
  if (assistant.role !== 'assistant' || toolMessage.role !== 'tool') throw new Error('unexpected roles');
  const call = assistant.tool_calls?.[0];
  if (call?.type !== 'function') throw new Error('expected a function tool call');
  expect(call).toMatchObject({ id: 'call_test1', function: { name: 'get_weather' } });
  expect(JSON.parse(call.function.arguments)).toEqual(WEATHER_ARGUMENTS);
  expect(toolMessage.tool_call_id).toBe('call_test1');
  expect(JSON.parse(String(toolMessage.content))).toEqual(WEATHER_REPORT);
}

describe('createChatModel (openai provider)', () => {
  it('sends the model name, bearer key, system prompt and tool JSON schema to /v1/chat/completions', async () => {
    const server = await serve(() => ({ content: 'Sunny.' }));
    await generateText({ model: modelAt(server), ...PROMPT, tools: weatherTools([]) });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.authorization).toBe('Bearer sk-test');
    expect(request.body.model).toBe('test-model');
    expect(request.body.stream).not.toBe(true);
    expect(request.body.messages).toEqual([
      { role: 'system', content: PROMPT.system },
      { role: 'user', content: PROMPT.prompt },
    ]);
    expect(request.body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: expect.objectContaining({
            type: 'object',
            properties: {
              city: { type: 'string' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
              note: { type: 'string' },
            },
            required: ['city', 'unit'],
          }),
        },
      },
    ]);
  });

  it('runs a two-step tool loop without streaming and reports usage', async () => {
    const server = await serve(weatherScript);
    const inputs: unknown[] = [];
    const result = await generateText({ model: modelAt(server), ...PROMPT, tools: weatherTools(inputs), stopWhen: stepCountIs(3) });

    expect(inputs).toEqual([WEATHER_ARGUMENTS]);
    expect(result.steps.map((step) => step.finishReason)).toEqual(['tool-calls', 'stop']);
    expect(result.text).toBe(ANSWER);
    expect(server.requests).toHaveLength(2);
    expectToolRoundTrip(server.requests[1]);
    expect(result.usage).toMatchObject({ inputTokens: 23, outputTokens: 5, totalTokens: 28 });
    expect(result.totalUsage).toMatchObject({ inputTokens: 34, outputTokens: 12, totalTokens: 46 });
  });

  it('runs the same loop streaming: fragmented arguments reassembled, text deltas concatenated', async () => {
    const server = await serve(weatherScript);
    const inputs: unknown[] = [];
    const result = streamText({ model: modelAt(server), ...PROMPT, tools: weatherTools(inputs), stopWhen: stepCountIs(3) });

    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(inputs).toEqual([WEATHER_ARGUMENTS]);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(ANSWER);
    expect(await result.text).toBe(ANSWER);
    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.body.stream).toBe(true);
      expect(request.body.stream_options).toEqual({ include_usage: true });
    }
    expectToolRoundTrip(server.requests[1]);
    expect(await result.totalUsage).toMatchObject({ inputTokens: 34, outputTokens: 12, totalTokens: 46 });
  });

  it('surfaces a 500 as a retryable APICallError carrying the server message', async () => {
    const server = await serve(() => ({ status: 500, error: { message: 'The model crashed.', type: 'server_error' } }));
    const error = await rejectionOf(generateText({ model: modelAt(server), prompt: 'Hi', maxRetries: 0 }));

    if (!APICallError.isInstance(error)) throw new Error(`expected an APICallError, got ${String(error)}`);
    expect(error.statusCode).toBe(500);
    expect(error.message).toBe('The model crashed.');
    expect(error.isRetryable).toBe(true);
  });

  it('surfaces a 401 as a non-retryable APICallError', async () => {
    const server = await serve(() => ({ status: 401 }));
    const error = await rejectionOf(generateText({ model: modelAt(server), prompt: 'Hi' }));

    if (!APICallError.isInstance(error)) throw new Error(`expected an APICallError, got ${String(error)}`);
    expect(error.statusCode).toBe(401);
    expect(error.isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('ends a stream with an error part, not a hang, when the server answers 500', async () => {
    const server = await serve(() => ({ status: 500 }));
    const result = streamText({ model: modelAt(server), prompt: 'Hi', maxRetries: 0, onError: () => {} });

    const parts: TextStreamPart<ToolSet>[] = [];
    for await (const part of result.fullStream) parts.push(part);

    const errorPart = parts.find((part) => part.type === 'error');
    expect(errorPart?.type === 'error' && APICallError.isInstance(errorPart.error) && errorPart.error.statusCode).toBe(500);
  });
});

describe('createChatModel (local provider)', () => {
  it('returns the embedded model, whose provider is flowyte', () => {
    const model = createChatModel({ provider: 'local', baseUrl: '', name: 'gpt-4o-mini' });
    expect(model.provider).toBe('flowyte');
  });
});

describe('the chat-completions test server', () => {
  it('streams tool-call arguments in several fragments that the official openai SDK reassembles', async () => {
    const server = await serve(weatherScript);
    const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'sk-test' });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      stream: true,
      stream_options: { include_usage: true },
    });

    const fragments: string[] = [];
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.arguments) fragments.push(call.function.arguments);
    }

    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual(WEATHER_ARGUMENTS);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } });
  });
});

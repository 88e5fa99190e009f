/**
 * The streams the OpenAPI document describes are the streams the server sends: real SSE responses
 * of the streaming operations, every frame validated against the document's frame schemas.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform, type SseFrame } from '../chat-helpers.ts';

let platform: ChatPlatform;
let ajv: Ajv2020;
let paths: Record<string, Record<string, { operationId: string }>>;

beforeAll(async () => {
  platform = await createChatPlatform();
  await platform.publish();
  const document = await body(await platform.app.request('/api/v1/openapi.json'));
  paths = document.paths;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
});
afterAll(() => platform?.close());

/** The frames of a streamed response, each checked against its operation's documented frames. */
async function checkStream(operationId: string, response: Response): Promise<SseFrame[]> {
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const frames = parseSse(await response.text());
  const [pathName, method] = Object.entries(paths).flatMap(([name, item]) =>
    Object.entries(item).filter(([, operation]) => operation.operationId === operationId).map(([verb]) => [name, verb]),
  )[0];
  const pointer = ['paths', pathName, method, 'responses', '200', 'content', 'text/event-stream', 'schema', 'items']
    .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const validate = ajv.getSchema(`openapi.json#/${pointer}`)!;
  const openai = operationId === 'create_chat_completion';
  const failures = frames.flatMap((frame) => (validate(openai ? { data: frame.data } : frame) ? [] : [`${frame.event}: ${ajv.errorsText(validate.errors)}`]));
  expect(failures).toEqual([]);
  return frames;
}

describe('the documented streams', () => {
  it('simulate_agent sends receipt events, then done', async () => {
    const response = await platform.request('POST', `/agents/${platform.agentId}/simulate`, { body: { message: 'What does a visit cost?' } });
    const events = (await checkStream('simulate_agent', response)).map((frame) => frame.event);
    expect(events).toEqual(expect.arrayContaining(['user_utterance', 'agent_message']));
    expect(events.at(-1)).toBe('done');
  });

  it('send_chat_message with stream: true sends tokens and receipt events, then done', async () => {
    const session = (await body(await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId } }))).data;
    const response = await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'When are you open?', stream: true } });
    const events = (await checkStream('send_chat_message', response)).map((frame) => frame.event);
    expect(events).toEqual(expect.arrayContaining(['token', 'agent_message']));
    expect(events.at(-1)).toBe('done');
  });

  it('stream_knowledge_source sends the status, then done with the source', async () => {
    const source = await platform.addSource({ kind: 'text', label: 'More', text: 'We also fix water heaters.' });
    await platform.drain();
    const response = await platform.request('GET', `/agents/${platform.agentId}/knowledge/sources/${source.id}/stream`);
    const frames = await checkStream('stream_knowledge_source', response);
    expect(frames.map((frame) => frame.event)).toEqual(['status', 'done']);
  });

  it('create_chat_completion streams chat.completion.chunk objects, then [DONE]', async () => {
    const response = await platform.request('POST', '/chat/completions', {
      body: { model: platform.agentId, messages: [{ role: 'user', content: 'What does a visit cost?' }], stream: true },
    });
    const frames = await checkStream('create_chat_completion', response);
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.at(-1)!.data).toBe('[DONE]');
  });

  it('scaffold_agent streams its steps, then done', async () => {
    const response = await platform.request('POST', '/agents/scaffold', { body: { name: 'Scaffolded', description: 'A bakery that takes cake orders.' } });
    const events = (await checkStream('scaffold_agent', response)).map((frame) => frame.event);
    expect(events).toContain('step');
    expect(events.at(-1)).toBe('done');
  });

  it('assist with stream: true streams the copilot, then done', async () => {
    const response = await platform.request('POST', '/assist', { body: { message: 'List my agents', stream: true } });
    const events = (await checkStream('assist', response)).map((frame) => frame.event);
    expect(events.at(-1)).toBe('done');
  });
});

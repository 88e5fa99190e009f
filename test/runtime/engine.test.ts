import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform } from '../chat-helpers.ts';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatScript } from '../support/chat-completions-server.ts';

let platform: ChatPlatform | undefined;
let server: ChatCompletionsServer | undefined;
const opened = closeAfterEach();

/** A published agent whose model is an OpenAI-compatible server following `script`. */
async function withServerModel(script: ChatScript, caps: { maxToolCallsPerTurn?: number; maxModelStepsPerTurn?: number } = {}) {
  server = opened(await startChatCompletionsServer(script));
  platform = opened(await createChatPlatform({ model: { provider: 'openai', baseUrl: server.baseUrl, apiKey: 'sk-test', name: 'test-model' }, ...caps }));
  await platform.publish();
  const session = (await body(await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId } }))).data;
  return { chat: platform, server, session };
}

const lastMessage = (request: Parameters<ChatScript>[0]) => request.body.messages.at(-1)!;

describe('the conversation engine on an OpenAI-compatible server', () => {
  it('runs the tool the model asks for, hands back the passages, and streams the model\'s answer', async () => {
    const { chat, server, session } = await withServerModel((request) => {
      const last = lastMessage(request);
      if (last.role === 'tool') {
        const passages = JSON.parse(String(last.content)).passages as { text: string }[];
        return { content: `From our records: ${passages[0].text}` };
      }
      return { toolCalls: [{ name: 'search_knowledge', arguments: { query: String(last.content) } }] };
    });
    const response = await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'What does a visit cost?', stream: true } });
    const frames = parseSse(await response.text());
    expect(frames.map((frame) => frame.event).filter((event) => event !== 'token')).toEqual(['user_utterance', 'kb_retrieval', 'agent_message', 'done']);
    expect(frames.filter((frame) => frame.event === 'token').length).toBeGreaterThan(1);
    const reply = frames.find((frame) => frame.event === 'agent_message')!.data.text;
    expect(reply).toMatch(/^From our records: [\s\S]*95 dollars/);

    // On the wire: the agent's instructions, the tool's JSON schema, then the tool result.
    const [first, second] = server.requests;
    expect(first.authorization).toBe('Bearer sk-test');
    expect(first.body.model).toBe('test-model');
    expect(first.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('You are Acme front desk') });
    expect(first.body.tools?.map((tool) => (tool as { function: { name: string } }).function.name)).toEqual(['search_knowledge']);
    expect(second.body.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringContaining('95 dollars') });
  });

  it('caps tool calls and model steps in a turn, and says so in the receipt', async () => {
    const { chat, server, session } = await withServerModel(
      () => ({ toolCalls: [{ name: 'search_knowledge', arguments: { query: 'again' } }] }),
      { maxToolCallsPerTurn: 2, maxModelStepsPerTurn: 3 },
    );
    const turn = (await body(await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Loop forever' } }))).data;
    expect(server.requests).toHaveLength(3);
    expect(turn.events.map((event: any) => (event.type === 'guardrail' ? `guardrail:${event.data.rule}` : event.type))).toEqual([
      'user_utterance', 'kb_retrieval', 'kb_retrieval', 'guardrail:max_tool_calls', 'guardrail:max_model_steps', 'agent_message',
    ]);
    expect(turn.events.at(-1).data.kind).toBe('fallback');
    expect(turn.messages[1].content).toMatch(/take a message/);
  });

  it('answers 502 model_error when the model fails, and keeps nothing of the failed turn', async () => {
    const { chat, session } = await withServerModel(() => ({ status: 500 }));
    const before = chat.services.conversations.find(chat.orgA.org.id, session.id)!;
    const response = await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Hello?' } });
    expect(response.status).toBe(502);
    expect((await body(response)).code).toBe('model_error');
    const after = chat.services.conversations.find(chat.orgA.org.id, session.id)!;
    expect([after.messageCount, after.eventCount]).toEqual([before.messageCount, before.eventCount]);
    expect(chat.services.usage.all({ orgId: chat.orgA.org.id })).toEqual([]);
  });
});

describe('the conversation engine on the local model', () => {
  it('marks a reply the knowledge could not support as a fallback in the receipt', async () => {
    platform = opened(await createChatPlatform());
    const session = (await body(await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId, draftMode: true } }))).data;
    const turn = (await body(await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Do you sell helicopters?' } }))).data;
    expect(turn.events.at(-1)).toMatchObject({ type: 'agent_message', data: { kind: 'fallback' } });
    const answered = (await body(await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'When are you open on Saturday?' } }))).data;
    expect(answered.events.at(-1).data.kind).toBe('reply');
  });
});

describe('conversation summaries with a configured model', () => {
  it('replace the extractive summary with the model\'s one line once the conversation ends', async () => {
    const { chat, session } = await withServerModel((request) => {
      const system = String(request.body.messages[0]?.content ?? '');
      if (system.startsWith('Summarize this customer conversation')) return { content: 'Wanted the Saturday hours and got them.' };
      return { content: 'We are open Saturday from 9am to noon.' };
    });
    await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'When are you open on Saturday?' } });
    await chat.request('POST', `/chat/sessions/${session.id}/end`);
    const extractive = chat.services.conversations.find(chat.orgA.org.id, session.id)!.summary;
    expect(extractive).toMatch(/^Asked "When are you open on Saturday\?"/);
    let summary = extractive;
    for (let attempt = 0; attempt < 100 && summary === extractive; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      summary = chat.services.conversations.find(chat.orgA.org.id, session.id)!.summary;
    }
    expect(summary).toBe('Wanted the Saturday hours and got them.');
  });
});

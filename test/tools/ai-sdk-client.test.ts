/** The OpenAI-compatible face through the `ai` SDK's openai-compatible provider, as a TypeScript app would call it. */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { listen } from '../fixtures/listen.ts';

const opened = closeAfterEach();

/** A chat platform closed (background work first) when the test ends. */
async function chatPlatform(): Promise<ChatPlatform> {
  const chat = await createChatPlatform();
  opened({ close: () => (chat.background.stop(), chat.close()) });
  return chat;
}

/** The provider pointed at the platform's /api/v1 on a real port, with the given key. */
async function providerOf(chat: ChatPlatform, apiKey = chat.orgA.apiKey.secret) {
  const server = opened(await listen(chat.app));
  return createOpenAICompatible({ name: 'flowyte', baseURL: `${server.origin}/api/v1`, apiKey, includeUsage: true });
}

describe('the ai SDK against /chat/completions', () => {
  it('generateText gets the published agent’s answer and its token usage', async () => {
    const platform = await chatPlatform();
    await platform.publish();
    const flowyte = await providerOf(platform);
    const result = await generateText({ model: flowyte(platform.agentId), prompt: 'How much does a call-out visit cost?', maxRetries: 0 });
    expect(result.text).toContain('95 dollars');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streamText receives the reply in pieces and the usage of the last chunk', async () => {
    const platform = await chatPlatform();
    await platform.publish();
    const flowyte = await providerOf(platform);
    const result = streamText({ model: flowyte(platform.agentId), prompt: 'How much does a call-out visit cost?', maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toContain('95 dollars');
    const usage = await result.usage;
    expect(usage.totalTokens).toBe((usage.inputTokens ?? 0) + (usage.outputTokens ?? 0));
    expect(usage.totalTokens).toBeGreaterThan(0);
  });

  it('surfaces an unknown model as an APICallError carrying the OpenAI error message', async () => {
    const platform = await chatPlatform();
    const flowyte = await providerOf(platform);
    const error = await generateText({ model: flowyte('agt_nope'), prompt: 'Hello', maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400 });
    expect((error as APICallError).message).toMatch(/agt_nope/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform } from '../chat-helpers.ts';

const SITE = 'https://www.acme.example';
let platform: ChatPlatform | undefined;
afterEach(() => {
  platform?.background.stop();
  platform?.close();
  platform = undefined;
});

async function mintKey(chat: ChatPlatform, fields: Record<string, unknown> = {}) {
  const response = await chat.request('POST', `/agents/${chat.agentId}/publishable-keys`, { body: { name: 'Site', allowedOrigins: [SITE], ...fields } });
  return (await body(response)).data;
}

const asVisitor = (key: { keyPublic: string }, origin = SITE) => ({ token: key.keyPublic, headers: { Origin: origin } });

describe('create_widget_session', () => {
  it('opens an anonymous session on the live version, and the visitor chats in it', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const key = await mintKey(platform);
    const opened = await platform.request('POST', '/chat/widget/sessions', { ...asVisitor(key), body: {} });
    expect(opened.status).toBe(201);
    const session = (await body(opened)).data;
    expect(session).toMatchObject({ agentId: platform.agentId, verified: false, greeting: 'Hi, this is Acme Plumbing. How can I help?' });
    expect(session.visitorId).toMatch(/^anon_/);

    const reply = await platform.request('POST', session.messagesPath, { ...asVisitor(key), body: { content: 'When are you open?', stream: true } });
    const frames = parseSse(await reply.text());
    // A visitor sees the words, never the receipt (retrievals, tool calls).
    expect(new Set(frames.map((frame) => frame.event))).toEqual(new Set(['token', 'agent_message', 'done']));
    expect(frames.at(-1)!.data.events).toEqual([]);
    expect(frames.at(-2)!.data.text).toContain('Monday to Friday');

    const history = await body(await platform.request('GET', session.messagesPath, asVisitor(key)));
    expect(history.data.map((message: any) => message.role)).toEqual(['assistant', 'user', 'assistant']);
  });

  it('refuses an origin that is not allowed, and a never-published agent', async () => {
    platform = await createChatPlatform();
    const key = await mintKey(platform);
    const elsewhere = await platform.request('POST', '/chat/widget/sessions', { ...asVisitor(key, 'https://evil.example'), body: {} });
    expect(elsewhere.status).toBe(403);
    const unpublished = await platform.request('POST', '/chat/widget/sessions', { ...asVisitor(key), body: {} });
    expect(unpublished.status).toBe(409);
    expect((await body(unpublished)).code).toBe('no_published_version');
  });

  it('keeps a visitor out of sessions that are not their widget\'s', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const key = await mintKey(platform);
    const apiSession = (await body(await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId } }))).data;
    const response = await platform.request('POST', `/chat/widget/sessions/${apiSession.id}/messages`, { ...asVisitor(key), body: { content: 'Hi' } });
    expect(response.status).toBe(404);
  });

  it('requires a signed visitor token when the key asks for identity verification', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const key = await mintKey(platform, { requireIdentityVerification: true });
    const anonymous = await platform.request('POST', '/chat/widget/sessions', { ...asVisitor(key), body: {} });
    expect(anonymous.status).toBe(403);
    expect((await body(anonymous)).code).toBe('identity_verification_failed');

    const minted = (await body(await platform.request('POST', `/agents/${platform.agentId}/publishable-keys/${key.id}/visitor-tokens`, {
      body: { visitorId: 'customer-42' },
    }))).data;
    const tampered = `${minted.visitorToken.slice(0, -2)}xx`;
    const refused = await platform.request('POST', '/chat/widget/sessions', { ...asVisitor(key), body: { visitorToken: tampered } });
    expect(refused.status).toBe(403);
    const verified = await platform.request('POST', '/chat/widget/sessions', { ...asVisitor(key), body: { visitorToken: minted.visitorToken } });
    expect(verified.status).toBe(201);
    expect((await body(verified)).data).toMatchObject({ visitorId: 'customer-42', verified: true });
  });
});

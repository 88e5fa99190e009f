/**
 * No path runs a destructive tool without a matching confirmation: a model (a local server speaking
 * the chat-completions protocol) asks the copilot for every destructive tool in the registry with a
 * valid input, and each one is only paused; the org reads exactly as before. Then one confirmation
 * runs its action once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { TOOLS } from '../../src/tools/index.ts';
import { fixtureFor, hasFixture, seedOrg, type Seed } from '../fixtures/tool-inputs.ts';
import { pictureOfOrg } from '../fixtures/picture.ts';
import { startChatCompletionsServer, type ChatCompletionsServer } from '../support/chat-completions-server.ts';

const DESTRUCTIVE = TOOLS.filter((tool) => tool.flags.destructive && hasFixture(tool));

let platform: Platform;
let server: ChatCompletionsServer;
let seed: Seed;

beforeAll(async () => {
  platform = createPlatform();
  seed = await seedOrg(platform);
  server = await startChatCompletionsServer((request) => {
    const messages = request.body.messages;
    if (messages.at(-1)!.role === 'tool') return { content: 'That step is waiting for your confirmation.' };
    const asked = String(messages.filter((message) => message.role === 'user').at(-1)!.content);
    const tool = DESTRUCTIVE.find((candidate) => asked === `Run ${candidate.name}`)!;
    return { toolCalls: [{ name: tool.name, arguments: fixtureFor(tool).input(seed) }] };
  });
  // The copilot plans with the model server from here on (the seed ran on the local model).
  platform.services.config.model = { provider: 'openai', baseUrl: server.baseUrl, apiKey: 'sk-test', name: 'gate-test' };
}, 120_000);

afterAll(async () => {
  platform?.close();
  await server?.close();
});

describe('the copilot never runs a destructive tool unconfirmed', () => {
  it(`pauses each of the ${DESTRUCTIVE.length} destructive tools and changes nothing`, async () => {
    expect(DESTRUCTIVE.length).toBeGreaterThan(20);
    const session = platform.orgA.session.token;
    const before = await pictureOfOrg(platform, seed);
    for (const tool of DESTRUCTIVE) {
      const response = await platform.request('POST', '/assist', { body: { message: `Run ${tool.name}` }, token: session });
      const result = (await body(response)).data;
      expect(response.status, tool.name).toBe(200);
      expect(result.toolCalls.map((call: any) => [call.tool, call.status]), tool.name).toEqual([[tool.name, 'pending']]);
      expect(result.pendingActions.map((action: any) => action.tool), tool.name).toEqual([tool.name]);
      expect(result.changes, tool.name).toEqual([]);
    }
    platform.services.audit.flush();
    const ran = platform.services.db.prepare("SELECT endpoint FROM audit_logs WHERE via = 'copilot'").pluck().all() as string[];
    expect(ran.filter((endpoint) => DESTRUCTIVE.some((tool) => tool.name === endpoint))).toEqual([]);
    expect(await pictureOfOrg(platform, seed)).toEqual(before);
  });

  it('runs a paused action once its id comes back confirmed', async () => {
    const session = platform.orgA.session.token;
    const asked = (await body(await platform.request('POST', '/assist', { body: { message: 'Run delete_webhook_endpoint' }, token: session }))).data;
    const [action] = asked.pendingActions;
    const done = (await body(await platform.request('POST', '/assist', { body: { threadId: asked.threadId, confirm: [action.id] }, token: session }))).data;
    expect(done.changes).toEqual([{ tool: 'delete_webhook_endpoint', summary: action.summary, id: seed.webhookEndpointId, actionId: action.id }]);
    expect((await platform.request('GET', `/webhooks/${seed.webhookEndpointId}`)).status).toBe(404);
  });
});

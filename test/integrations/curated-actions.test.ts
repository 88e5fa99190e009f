/**
 * Ready-made actions: the catalog of each curated provider's actions, provisioning them as skills
 * (important ones by default, idempotent, disabled while they need settings), the origin shown on
 * skills, removing an integration's skills, and what a provisioned skill says once its provider
 * is disconnected.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startShopifyServer, type ShopifyServer } from '../support/shopify-server.ts';
import { call, connectShopify, providerConfig, replies, talkLive, toolCalls } from './curated-helpers.ts';

const opened = closeAfterEach();
let shop: ShopifyServer;
let platform: ChatPlatform;
beforeEach(async () => {
  shop = opened(await startShopifyServer());
  platform = opened(await createChatPlatform(providerConfig({ shopify: shop })));
});

const provision = (payload: unknown = {}, agentId = platform.agentId) => platform.request('POST', `/agents/${agentId}/integrations/shopify/provision`, { body: payload });

describe('list_integration_actions', () => {
  it("lists each action's slug, parameters and the settings it still needs", async () => {
    const calendar = await call(platform, 'GET', '/integrations/google_calendar/actions');
    expect(calendar.map((action: { slug: string }) => action.slug)).toEqual(['check_availability', 'book_appointment']);
    expect(calendar[1]).toMatchObject({ name: 'Book an appointment', important: true, readOnly: false, configNeeded: [] });
    expect(calendar[1].parameters.required).toEqual(['caller_name', 'caller_phone', 'date', 'time']);
    const sheets = await call(platform, 'GET', '/integrations/google_sheets/actions');
    expect(sheets[0]).toMatchObject({ slug: 'append_row', readOnly: false });
    expect(sheets[0].configNeeded.map((needed: { key: string }) => needed.key)).toEqual(['spreadsheetId', 'sheet', 'columns']);
    const store = await call(platform, 'GET', '/integrations/shopify/actions');
    expect(store).toEqual([expect.objectContaining({ slug: 'lookup_order', readOnly: true, important: true, configNeeded: [] })]);
  });

  it('returns 404 for a provider that is not in the catalog', async () => {
    expect((await platform.request('GET', '/integrations/calendly/actions')).status).toBe(404);
  });
});

describe('provision_integration_actions', () => {
  it('returns 409 integration_not_connected before the provider is connected', async () => {
    const response = await provision();
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('integration_not_connected');
  });

  it('provisions the important actions when none are named, and is a no-op the second time', async () => {
    await connectShopify(platform, shop);
    const first = (await body(await provision())).data;
    expect(first).toHaveLength(1);
    expect(first[0].created).toBe(true);
    expect(first[0].skill).toMatchObject({
      name: 'Look up an order',
      skillType: 'integration_action',
      enabled: true,
      executionConfig: { kind: 'shopify', action: 'lookup_order' },
      integration: { kind: 'shopify', ref: 'action:lookup_order' },
    });
    const again = (await body(await provision({ actions: ['lookup_order'] }))).data;
    expect(again).toEqual([{ skill: first[0].skill, created: false }]);
    const skills = await call(platform, 'GET', `/agents/${platform.agentId}/skills`);
    expect(skills).toHaveLength(1);
  });

  it('returns 400 validation_error naming an unknown action, and provisions nothing', async () => {
    await connectShopify(platform, shop);
    const response = await provision({ actions: ['lookup_order', 'refund_order'] });
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors).toEqual([{ field: 'actions.1', message: expect.stringContaining('refund_order is not an action of shopify') }]);
    expect(await call(platform, 'GET', `/agents/${platform.agentId}/skills`)).toEqual([]);
  });

  it("lands an action that needs operator settings disabled, until they are set", async () => {
    platform.services.integrations.connect(platform.orgA.org.id, 'google_sheets', { access_token: 'x', refresh_token: 'y', expires_at: '2100-01-01T00:00:00Z' }, 'a@example.com');
    const [item] = (await call(platform, 'POST', `/agents/${platform.agentId}/integrations/google_sheets/provision`, {}));
    expect(item).toMatchObject({ created: true, skill: { enabled: false, executionConfig: { kind: 'google_sheets', action: 'append_row' } } });

    const unknownSetting = await platform.request('PATCH', `/agents/${platform.agentId}/skills/${item.skill.id}`, {
      body: { executionConfig: { kind: 'google_sheets', action: 'append_row', colour: 'green' } },
    });
    expect(unknownSetting.status).toBe(400);
    expect((await body(unknownSetting)).errors.map((error: { field: string }) => error.field)).toEqual(['executionConfig.colour']);

    // An edit that does not mention enabled (or the settings) keeps them as they are.
    const renamed = await call(platform, 'PATCH', `/agents/${platform.agentId}/skills/${item.skill.id}`, { name: 'Log the lead' });
    expect(renamed).toMatchObject({ name: 'Log the lead', enabled: false, stakes: 'medium', executionConfig: { kind: 'google_sheets', action: 'append_row' } });

    const updated = await call(platform, 'PATCH', `/agents/${platform.agentId}/skills/${item.skill.id}`, {
      enabled: true,
      executionConfig: { kind: 'google_sheets', action: 'append_row', spreadsheetId: 'https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit#gid=0', sheet: 'Leads', columns: { Name: 'caller_name' } },
    });
    expect(updated).toMatchObject({ enabled: true, integration: { kind: 'google_sheets', ref: 'action:append_row' } });
    expect(updated.executionConfig.spreadsheetId).toBe('1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms');
  });

  it("returns 404 for another org's agent", async () => {
    await connectShopify(platform, shop, platform.orgB.apiKey.secret);
    const response = await platform.request('POST', `/agents/${platform.agentId}/integrations/shopify/provision`, { body: {}, token: platform.orgB.apiKey.secret });
    expect(response.status).toBe(404);
    expect(platform.services.skills.all(platform.orgA.org.id, platform.agentId)).toEqual([]);
  });
});

describe('remove_integration_skills', () => {
  it("deletes the integration's skills and leaves hand-made ones and other integrations' alone", async () => {
    await connectShopify(platform, shop);
    platform.services.integrations.connect(platform.orgA.org.id, 'google_calendar', { access_token: 'x', refresh_token: 'y', expires_at: '2100-01-01T00:00:00Z' }, 'a@example.com');
    const [order] = (await body(await provision())).data;
    await call(platform, 'POST', `/agents/${platform.agentId}/integrations/google_calendar/provision`, { actions: ['check_availability'] });
    const handMade = await call(platform, 'POST', `/agents/${platform.agentId}/skills`, { name: 'Take a message', description: 'Take a message for the team.', skillType: 'take_message' });
    expect(handMade.integration).toBeNull();

    expect(await body(await platform.request('DELETE', `/agents/${platform.agentId}/integrations/shopify/provision`))).toEqual({ success: true, data: [order.skill.id], kind: 'shopify' });
    const left = await call(platform, 'GET', `/agents/${platform.agentId}/skills`);
    expect(left.map((skill: { name: string }) => skill.name).sort()).toEqual(['Check availability', 'Take a message']);
    expect(await call(platform, 'DELETE', `/agents/${platform.agentId}/integrations/shopify/provision`)).toEqual([]);
  });
});

describe('a provisioned skill whose provider was disconnected', () => {
  it('stays on the agent, and its run answers in words the agent can say', async () => {
    await connectShopify(platform, shop);
    await provision();
    await platform.publish();
    await call(platform, 'DELETE', '/integrations/shopify');
    expect(await call(platform, 'GET', `/agents/${platform.agentId}/skills`)).toHaveLength(1);

    const frames = await talkLive(platform, platform.agentId, ['Where is my order #1001?']);
    const [lookup] = toolCalls(frames);
    expect(lookup).toMatchObject({ name: 'look_up_an_order', ok: false });
    expect(lookup.output.error).toContain('Shopify is not connected');
    expect(replies(frames).at(-1)).toBe("I can't do that just yet. I can take a message so someone gets back to you.");
    expect(shop.requests.filter((request) => request.operationName === 'OrderLookup')).toEqual([]);
  });
});

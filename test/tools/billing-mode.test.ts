/**
 * The billing mode (FLOWYTE_BILLING) over REST: with billing off (the self-hosted default) usage is
 * metered and priced but nothing is refused for balance and the wallet is never debited; with
 * billing prepaid an empty wallet answers 402. A widget visitor turned away leaves the owner a log
 * line and a widget.unavailable event.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Logger } from '../../src/services.ts';
import { chargeDueRentals } from '../../src/runtime/numbers/rental.ts';
import { body, createPlatform, PREPAID, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';

const opened = closeAfterEach();
const NUMBER = '+14155550142';

/** A platform on a movable clock whose org A has a published agent and an empty wallet. */
async function platformWithAgent(overrides: Partial<Config> = {}) {
  const clock = { now: new Date('2026-03-10T12:00:00Z') };
  const platform = opened(createPlatform(overrides, undefined, () => clock.now));
  const agent = await ok(platform, 'POST', '/agents', { name: 'Front desk', greeting: 'Hi, how can I help?' });
  await ok(platform, 'POST', `/agents/${agent.id}/publish`, {});
  return { platform, clock, agentId: agent.id as string, orgId: platform.orgA.org.id, session: platform.orgA.session.token };
}

async function ok(platform: Platform, method: string, path: string, payload?: unknown, token?: string): Promise<any> {
  const response = await platform.request(method, path, { body: payload, token });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await body(response)).data;
}

/** A problem response's status and code. */
async function refusal(platform: Platform, method: string, path: string, payload?: unknown, token?: string): Promise<{ status: number; code: string }> {
  const response = await platform.request(method, path, { body: payload, token });
  return { status: response.status, code: (await body(response)).code };
}

const ledger = (platform: Platform) => platform.services.wallet.entries(platform.orgA.org.id, { limit: 100 }).items;

describe('FLOWYTE_BILLING', () => {
  it('is off by default, prepaid when asked, and a startup error naming the variable otherwise', () => {
    expect(loadConfig({}).billing).toBe('off');
    expect(loadConfig({ FLOWYTE_BILLING: 'off' }).billing).toBe('off');
    expect(loadConfig({ FLOWYTE_BILLING: 'prepaid' }).billing).toBe('prepaid');
    expect(() => loadConfig({ FLOWYTE_BILLING: 'postpaid' })).toThrow(/FLOWYTE_BILLING must be "off" \(the default\) or "prepaid", got "postpaid"/);
  });
});

describe('billing off', () => {
  it('serves a live chat from an empty wallet and meters it without taking anything', async () => {
    const { platform, agentId } = await platformWithAgent();
    const chat = await ok(platform, 'POST', '/chat/sessions', { agentId });
    for (const content of ['Hello', 'When are you open?']) await ok(platform, 'POST', `/chat/sessions/${chat.id}/messages`, { content });
    await ok(platform, 'POST', `/chat/sessions/${chat.id}/end`);

    const items = await ok(platform, 'GET', '/billing/usage/items');
    expect(items.map((item: any) => [item.kind, item.quantity, item.credits, item.conversationId])).toEqual([
      ['chat_message', 1, 1, chat.id],
      ['chat_message', 1, 1, chat.id],
    ]);
    expect(await ok(platform, 'GET', '/billing/usage')).toEqual([expect.objectContaining({ agentId, credits: 2 })]);
    expect((await ok(platform, 'GET', '/analytics/overview')).spendUsd).toBe(0.02);
    expect(await ok(platform, 'GET', '/billing/wallet')).toMatchObject({ billingMode: 'off', balanceCents: 0, owedUsd: 0 });
    expect(ledger(platform)).toEqual([]);
  });

  it('buys a number with no funds and meters its rent, then and every month, without debiting the wallet', async () => {
    const { platform, clock, orgId } = await platformWithAgent();
    const number = await ok(platform, 'POST', '/numbers/purchase', { e164: NUMBER });
    expect(number).toMatchObject({ e164: NUMBER });
    clock.now = new Date('2026-04-11T12:00:00Z');
    expect(chargeDueRentals(platform.services)).toBe(1);

    const rent = platform.services.usage.all({ orgId }).map((item) => [item.kind, item.credits]);
    expect(rent).toEqual([
      ['number_rental', 150],
      ['number_rental', 150],
    ]);
    expect(await ok(platform, 'GET', '/billing/wallet')).toMatchObject({ balanceCents: 0, owedUsd: 0 });
    expect(ledger(platform)).toEqual([]);
  });

  it('upgrades the plan from an empty wallet and renews it without falling back to Starter', async () => {
    const { platform, clock, orgId, session } = await platformWithAgent();
    expect(await ok(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session)).toMatchObject({ billingMode: 'off', planId: 'growth' });
    clock.now = new Date('2026-05-11T12:00:00Z');
    expect(await ok(platform, 'GET', '/billing/subscription')).toMatchObject({ billingMode: 'off', planId: 'growth', currentPeriodStart: '2026-05-10T12:00:00.000Z' });
    const changes = platform.services.events.list(orgId).filter((event) => event.type === 'subscription.changed');
    expect(changes.map((event) => event.payload.reason)).toEqual([undefined]);
    expect(ledger(platform)).toEqual([]);
  });

  it('still takes credit: the wallet tools keep working', async () => {
    const { platform } = await platformWithAgent();
    expect(await ok(platform, 'POST', '/billing/wallet/credit', { amountUsd: 5 })).toMatchObject({ billingMode: 'off', balanceCents: 500 });
  });
});

describe('billing prepaid', () => {
  it('answers 402 insufficient_balance to a live chat, a number purchase and an upgrade from an empty wallet', async () => {
    const { platform, agentId, session } = await platformWithAgent(PREPAID);
    expect(await refusal(platform, 'POST', '/chat/sessions', { agentId })).toEqual({ status: 402, code: 'insufficient_balance' });
    expect(await refusal(platform, 'POST', '/numbers/purchase', { e164: NUMBER })).toEqual({ status: 402, code: 'insufficient_balance' });
    expect(await refusal(platform, 'POST', '/billing/subscription', { planId: 'growth' }, session)).toEqual({ status: 402, code: 'insufficient_balance' });
    expect(await ok(platform, 'GET', '/billing/wallet')).toMatchObject({ billingMode: 'prepaid', balanceCents: 0 });
    expect(await ok(platform, 'GET', '/billing/subscription')).toMatchObject({ billingMode: 'prepaid', planId: 'starter' });
    expect(await ok(platform, 'GET', '/billing/usage/items')).toEqual([]);
  });

  it('tells the owner, with a log line and a widget.unavailable event, why a widget visitor cannot chat', async () => {
    const { platform, agentId, orgId } = await platformWithAgent(PREPAID);
    const lines: { message: string; details?: Record<string, unknown> }[] = [];
    const logger: Logger = { info: (message, details) => lines.push({ message, details }), error: (message, details) => lines.push({ message, details }) };
    platform.services.logger = logger;
    expect((await platform.request('POST', '/webhooks', { body: { url: 'https://hooks.example.com/flowyte', events: ['widget.unavailable'] } })).status).toBe(201);
    const key = await ok(platform, 'POST', `/agents/${agentId}/publishable-keys`, { name: 'Site', allowedOrigins: ['https://www.acme.example'] });

    const refused = await platform.request('POST', '/chat/widget/sessions', { token: key.keyPublic, headers: { Origin: 'https://www.acme.example' }, body: {} });
    expect(refused.status).toBe(402);
    expect((await body(refused)).code).toBe('insufficient_balance');

    const report = { agentId, publishableKeyId: key.id, code: 'insufficient_balance' };
    expect(lines).toContainEqual({ message: expect.stringContaining('widget chat unavailable'), details: expect.objectContaining({ orgId, ...report }) });
    const events = platform.services.events.list(orgId).filter((event) => event.type === 'widget.unavailable');
    expect(events.map((event) => event.payload)).toEqual([{ ...report, detail: expect.stringContaining('wallet is empty') }]);
  });
});

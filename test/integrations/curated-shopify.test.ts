/**
 * Shopify end to end against the local Admin API server: order lookups by number or email in a
 * live conversation, and claiming an App Store install (403 on a wrong secret, 404 without a
 * pending install, single use).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startShopifyServer, type ShopifyServer } from '../support/shopify-server.ts';
import { recordPendingInstall } from '../../src/runtime/integrations/providers/shopify-install.ts';
import { call, connectShopify, providerConfig, replies, talkLive, toolCalls } from './curated-helpers.ts';

const opened = closeAfterEach();
let shop: ShopifyServer;
let platform: ChatPlatform;

beforeEach(async () => {
  shop = opened(await startShopifyServer());
  shop.orders.push(
    {
      name: '#1001', email: 'ana@example.com', createdAt: '2025-05-20T10:00:00Z', displayFinancialStatus: 'PAID', displayFulfillmentStatus: 'FULFILLED',
      fulfillments: [{ status: 'SUCCESS', trackingInfo: [{ company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' }] }],
    },
    { name: '#1002', email: 'ben@example.com', createdAt: '2025-05-28T10:00:00Z', displayFinancialStatus: 'PAID', displayFulfillmentStatus: 'UNFULFILLED', fulfillments: [] },
  );
  platform = opened(await createChatPlatform(providerConfig({ shopify: shop })));
});

async function provisionedAgent() {
  await connectShopify(platform, shop);
  await call(platform, 'POST', `/agents/${platform.agentId}/integrations/shopify/provision`, {});
  await platform.publish();
}

describe('lookup_order in a live conversation', () => {
  it('reads back the status and tracking of an order found by number', async () => {
    await provisionedAgent();
    const frames = await talkLive(platform, platform.agentId, ['Where is my order #1001?']);
    const [lookup] = toolCalls(frames);
    expect(lookup).toMatchObject({ name: 'look_up_an_order', ok: true, input: { order_number: '1001' } });
    expect(lookup.output).toMatchObject({ found: true, orderNumber: '#1001', paymentStatus: 'PAID', fulfillmentStatus: 'FULFILLED', tracking: [{ company: 'UPS', number: '1Z999AA10123456784' }] });
    expect(replies(frames).at(-1)).toBe("Order #1001 has shipped. It's with UPS, tracking number 1Z999AA10123456784.");
    const graphqlCall = shop.requests.find((request) => request.operationName === 'OrderLookup')!;
    expect(graphqlCall).toMatchObject({ token: shop.accessToken, variables: { query: 'name:"#1001"' } });
  });

  it('finds an order by the email it was placed with, and says when nothing matches', async () => {
    await provisionedAgent();
    const frames = await talkLive(platform, platform.agentId, ['Can you look up my order? My email is ben@example.com', 'Where is my order 4242?']);
    expect(replies(frames)[1]).toBe('Order #1002 has not shipped yet.');
    expect(replies(frames)[2]).toBe("I couldn't find an order with those details. Could you check the order number or email?");
  });

  it('answers politely when the shop no longer accepts the token', async () => {
    await provisionedAgent();
    shop.accessToken = 'shpat_rotated_by_the_merchant_0000';
    const frames = await talkLive(platform, platform.agentId, ['Where is my order #1001?']);
    expect(toolCalls(frames)[0]).toMatchObject({ ok: false, output: { error: 'Shopify no longer accepts the stored access token: connect the store again' } });
  });
});

describe('a guardrail for the shopify integration kind', () => {
  it('covers the provisioned Shopify skills: an unverified caller hears no order details', async () => {
    await connectShopify(platform, shop);
    await call(platform, 'POST', `/agents/${platform.agentId}/integrations/shopify/provision`, {});
    await call(platform, 'PUT', `/agents/${platform.agentId}/caller-verification`, [{ method: 'account_pin', requiredFields: ['pin'] }]);
    await call(platform, 'PUT', `/agents/${platform.agentId}/guardrails`, [{ policyType: 'verify_before_disclose', appliesToSkillType: 'shopify' }]);
    await platform.publish();
    const frames = await talkLive(platform, platform.agentId, ['Where is my order #1001?']);
    expect(frames.filter((frame) => frame.event === 'guardrail').map((frame) => frame.data.rule)).toContain('verify_before_disclose');
    expect(shop.requests.filter((request) => request.operationName === 'OrderLookup')).toEqual([]);
    expect(JSON.stringify(frames)).not.toContain('1Z999AA10123456784');
  });

  it('refuses an appliesToSkillType that names no skill type and no integration kind, saving nothing', async () => {
    const path = `/agents/${platform.agentId}/guardrails`;
    const typo = await platform.request('PUT', path, { body: [{ policyType: 'verify_before_disclose', appliesToSkillType: 'shopfy' }] });
    expect(typo.status).toBe(422);
    expect(await body(typo)).toMatchObject({ code: 'unprocessable', errors: [{ field: 'policies.0.appliesToSkillType' }] });
    expect(await call(platform, 'GET', path)).toEqual([]);
    const byType = await platform.request('PUT', path, { body: [{ policyType: 'verify_before_disclose', appliesToSkillType: 'integration_action' }] });
    expect(byType.status).toBe(200);
  });
});

describe('claim_shopify_install', () => {
  const claim = (payload: unknown, kind = 'shopify', token?: string) => platform.request('POST', `/integrations/${kind}/claim`, { body: payload, token });

  it('attaches a pending App Store install to the org, once', async () => {
    const { claimSecret } = recordPendingInstall(platform.services, shop.shop, shop.accessToken);
    expect(await call(platform, 'POST', '/integrations/shopify/claim', { shop: shop.shop, claimSecret })).toEqual({ kind: 'shopify', status: 'connected', accountLabel: shop.shop });
    expect((await call(platform, 'GET', '/integrations'))).toEqual([expect.objectContaining({ kind: 'shopify', status: 'connected', accountLabel: shop.shop })]);
    expect(platform.services.integrations.credentials(platform.orgA.org.id, 'shopify')).toEqual({ shop: shop.shop, access_token: shop.accessToken });

    const again = await claim({ shop: shop.shop, claimSecret }, 'shopify', platform.orgB.apiKey.secret);
    expect(again.status).toBe(404);
    expect(platform.services.integrations.find(platform.orgB.org.id, 'shopify')).toBeUndefined();

    // The claimed connection works like any other.
    await call(platform, 'POST', `/agents/${platform.agentId}/integrations/shopify/provision`, {});
    await platform.publish();
    expect(replies(await talkLive(platform, platform.agentId, ['Where is my order #1001?'])).at(-1)).toContain('Order #1001 has shipped.');
  });

  it('returns 403 claim_secret_mismatch for a wrong secret, and leaves the install claimable', async () => {
    const { claimSecret } = recordPendingInstall(platform.services, shop.shop, shop.accessToken);
    const wrong = await claim({ shop: shop.shop, claimSecret: `${claimSecret.slice(0, -4)}AAAA` });
    expect(wrong.status).toBe(403);
    expect((await body(wrong)).code).toBe('claim_secret_mismatch');
    expect(platform.services.integrations.find(platform.orgA.org.id, 'shopify')).toBeUndefined();
    expect((await claim({ shop: shop.shop, claimSecret })).status).toBe(200);
  });

  it('returns 404 without a pending install for the shop, or once it expired', async () => {
    const none = await claim({ shop: 'nobody-installed.myshopify.com', claimSecret: 'a'.repeat(43) });
    expect(none.status).toBe(404);
    expect((await body(none)).code).toBe('not_found');
    const expired = recordPendingInstall({ shopifyInstalls: platform.services.shopifyInstalls, now: () => new Date(Date.now() - 8 * 86_400_000) }, shop.shop, shop.accessToken);
    expect((await claim({ shop: shop.shop, claimSecret: expired.claimSecret })).status).toBe(404);
  });

  it('returns 404 for another provider, and 400 naming a shop that is not a myshopify.com domain', async () => {
    const { claimSecret } = recordPendingInstall(platform.services, shop.shop, shop.accessToken);
    expect((await claim({ shop: shop.shop, claimSecret }, 'google_sheets')).status).toBe(404);
    const bad = await claim({ shop: 'acme.example.com', claimSecret });
    expect(bad.status).toBe(400);
    expect((await body(bad)).errors.map((error: { field: string }) => error.field)).toEqual(['shop']);
  });

  it('keeps the pending token sealed at rest, and only the hash of the secret', async () => {
    const { claimSecret } = recordPendingInstall(platform.services, shop.shop, shop.accessToken);
    const row = platform.services.db.prepare('SELECT access_token, claim_secret_hash FROM shopify_installs WHERE shop = ?').get(shop.shop) as { access_token: Buffer; claim_secret_hash: string };
    expect(row.access_token.includes(Buffer.from(shop.accessToken))).toBe(false);
    expect(row.claim_secret_hash).not.toContain(claimSecret);
  });
});

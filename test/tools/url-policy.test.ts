/**
 * URLs are checked against the outbound policy when they are saved — skills that call URLs,
 * url knowledge sources, webhook endpoints — with the fetch path's rule and problem code: private
 * and loopback refused (also behind a name, after DNS) unless FLOWYTE_ALLOW_PRIVATE_NETWORK is on,
 * cloud metadata refused always.
 */
import { describe, expect, it } from 'vitest';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';

const closing = closeAfterEach();

/** The saves that take a URL, each as a request for `url` on a fresh agent. */
const SAVES: Record<string, (platform: Platform, agentId: string, url: string) => Promise<Response>> = {
  'an http_webhook skill': (platform, agentId, url) =>
    platform.request('POST', `/agents/${agentId}/skills`, {
      body: { name: 'Order status', description: 'Look up an order by its number.', skillType: 'http_webhook', executionConfig: { url } },
    }),
  'an mcp skill': (platform, agentId, url) =>
    platform.request('POST', `/agents/${agentId}/skills`, {
      body: { name: 'Order status', description: 'Look up an order by its number.', skillType: 'mcp', executionConfig: { serverUrl: url, toolName: 'lookup' }, parametersSchema: { type: 'object', properties: {} } },
    }),
  'a url knowledge source': (platform, agentId, url) =>
    platform.request('POST', `/agents/${agentId}/knowledge/sources`, { body: { kind: 'url', label: 'Help', url } }),
  'a webhook endpoint': (platform, _agentId, url) => platform.request('POST', '/webhooks', { body: { url, events: ['agent.published'] } }),
};

async function refusedAtSave(platform: Platform, url: string, reason: string): Promise<void> {
  const agentId = (await body(await platform.request('POST', '/agents', { body: { name: 'Desk' } }))).data.id;
  for (const [what, save] of Object.entries(SAVES)) {
    const response = await save(platform, agentId, url);
    const problem = await body(response);
    expect(response.status, `${what} ${url}`).toBe(422);
    expect(problem.code, what).toBe('url_not_allowed');
    expect(problem.detail, what).toContain(reason);
  }
}

describe('URLs checked when saved', () => {
  it('refuses private and loopback URLs, also a name that resolves to loopback, without the development switch', async () => {
    const platform = closing(createPlatform({ allowPrivateNetwork: false }));
    await refusedAtSave(platform, 'https://10.20.30.40/hook', '10.20.30.40 is a private address');
    await refusedAtSave(platform, 'https://[::1]/hook', '::1 is a loopback address');
    // localhost resolves (through the system resolver) to loopback.
    await refusedAtSave(platform, 'https://localhost/hook', 'localhost: ');
  });

  it('refuses cloud metadata even with the development switch on, and accepts private URLs then', async () => {
    const platform = closing(createPlatform({ allowPrivateNetwork: true }));
    await refusedAtSave(platform, 'http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address');
    await refusedAtSave(platform, 'http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a cloud metadata host name');
    const agentId = (await body(await platform.request('POST', '/agents', { body: { name: 'Desk' } }))).data.id;
    expect((await SAVES['a url knowledge source'](platform, agentId, 'http://10.20.30.40/help')).status).toBe(201);
    expect((await SAVES['a webhook endpoint'](platform, agentId, 'http://10.20.30.40/hook')).status).toBe(201);
  });

  it('checks a changed URL too (update_skill, update_webhook_endpoint)', async () => {
    const platform = closing(createPlatform({ allowPrivateNetwork: false }));
    const agentId = (await body(await platform.request('POST', '/agents', { body: { name: 'Desk' } }))).data.id;
    const skill = await SAVES['an http_webhook skill'](platform, agentId, 'https://orders.example.com/status');
    expect(skill.status).toBe(201);
    const skillId = (await body(skill)).data.id;
    const movedSkill = await platform.request('PATCH', `/agents/${agentId}/skills/${skillId}`, { body: { executionConfig: { url: 'https://192.168.1.5/status' } } });
    expect(movedSkill.status).toBe(422);
    expect(await body(movedSkill)).toMatchObject({ code: 'url_not_allowed', errors: [{ field: 'executionConfig.url' }] });
    const endpoint = await SAVES['a webhook endpoint'](platform, agentId, 'https://hooks.example.com/flowyte');
    expect(endpoint.status).toBe(201);
    const movedEndpoint = await platform.request('PATCH', `/webhooks/${(await body(endpoint)).data.id}`, { body: { url: 'https://localhost./hooks' } });
    expect(movedEndpoint.status).toBe(422);
    expect((await body(movedEndpoint)).code).toBe('url_not_allowed');
  });
});

/**
 * The field-service provider and its Connector Pack over a real field-service GraphQL API: the
 * catalog entry, reading and installing the pack (idempotent, 409, 404), provisioning delegating
 * to the pack, and the HVAC answering flow: recognize the caller, open a request, read back the
 * next visit.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createPlatform } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { FIELD_SERVICE_TOKEN, startFieldServiceServer, type FieldServiceServer } from '../support/graphql-field-service.ts';
import { call, ok, replies, simulateLive, toolCalls } from './bindings-helpers.ts';

const opened = closeAfterEach();

async function setup(options: { connect?: boolean } = {}): Promise<{ platform: ChatPlatform; server: FieldServiceServer; installPath: string }> {
  const server = opened(await startFieldServiceServer());
  const platform = opened(await createChatPlatform({ allowPrivateNetwork: true, fieldServiceUrl: server.url }));
  if (options.connect !== false) await ok(platform, 'POST', '/integrations/field_service/connect', { credentials: { api_key: FIELD_SERVICE_TOKEN } });
  return { platform, server, installPath: `/agents/${platform.agentId}/integrations/field_service/pack/install` };
}

const byPreset = (items: { preset: string; created: boolean; skill: { id: string } }[]) => Object.fromEntries(items.map((item) => [item.preset, item]));

describe('field_service provider', () => {
  it('is in the catalog as a pack-based provider', async () => {
    const { platform } = await setup({ connect: false });
    const entry = (await ok(platform, 'GET', '/integrations/catalog')).find((item: { kind: string }) => item.kind === 'field_service');
    expect(entry).toMatchObject({ category: 'field_service', auth: 'api_key', actionCount: 0, hasPack: true, discoverable: true, connected: false });
  });

  it('connects with an API key against the deployment\'s API, never echoing it, and refuses a wrong key', async () => {
    const { platform, server } = await setup({ connect: false });
    const wrong = await call(platform, 'POST', '/integrations/field_service/connect', { credentials: { api_key: 'fsk_live_wrong0' } });
    expect([wrong.status, wrong.json.code]).toEqual([502, 'integration_error']);
    const connected = await call(platform, 'POST', '/integrations/field_service/connect', { credentials: { api_key: FIELD_SERVICE_TOKEN } });
    expect(connected.status).toBe(200);
    expect(JSON.stringify(connected.json)).not.toContain(FIELD_SERVICE_TOKEN);
    expect(server.requests.at(-1)!.authorization).toBe(`Bearer ${FIELD_SERVICE_TOKEN}`);
  });

  it('answers 400 integration_unavailable when the deployment has no field-service API', async () => {
    const platform = opened(createPlatform({ allowPrivateNetwork: true }));
    const refused = await call(platform, 'POST', '/integrations/field_service/connect', { credentials: { api_key: FIELD_SERVICE_TOKEN } });
    expect([refused.status, refused.json.code]).toEqual([400, 'integration_unavailable']);
  });
});

describe('get_integration_pack', () => {
  it('returns the guidance and the presets, connected or not', async () => {
    const { platform } = await setup({ connect: false });
    const pack = await ok(platform, 'GET', '/integrations/field_service/pack');
    expect(Object.keys(pack.guidance)).toEqual(['operations', 'callerIdentification', 'limits']);
    expect(pack.guidance.callerIdentification).toContain('caller_phone');
    expect(pack.presets.map((preset: { id: string; type: string; operation: string }) => `${preset.id}:${preset.type}:${preset.operation}`)).toEqual([
      'find_client:binding:clientByPhone', 'create_lead:binding:createRequest', 'get_job_status:binding:jobs',
    ]);
    expect(pack.presets[0]).toMatchObject({ name: 'Find client', action: null, parameters: ['caller_phone'], leaves: expect.arrayContaining(['first_name']) });
  });

  it('answers 404 for a provider without a pack and for an unknown provider', async () => {
    const { platform } = await setup({ connect: false });
    for (const kind of ['graphql', 'acme_crm']) {
      const missing = await call(platform, 'GET', `/integrations/${kind}/pack`);
      expect([missing.status, missing.json.code]).toEqual([404, 'not_found']);
    }
  });
});

describe('install_integration_pack', () => {
  it('discovers first, installs every preset (writes disabled), and is idempotent', async () => {
    const { platform, installPath } = await setup();
    const first = byPreset((await ok(platform, 'POST', installPath, {})));
    expect(Object.keys(first)).toEqual(['find_client', 'create_lead', 'get_job_status']);
    expect(Object.values(first).every((item: any) => item.created)).toBe(true);
    expect(first.find_client).toMatchObject({ skill: { name: 'Find client', skillType: 'integration_binding', enabled: true } });
    expect(first.create_lead).toMatchObject({ skill: { enabled: false, requiresConfirmation: true } });
    expect((await ok(platform, 'GET', '/integrations'))[0].discoveredAt).not.toBeNull();

    const again = byPreset((await ok(platform, 'POST', installPath, { presets: ['get_job_status', 'find_client'] })));
    expect(Object.keys(again)).toEqual(['find_client', 'get_job_status']);
    expect(again.find_client).toMatchObject({ created: false, skill: { id: first.find_client.skill.id } });
    expect((await ok(platform, 'GET', `/agents/${platform.agentId}/skills?limit=100`)).filter((skill: { skillType: string }) => skill.skillType === 'integration_binding')).toHaveLength(3);
  });

  it('installs only the presets named, and refuses one the pack does not have', async () => {
    const { platform, installPath } = await setup();
    const only = (await ok(platform, 'POST', installPath, { presets: ['find_client'] }));
    expect(only.map((item: { preset: string }) => item.preset)).toEqual(['find_client']);
    const unknown = await call(platform, 'POST', installPath, { presets: ['find_client', 'book_visit'] });
    expect([unknown.status, unknown.json.code, unknown.json.errors[0].field]).toEqual([400, 'validation_error', 'presets[1]']);
  });

  it('answers 409 before connecting, 404 for another org\'s agent and for a provider without a pack', async () => {
    const { platform, installPath } = await setup({ connect: false });
    const notConnected = await call(platform, 'POST', installPath, {});
    expect([notConnected.status, notConnected.json.code]).toEqual([409, 'integration_not_connected']);
    const foreign = await call(platform, 'POST', installPath, {}, platform.orgB.apiKey.secret);
    expect([foreign.status, foreign.json.code]).toEqual([404, 'not_found']);
    const noPack = await call(platform, 'POST', `/agents/${platform.agentId}/integrations/graphql/pack/install`, {});
    expect([noPack.status, noPack.json.code]).toEqual([404, 'not_found']);
  });

  it('answers 422 when scoping hides what a preset needs', async () => {
    const { platform, installPath } = await setup();
    await ok(platform, 'POST', '/integrations/field_service/discover');
    await ok(platform, 'PATCH', '/integrations/field_service/scoping', { blockedColumns: { Client: ['companyName'] } });
    const refused = await call(platform, 'POST', installPath, { presets: ['find_client'] });
    expect([refused.status, refused.json.code]).toEqual([422, 'unprocessable']);
    expect(refused.json.errors[0].message).toContain('find_client: projection[3].path');
  });
});

describe('provision_integration_actions on a pack-based provider', () => {
  it('installs the pack, as the HVAC guide expects from a provision with no body', async () => {
    const { platform } = await setup();
    const provisioned = await ok(platform, 'POST', `/agents/${platform.agentId}/integrations/field_service/provision`);
    expect(provisioned.map((item: { skill: { name: string }; created: boolean }) => `${item.skill.name}:${item.created}`)).toEqual([
      'Find client:true', 'Create lead:true', 'Get job status:true',
    ]);
    const again = await ok(platform, 'POST', `/agents/${platform.agentId}/integrations/field_service/provision`);
    expect(again.every((item: { created: boolean }) => !item.created)).toBe(true);
  });
});

describe('the HVAC answering flow', () => {
  it('recognizes the caller, opens a request in the field-service system, and reads back the next visit', async () => {
    const { platform, server, installPath } = await setup();
    const installed = byPreset((await ok(platform, 'POST', installPath, {})));
    // The write was installed disabled: an operator reviews it and turns it on.
    await ok(platform, 'PATCH', `/agents/${platform.agentId}/skills/${installed.create_lead.skill.id}`, { enabled: true });
    await platform.publish();

    const frames = await simulateLive(platform, platform.agentId, [
      'Hi, can you find my client record? I am calling from 303-555-0188.',
      'Please create a lead: my furnace is making a loud banging noise, my phone is 303-555-0188.',
      'Yes',
      'What is the status of my job? My phone is 303-555-0188.',
    ]);
    const calls = toolCalls(frames).filter((event) => !event.output.confirmationRequired);
    expect(calls.map((event) => event.name)).toEqual(['find_client', 'create_lead', 'get_job_status']);
    const [client, lead, status] = calls;
    expect(client.output).toEqual({
      found: true, client_id: 'Z2lkOi8vQ2xpZW50LzEwMQ', first_name: 'Dana', last_name: 'Whitfield', company_name: null,
      property_street: ['1420 Maple Ave'], property_city: ['Boulder'],
    });
    expect(replies(frames)[1]).toContain('Dana');

    expect(lead.output).toEqual({ saved: true, request_id: 'req_1', request_status: 'NEW' });
    expect(server.data.requests).toEqual([expect.objectContaining({ clientId: 'Z2lkOi8vQ2xpZW50LzEwMQ', status: 'NEW', title: expect.stringContaining('furnace') })]);

    expect(status.output).toEqual({
      count: 2,
      results: [
        { job_title: 'Furnace not igniting', job_status: 'ACTIVE', next_visit_start: '2025-03-12T15:00:00Z', technician: 'Luis Ortega' },
        { job_title: 'Annual AC tune-up', job_status: 'COMPLETED', next_visit_start: null, technician: null },
      ],
    });
    // The agent never saw the API key or the provider's raw records.
    expect(JSON.stringify(frames)).not.toContain(FIELD_SERVICE_TOKEN);
    expect(JSON.stringify(frames)).not.toContain('cardLast4');
  });
});

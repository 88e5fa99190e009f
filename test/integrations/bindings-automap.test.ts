/**
 * auto_map_integration_binding: the offline matcher over a discovered GraphQL API, and the model
 * path against a local server speaking the chat-completions protocol (falling back to the
 * matcher when the model's proposal does not check out).
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createPlatform, type Platform } from '../helpers.ts';
import type { Config } from '../../src/config.ts';
import { FIELD_SERVICE_TOKEN, startFieldServiceServer } from '../support/graphql-field-service.ts';
import { startChatCompletionsServer, type ChatScript } from '../support/chat-completions-server.ts';
import { call, connectGraphQL, ok } from './bindings-helpers.ts';

const opened = closeAfterEach();

async function setup(overrides: Partial<Config> = {}): Promise<{ platform: Platform; agentId: string; autoPath: string }> {
  const platform = opened(createPlatform({ allowPrivateNetwork: true, ...overrides }));
  const server = opened(await startFieldServiceServer());
  const agent = await ok(platform, 'POST', '/agents', { name: 'Capital Comfort front desk' });
  await connectGraphQL(platform, server);
  return { platform, agentId: agent.id, autoPath: `/agents/${agent.id}/integrations/graphql/bindings/auto` };
}

async function withModel(script: ChatScript) {
  const model = opened(await startChatCompletionsServer(script));
  return { model, ...(await setup({ model: { provider: 'openai', baseUrl: model.baseUrl, apiKey: 'sk-test', name: 'test-model' } })) };
}

describe('auto_map_integration_binding (offline matcher)', () => {
  it('maps a lookup goal onto the operation, canonical parameters and the fields it names, saved disabled', async () => {
    const { platform, autoPath } = await setup();
    const { status, json } = await call(platform, 'POST', autoPath, { goal: 'Look up a client by phone and return their first name, company and properties' });
    expect(status).toBe(201);
    const skill = json.data;
    expect(skill).toMatchObject({ name: 'Look up client by phone', skillType: 'integration_binding', enabled: false, proposedBy: 'matcher' });
    expect(skill.binding).toMatchObject({ operation: 'clientByPhone', mode: 'read', args: [{ param: 'caller_phone', arg: 'phone' }] });
    expect(skill.executionConfig.projection).toEqual([
      { path: ['client', 'firstName'], leaf: 'first_name' },
      { path: ['client', 'companyName'], leaf: 'company_name' },
      { path: ['client', 'properties', 'id'], leaf: 'properties_id' },
      // A street is personal data: only the non-sensitive fields of a named reference come back.
      { path: ['client', 'properties', 'city'], leaf: 'properties_city' },
      { path: ['client', 'properties', 'province'], leaf: 'properties_province' },
    ]);
    expect(skill.description).toBe('Look up a client by phone and return their first name, company and properties');

    // A second proposal of the same binding gets its own name.
    const again = (await call(platform, 'POST', autoPath, { goal: 'Look up a client by phone and return their first name, company and properties' })).json.data;
    expect(again.name).toBe('Look up client by phone 2');
  });

  it('projects the non-sensitive core fields when the goal names none', async () => {
    const { platform, autoPath } = await setup();
    const skill = (await call(platform, 'POST', autoPath, { goal: 'find the job' })).json.data;
    expect(skill.binding.operation).toBe('jobs');
    expect(skill.binding.leaves).toEqual(['id', 'job_number', 'title', 'job_status']);
  });

  it('picks a write when the goal asks to create something, and saves it disabled', async () => {
    const { platform, autoPath } = await setup();
    const skill = (await call(platform, 'POST', autoPath, { goal: 'Create a new service request for the caller with what they need' })).json.data;
    expect(skill).toMatchObject({ enabled: false, requiresConfirmation: true });
    expect(skill.binding).toMatchObject({ operation: 'createRequest', mode: 'insert' });
    expect(skill.binding.args).toEqual([
      { param: 'caller_phone', arg: 'input.clientPhone' },
      { param: 'request_details', arg: 'input.title' },
      { param: 'details', arg: 'input.details' },
      { param: 'caller_name', arg: 'input.contactName' },
      { param: 'service_address', arg: 'input.serviceAddress' },
    ]);
  });

  it('answers 422 when nothing matches the goal, and 404 before discovery', async () => {
    const { platform, autoPath } = await setup();
    const nothing = await call(platform, 'POST', autoPath, { goal: 'send a fax to the moon' });
    expect([nothing.status, nothing.json.code]).toEqual([422, 'unprocessable']);

    const fresh = opened(createPlatform({ allowPrivateNetwork: true }));
    const server = opened(await startFieldServiceServer());
    const agent = await ok(fresh, 'POST', '/agents', { name: 'Undiscovered' });
    const notConnected = await call(fresh, 'POST', `/agents/${agent.id}/integrations/graphql/bindings/auto`, { goal: 'look up a client by phone' });
    expect([notConnected.status, notConnected.json.code]).toEqual([409, 'integration_not_connected']);
    await ok(fresh, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: server.url, headers: { Authorization: `Bearer ${FIELD_SERVICE_TOKEN}` } } });
    const undiscovered = await call(fresh, 'POST', `/agents/${agent.id}/integrations/graphql/bindings/auto`, { goal: 'look up a client by phone' });
    expect([undiscovered.status, undiscovered.json.code]).toEqual([404, 'schema_not_discovered']);
  });
});

const MODEL_PROPOSAL = {
  toolName: 'Caller jobs',
  description: "Read back the caller's jobs and their next visits.",
  operation: 'jobs',
  inputs: [{ param: 'caller_phone', arg: 'clientPhone', required: true }],
  projection: [
    { path: ['job', 'title'], leaf: 'job_title' },
    { path: ['job', 'nextVisit', 'startAt'], leaf: 'next_visit' },
  ],
};

describe('auto_map_integration_binding (language model)', () => {
  it('asks the configured model for a structured proposal over the scoped schema, and saves it disabled', async () => {
    const { model, platform, autoPath } = await withModel(() => ({ content: JSON.stringify(MODEL_PROPOSAL) }));
    await ok(platform, 'PATCH', '/integrations/graphql/scoping', { blockedColumns: { Client: ['cardLast4'] } });
    const { status, json } = await call(platform, 'POST', autoPath, { goal: 'Tell callers when their technician is coming' });

    expect(status).toBe(201);
    expect(json.data).toMatchObject({ name: 'Caller jobs', enabled: false, proposedBy: 'model', description: MODEL_PROPOSAL.description });
    expect(json.data.executionConfig).toEqual({ kind: 'graphql', operation: 'jobs', inputs: [{ param: 'caller_phone', arg: 'clientPhone' }], projection: MODEL_PROPOSAL.projection });
    expect(model.requests).toHaveLength(1);
    const request = model.requests[0].body;
    expect(request.model).toBe('test-model');
    expect(request.response_format).toEqual({ type: 'json_object' });
    const prompt = JSON.stringify(request.messages);
    expect(prompt).toContain('Tell callers when their technician is coming');
    expect(prompt).toContain('jobs [read, returns many Job]');
    expect(prompt).toContain('caller_phone');
    // What scoping blocks never reaches the model.
    expect(prompt).not.toContain('cardLast4');
  });

  it('falls back to the offline matcher when the model proposes a binding that does not check out', async () => {
    const { model, platform, autoPath } = await withModel(() => ({ content: JSON.stringify({ ...MODEL_PROPOSAL, operation: 'findContact' }) }));
    const skill = (await call(platform, 'POST', autoPath, { goal: 'look up a client by phone' })).json.data;
    expect(model.requests).toHaveLength(1);
    expect(skill).toMatchObject({ proposedBy: 'matcher', enabled: false });
    expect(skill.binding.operation).toBe('clientByPhone');
  });

  it('falls back to the offline matcher when the model fails', async () => {
    const { platform, autoPath } = await withModel(() => ({ status: 500 }));
    const skill = (await call(platform, 'POST', autoPath, { goal: 'look up a client by phone' })).json.data;
    expect(skill.proposedBy).toBe('matcher');
  });
});

/**
 * create_integration_binding over a real GraphQL API (the field-service server, connected through
 * the generic graphql provider): every validation rule, scoping at bind time and at run time,
 * writes saved disabled, and a binding answering a live simulated conversation.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { FIELD_SERVICE_TOKEN, startFieldServiceServer, type FieldServiceServer } from '../support/graphql-field-service.ts';
import { call, connectGraphQL, ok, replies, simulateLive, toolCalls } from './bindings-helpers.ts';

const opened = closeAfterEach();

async function setup(options: { discover?: boolean } = {}): Promise<{ platform: ChatPlatform; server: FieldServiceServer }> {
  const platform = opened(await createChatPlatform({ allowPrivateNetwork: true }));
  const server = opened(await startFieldServiceServer());
  if (options.discover === false) {
    await ok(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: server.url, headers: { Authorization: `Bearer ${FIELD_SERVICE_TOKEN}` } } });
  } else {
    await connectGraphQL(platform, server);
  }
  return { platform, server };
}

const LOOK_UP_CALLER = {
  toolName: 'Look up the caller',
  description: 'Find the calling customer by phone and return their name and where they live.',
  operation: 'clientByPhone',
  inputs: [{ param: 'caller_phone', arg: 'phone', required: true }],
  projection: [
    { path: ['client', 'firstName'], leaf: 'customer_name' },
    { path: ['client', 'properties', 'street'], leaf: 'service_streets' },
  ],
  enabled: true,
};

const bindingsPath = (platform: ChatPlatform, kind = 'graphql') => `/agents/${platform.agentId}/integrations/${kind}/bindings`;

describe('create_integration_binding', () => {
  it('compiles a read into an enabled integration_binding skill with canonical parameters', async () => {
    const { platform } = await setup();
    const { status, json } = await call(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER);

    expect(status).toBe(201);
    const skill = json.data;
    expect(skill).toMatchObject({ name: 'Look up the caller', skillType: 'integration_binding', enabled: true, requiresConfirmation: false, requiredParams: ['caller_phone'] });
    expect(skill.parametersSchema).toEqual({
      type: 'object',
      properties: { caller_phone: { type: 'string', description: "The caller's phone number" } },
      required: ['caller_phone'],
    });
    expect(skill.executionConfig).toEqual({
      kind: 'graphql',
      operation: 'clientByPhone',
      inputs: [{ param: 'caller_phone', arg: 'phone' }],
      projection: LOOK_UP_CALLER.projection,
    });
    expect(skill.binding).toEqual({
      operation: 'clientByPhone', mode: 'read', object: 'Client', returns: 'one',
      args: [{ param: 'caller_phone', arg: 'phone' }], leaves: ['customer_name', 'service_streets'],
    });
    const listed = await ok(platform, 'GET', `/agents/${platform.agentId}/skills`);
    expect(listed.map((item: { id: string }) => item.id)).toContain(skill.id);
  });

  it('defaults to a disabled draft and describes itself from the operation', async () => {
    const { platform } = await setup();
    const { enabled: _enabled, description: _description, ...draft } = LOOK_UP_CALLER;
    const skill = (await call(platform, 'POST', bindingsPath(platform), draft)).json.data;
    expect(skill.enabled).toBe(false);
    expect(skill.description).toBe('Looks up Client by caller phone, returning customer name, service streets.');
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['an operation the schema does not have', { operation: 'findContact' }, 'operation'],
    ['an argument the operation does not take', { inputs: [{ param: 'caller_phone', arg: 'mobile' }] }, 'inputs[0].arg'],
    ['an argument mapped twice', { inputs: [{ param: 'caller_phone', arg: 'phone' }, { param: 'callback_number', arg: 'phone' }] }, 'inputs[1].arg'],
    ['a required argument left unmapped', { inputs: [] }, 'inputs'],
    ['a parameter that is not snake_case', { inputs: [{ param: 'callerPhone', arg: 'phone' }] }, 'inputs[0].param'],
    ['one parameter mapped onto two arguments', { operation: 'jobs', inputs: [{ param: 'caller_phone', arg: 'clientPhone' }, { param: 'caller_phone', arg: 'status' }], projection: [{ path: ['job', 'title'], leaf: 'job_title' }] }, 'inputs[1].param'],
    ['a canonical parameter of the wrong type', { operation: 'clients', inputs: [{ param: 'caller_phone', arg: 'first' }], projection: [{ path: ['client', 'firstName'], leaf: 'first_name' }] }, 'inputs[0].param'],
    ['a required argument marked optional', { inputs: [{ param: 'caller_phone', arg: 'phone', required: false }] }, 'inputs[0].required'],
    ['a path that does not start with the record', { projection: [{ path: ['job', 'title'], leaf: 'job_title' }] }, 'projection[0].path'],
    ['a field the object does not have', { projection: [{ path: ['client', 'nickname'], leaf: 'nickname' }] }, 'projection[0].path'],
    ['a path that goes on past a value', { projection: [{ path: ['client', 'firstName', 'length'], leaf: 'name_length' }] }, 'projection[0].path'],
    ['a path that ends at a reference', { projection: [{ path: ['client', 'properties'], leaf: 'properties' }] }, 'projection[0].path'],
    ['a leaf that is not snake_case', { projection: [{ path: ['client', 'firstName'], leaf: 'First Name' }] }, 'projection[0].leaf'],
    ['a leaf used twice', { projection: [{ path: ['client', 'firstName'], leaf: 'name' }, { path: ['client', 'lastName'], leaf: 'name' }] }, 'projection[1].leaf'],
    ['a leaf the result uses itself', { projection: [{ path: ['client', 'id'], leaf: 'found' }] }, 'projection[0].leaf'],
    ['a read that returns nothing', { projection: [] }, 'projection'],
    ['a tool name without letters or digits', { toolName: '—' }, 'toolName'],
  ];

  it.each(refusals)('refuses %s with 400 validation_error naming %s', async (_label, change, field) => {
    const { platform } = await setup();
    const { status, json } = await call(platform, 'POST', bindingsPath(platform), { ...LOOK_UP_CALLER, ...change });
    expect(status).toBe(400);
    expect(json.code).toBe('validation_error');
    // The first problem is the one named (an unknown argument also leaves the required one unmapped).
    expect(json.errors[0].field).toBe(field);
    expect((await ok(platform, 'GET', `/agents/${platform.agentId}/skills`)).filter((skill: { skillType: string }) => skill.skillType === 'integration_binding')).toEqual([]);
  });

  it('refuses fields and objects the org scoped out, and accepts them again once unblocked', async () => {
    const { platform } = await setup();
    await ok(platform, 'PATCH', '/integrations/graphql/scoping', { blockedTables: ['Property'], blockedColumns: { Client: ['cardLast4'] } });
    const card = await call(platform, 'POST', bindingsPath(platform), { ...LOOK_UP_CALLER, projection: [{ path: ['client', 'cardLast4'], leaf: 'card_last4' }] });
    expect(card.status).toBe(400);
    expect(card.json.errors).toEqual([{ field: 'projection[0].path', message: 'Client has no field cardLast4 (or it is scoped out)' }]);
    const street = await call(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER);
    expect(street.json.errors).toEqual([{ field: 'projection[1].path', message: 'Client.properties points to Property, which is scoped out or unknown' }]);

    await ok(platform, 'PATCH', '/integrations/graphql/scoping', { blockedTables: [], blockedColumns: {} });
    expect((await call(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER)).status).toBe(201);
  });

  it('saves a write disabled, asking the person to confirm, even when enabled is asked for', async () => {
    const { platform } = await setup();
    const { status, json } = await call(platform, 'POST', bindingsPath(platform), {
      toolName: 'Open a request',
      operation: 'createRequest',
      inputs: [
        { param: 'caller_phone', arg: 'input.clientPhone' },
        { param: 'request_details', arg: 'input.title' },
      ],
      projection: [{ path: ['request', 'id'], leaf: 'request_id' }],
      enabled: true,
    });
    expect(status).toBe(201);
    expect(json.data).toMatchObject({ enabled: false, requiresConfirmation: true, stakes: 'medium', requiredParams: ['caller_phone', 'request_details'] });
    expect(json.data.binding).toMatchObject({ mode: 'insert', object: 'Request' });
  });

  it('refuses another name for the same binding only when it would collide', async () => {
    const { platform } = await setup();
    await ok(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER);
    const again = await call(platform, 'POST', bindingsPath(platform), { ...LOOK_UP_CALLER, toolName: 'look up  the caller!' });
    expect(again.status).toBe(400);
    expect(again.json.errors[0].field).toBe('toolName');
  });

  it('answers 404 schema_not_discovered before discovery, 409 when not connected, 404 for another org\'s agent', async () => {
    const { platform } = await setup({ discover: false });
    const undiscovered = await call(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER);
    expect([undiscovered.status, undiscovered.json.code]).toEqual([404, 'schema_not_discovered']);
    const notConnected = await call(platform, 'POST', bindingsPath(platform, 'openapi'), LOOK_UP_CALLER);
    expect([notConnected.status, notConnected.json.code]).toEqual([409, 'integration_not_connected']);
    const unknownKind = await call(platform, 'POST', bindingsPath(platform, 'acme_crm'), LOOK_UP_CALLER);
    expect([unknownKind.status, unknownKind.json.code]).toEqual([404, 'not_found']);
    const foreign = await call(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER, platform.orgB.apiKey.secret);
    expect([foreign.status, foreign.json.code]).toEqual([404, 'not_found']);
  });

  it('answers a live conversation with only the projected values, and refuses politely once a field is scoped out', async () => {
    const { platform, server } = await setup();
    await ok(platform, 'POST', bindingsPath(platform), LOOK_UP_CALLER);
    await platform.publish();

    const frames = await simulateLive(platform, platform.agentId, ['Hi, can you look up the caller? My number is 303-555-0188.']);
    const [lookup] = toolCalls(frames);
    expect(lookup).toMatchObject({ name: 'look_up_the_caller', input: { caller_phone: '+13035550188' }, ok: true });
    expect(lookup.output).toEqual({ found: true, customer_name: 'Dana', service_streets: ['1420 Maple Ave'] });
    expect(replies(frames).at(-1)).toContain('Dana');
    // The provider was asked for exactly the projected fields, with the phone as a variable.
    const sent = server.requests.at(-1)!;
    expect(sent.query).toBe('query Binding($phone: String!) { clientByPhone(phone: $phone) { firstName properties { street } } }');
    expect(sent.variables).toEqual({ phone: '+13035550188' });

    const unknown = toolCalls(await simulateLive(platform, platform.agentId, ['Can you look up the caller? My number is 303-555-0100.']))[0];
    expect(unknown.output).toEqual({ found: false, message: "I couldn't find a matching record." });

    await ok(platform, 'PATCH', '/integrations/graphql/scoping', { blockedColumns: { Client: ['firstName'] } });
    const calls = server.requests.length;
    const refused = toolCalls(await simulateLive(platform, platform.agentId, ['Can you look up the caller? My number is 303-555-0188.']))[0];
    expect(refused.ok).toBe(false);
    expect(refused.output.error).toContain('no longer matches');
    expect(server.requests.length).toBe(calls);
  });
});

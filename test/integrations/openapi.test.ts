/**
 * The openapi provider against a real REST server and the YAML document describing it: connect,
 * discovery into the normalized schema, and bindings whose arguments land in the path, the query
 * or the JSON body, answering live simulated conversations.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createPlatform } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { OPENAPI_KEY, startOpenApiServer, type OpenApiServer } from '../support/openapi-server.ts';
import { call, connectOpenApi, ok, replies, simulateLive, toolCalls } from './bindings-helpers.ts';

const opened = closeAfterEach();

async function setup(): Promise<{ platform: ChatPlatform; server: OpenApiServer }> {
  const platform = opened(await createChatPlatform({ allowPrivateNetwork: true }));
  const server = opened(await startOpenApiServer());
  await connectOpenApi(platform, server);
  return { platform, server };
}

describe('openapi provider', () => {
  it('connects from a YAML document and discovers its component schemas and operations', async () => {
    const platform = opened(createPlatform({ allowPrivateNetwork: true }));
    const server = opened(await startOpenApiServer());
    const connected = await ok(platform, 'POST', '/integrations/openapi/connect', { credentials: { specUrl: server.specUrl, headers: { 'X-Api-Key': OPENAPI_KEY } } });
    expect(connected).toMatchObject({ status: 'connected', accountLabel: 'Brightside Appointments' });

    expect(await ok(platform, 'POST', '/integrations/openapi/discover')).toMatchObject({ objectCount: 3, edgeCount: 1, operationCount: 6 });
    const appointment = await ok(platform, 'GET', '/integrations/openapi/objects/Appointment');
    expect(appointment.fields.map((field: { name: string; type: string }) => `${field.name}:${field.type}`)).toEqual([
      'id:string', 'customer:reference', 'startsAt:datetime', 'status:string', 'service:string', 'technician:string',
    ]);
    expect(appointment.fields[1]).toMatchObject({ target: 'Customer', required: true });
    expect(appointment.capabilities).toEqual({ read: true, insert: true, update: true });
    const customer = await ok(platform, 'GET', '/integrations/openapi/objects/Customer');
    expect(customer.fields.find((field: { name: string }) => field.name === 'ssn')).toMatchObject({ sensitive: true });
    expect(customer.fields.find((field: { name: string }) => field.name === 'tier').allowedValues).toEqual(['standard', 'gold', 'platinum']);

    const operations = (await ok(platform, 'GET', '/integrations/openapi/operations?readOnly=false'));
    expect(operations.map((operation: { name: string; mode: string; returns: string }) => `${operation.name}:${operation.mode}:${operation.returns}`)).toEqual([
      'bookAppointment:insert:one', 'getCustomer:read:one', 'listAppointments:read:many', 'nextAppointment:read:one', 'searchCustomers:read:many', 'updateAppointment:update:one',
    ]);
    // A parameter shared through $ref keeps its description; DELETE is not offered.
    const next = operations.find((operation: { name: string }) => operation.name === 'nextAppointment');
    expect(next.args).toEqual([{ name: 'phone', type: 'string', required: true, description: 'A phone number of the customer, in any format.' }]);
  });

  it('refuses a document that is not OpenAPI 3', async () => {
    const platform = opened(createPlatform({ allowPrivateNetwork: true }));
    const server = opened(await startOpenApiServer());
    const refused = await call(platform, 'POST', '/integrations/openapi/connect', { credentials: { specUrl: `${server.origin}/v1/customers`, headers: { 'X-Api-Key': OPENAPI_KEY } } });
    expect([refused.status, refused.json.code]).toEqual([502, 'integration_error']);
    expect(refused.json.detail).toContain('OpenAPI 3');
  });

  it('answers a live conversation from a query-string lookup, following a reference in the JSON', async () => {
    const { platform, server } = await setup();
    await ok(platform, 'POST', `/agents/${platform.agentId}/integrations/openapi/bindings`, {
      toolName: 'Next appointment',
      description: "Tell the caller when their next appointment is, by their phone number.",
      operation: 'nextAppointment',
      inputs: [{ param: 'caller_phone', arg: 'phone' }],
      projection: [
        { path: ['appointment', 'startsAt'], leaf: 'appointment_time' },
        { path: ['appointment', 'status'], leaf: 'appointment_status' },
        { path: ['appointment', 'customer', 'name'], leaf: 'customer_name' },
      ],
      enabled: true,
    });
    await platform.publish();

    const frames = await simulateLive(platform, platform.agentId, ['When is my next appointment? My phone is 415-555-0132.', 'And my next appointment for 415-555-0199?']);
    const [found, missing] = toolCalls(frames);
    expect(found.output).toEqual({ found: true, appointment_time: '2025-04-02T16:30:00Z', appointment_status: 'confirmed', customer_name: 'Rosa Delgado' });
    expect(replies(frames)[1]).toContain('Rosa Delgado');
    expect(missing.output).toEqual({ found: false, message: "I couldn't find a matching record." });
    expect(server.calls).toEqual(['GET /v1/appointments/next?phone=%2B14155550132', 'GET /v1/appointments/next?phone=%2B14155550199']);
  });

  it('sends a write\'s arguments as the JSON body once it is enabled and the caller confirms', async () => {
    const { platform, server } = await setup();
    const skill = await ok(platform, 'POST', `/agents/${platform.agentId}/integrations/openapi/bindings`, {
      toolName: 'Book appointment',
      description: 'Book a service appointment for the caller at the time they ask for.',
      operation: 'bookAppointment',
      inputs: [
        { param: 'caller_phone', arg: 'phone' },
        { param: 'preferred_time', arg: 'startsAt' },
        { param: 'request_details', arg: 'service' },
      ],
      projection: [{ path: ['appointment', 'id'], leaf: 'appointment_id' }],
    });
    expect(skill.enabled).toBe(false);
    await ok(platform, 'PATCH', `/agents/${platform.agentId}/skills/${skill.id}`, { enabled: true });
    await platform.publish();

    const frames = await simulateLive(platform, platform.agentId, [
      'Please book an appointment to flush my water heater on April 8 at 3pm, my phone is 415-555-0132.',
      'Yes',
    ]);
    const booked = toolCalls(frames).at(-1);
    expect(booked?.output).toEqual({ saved: true, appointment_id: 'apt_3' });
    expect(server.bodies).toHaveLength(1);
    expect(server.bodies[0]).toMatchObject({ phone: '+14155550132', startsAt: expect.stringMatching(/^\d{4}-04-08T15:00:00/) });
    expect(String((server.bodies[0] as { service: string }).service)).toContain('water heater');
    expect(server.appointments).toHaveLength(3);
  });
});

/**
 * The graphql provider against a real GraphQL-over-HTTP server: connecting (introspection as the
 * check), discovery into the normalized schema, and operations run with documents that select
 * exactly what a binding projects.
 */
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createPlatform } from '../helpers.ts';
import { createChatPlatform } from '../chat-helpers.ts';
import { FIELD_SERVICE_TOKEN, startFieldServiceServer } from '../support/graphql-field-service.ts';
import { startOpenApiServer } from '../support/openapi-server.ts';
import { call, connectGraphQL, ok, simulateLive, toolCalls } from './bindings-helpers.ts';
import { mutationMode } from '../../src/runtime/integrations/providers/graphql-schema.ts';

const opened = closeAfterEach();

describe('graphql provider', () => {
  it('connects with introspection as the check, and discovers object types, references and operations', async () => {
    const platform = opened(createPlatform({ allowPrivateNetwork: true }));
    const server = opened(await startFieldServiceServer());
    const connected = await ok(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: server.url, headers: { Authorization: `Bearer ${FIELD_SERVICE_TOKEN}` } } });
    expect(connected).toMatchObject({ status: 'connected', accountLabel: new URL(server.url).host });
    expect(server.requests[0].query).toContain('__schema');

    const summary = await ok(platform, 'POST', '/integrations/graphql/discover');
    expect(summary).toMatchObject({ objectCount: 7, edgeCount: 10, operationCount: 7 });
    const client = await ok(platform, 'GET', '/integrations/graphql/objects/Client');
    expect(client.fields.find((field: { name: string }) => field.name === 'id')).toMatchObject({ type: 'string', nativeType: 'ID!', required: true, unique: true });
    expect(client.fields.find((field: { name: string }) => field.name === 'jobs')).toMatchObject({ type: 'reference', target: 'Job', required: true });
    expect(client.fields.find((field: { name: string }) => field.name === 'balance')).toMatchObject({ type: 'number', required: false });
    expect(client.relationships).toContainEqual({ from: 'Client', field: 'jobs', to: 'Job', cardinality: 'many' });
    expect(client.capabilities).toEqual({ read: true, insert: false, update: false });
    const job = await ok(platform, 'GET', '/integrations/graphql/objects/Job');
    expect(job.fields.find((field: { name: string }) => field.name === 'jobStatus').allowedValues).toEqual(['UPCOMING', 'ACTIVE', 'REQUIRES_INVOICING', 'COMPLETED', 'CANCELLED']);

    const operations = (await ok(platform, 'GET', '/integrations/graphql/operations?readOnly=false'));
    expect(operations.map((operation: { name: string; mode: string }) => `${operation.name}:${operation.mode}`).sort()).toEqual([
      'client:read', 'clientByPhone:read', 'clients:read', 'createRequest:insert', 'job:read', 'jobs:read', 'updateJob:update',
    ]);
    const create = operations.find((operation: { name: string }) => operation.name === 'createRequest');
    // The input object is flattened into one argument per field.
    expect(create.args.map((arg: { name: string; required: boolean }) => `${arg.name}${arg.required ? '!' : ''}`)).toEqual([
      'input.clientPhone!', 'input.title!', 'input.details', 'input.contactName', 'input.serviceAddress',
    ]);
    expect(create).not.toHaveProperty('native');
  });

  it('reads insert and update from the first or last word of a mutation name, and offers no other mutation', () => {
    expect(['createRequest', 'requestCreate', 'addNote', 'bookVisit'].map(mutationMode)).toEqual(['insert', 'insert', 'insert', 'insert']);
    expect(['updateJob', 'clientEdit', 'setStatus', 'rescheduleVisit'].map(mutationMode)).toEqual(['update', 'update', 'update', 'update']);
    expect(['deleteRequest', 'archiveClient', 'sendInvoice'].map(mutationMode)).toEqual([null, null, null]);
  });

  it('refuses to connect to an endpoint that refuses the credentials, or that is not GraphQL', async () => {
    const platform = opened(createPlatform({ allowPrivateNetwork: true }));
    const server = opened(await startFieldServiceServer());
    const unauthorized = await call(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: server.url, headers: { Authorization: 'Bearer wrong' } } });
    expect([unauthorized.status, unauthorized.json.code]).toEqual([502, 'integration_error']);
    const rest = opened(await startOpenApiServer());
    const notGraphQL = await call(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: `${rest.origin}/v1/customers` } });
    expect([notGraphQL.status, notGraphQL.json.code]).toEqual([502, 'integration_error']);
    const badShape = await call(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: 'ftp://example.com/graphql' } });
    expect([badShape.status, badShape.json.errors[0].field]).toEqual([400, 'credentials.endpoint']);
    expect((await ok(platform, 'GET', '/integrations'))).toEqual([]);
  });

  it('refuses a private address unless the deployment allows private networks', async () => {
    const platform = opened(createPlatform());
    const server = opened(await startFieldServiceServer());
    const refused = await call(platform, 'POST', '/integrations/graphql/connect', { credentials: { endpoint: server.url } });
    expect([refused.status, refused.json.code]).toEqual([502, 'integration_error']);
    expect(refused.json.detail).toContain('Refused to connect');
    expect(server.requests).toEqual([]);
  });

  it('runs a list operation through a reference and hands back { count, results } with the projected values only', async () => {
    const platform = opened(await createChatPlatform({ allowPrivateNetwork: true }));
    const server = opened(await startFieldServiceServer());
    await connectGraphQL(platform, server);
    await ok(platform, 'POST', `/agents/${platform.agentId}/integrations/graphql/bindings`, {
      toolName: 'Check job status',
      description: 'Tell the caller the status of their jobs and when the technician comes next.',
      operation: 'jobs',
      inputs: [{ param: 'caller_phone', arg: 'clientPhone', required: true }],
      projection: [
        { path: ['job', 'title'], leaf: 'job_title' },
        { path: ['job', 'jobStatus'], leaf: 'job_status' },
        { path: ['job', 'nextVisit', 'startAt'], leaf: 'next_visit' },
        { path: ['job', 'client', 'firstName'], leaf: 'first_name' },
      ],
      enabled: true,
    });
    await platform.publish();

    const [check] = toolCalls(await simulateLive(platform, platform.agentId, ['What is the status of my job? My phone is 303 555 0188.']));
    expect(check.output).toEqual({
      count: 2,
      results: [
        { job_title: 'Furnace not igniting', job_status: 'ACTIVE', next_visit: '2025-03-12T15:00:00Z', first_name: 'Dana' },
        { job_title: 'Annual AC tune-up', job_status: 'COMPLETED', next_visit: null, first_name: 'Dana' },
      ],
    });
    expect(server.requests.at(-1)!.query).toBe(
      'query Binding($clientPhone: String) { jobs(clientPhone: $clientPhone) { title jobStatus nextVisit { startAt } client { firstName } } }',
    );
  });
});

/**
 * Bound operations on real PostgreSQL and MariaDB servers: reads, inserts and updates compile to one
 * parameterized statement, injection attempts stay data, scoping holds at run time, and a binding
 * over appointments answers a simulated live conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { call, ok, simulateLive, toolCalls } from './bindings-helpers.ts';
import { createSqlFixture, type SqlFixture } from '../support/sql-fixture.ts';
import type { SqlKind } from '../support/sql-servers.ts';
import { connectionContext } from '../../src/runtime/integrations/connections.ts';
import { visibleSchema } from '../../src/runtime/integrations/discovery.ts';
import { FlowyteError } from '../../src/errors.ts';

const KINDS: SqlKind[] = ['postgres', 'mysql'];

describe.each(KINDS)('%s', (kind) => {
  let platform: ChatPlatform;
  let fixture: SqlFixture;
  beforeAll(async () => {
    platform = await createChatPlatform({ allowPrivateNetwork: true });
    fixture = await createSqlFixture(platform, kind);
    await ok(platform, 'POST', `/integrations/${kind}/connect`, { credentials: fixture.credentials(fixture.writeUser) });
    await ok(platform, 'POST', `/integrations/${kind}/discover`);
  });
  afterAll(async () => {
    await fixture?.drop();
    platform?.close();
  });

  /** Run an operation as the binding skill does: through the provider, with the org's connection. */
  async function run(operation: string, args: Record<string, unknown>, select: string[][] = [], signal?: AbortSignal) {
    const { provider, context } = connectionContext(platform.services, platform.orgA.org.id, kind, signal);
    const stored = platform.services.integrations.schema(platform.orgA.org.id, kind)!.schema;
    return provider.execute!(context, stored.operations.find((candidate) => candidate.name === operation)!, args, select);
  }
  const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (error: unknown) => error as FlowyteError);
  const count = async (table: string) => Number((await fixture.admin.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  describe('provider.execute', () => {
    it('reads on the one mapped column and answers only the selected columns', async () => {
      expect(await run('appointments.read', { phone: '+14155550142' }, [['starts_at'], ['status']])).toEqual([{ starts_at: '2025-03-14 09:30:00', status: 'booked' }]);
      const [ada] = (await run('customers.read', { email: 'ada@example.com' })) as Record<string, unknown>[];
      expect(ada).toMatchObject({ id: 1, full_name: 'Ada Lovelace', tier: 'gold' });
      expect(await run('customers.read', { phone: '+10000000000' })).toEqual([]);
      expect(await run('appointments.read', { customer_id: '2' }, [['status']])).toEqual([{ status: 'done' }]);
    });

    it('keeps injection attempts as data: they match nothing, or are refused before reaching the database', async () => {
      for (const attempt of ["' OR 1=1 --", "+14155550142' OR '1'='1", "x'; DROP TABLE customers; --", '" OR ""="']) {
        expect(await run('appointments.read', { phone: attempt }), attempt).toEqual([]);
      }
      expect(await run('customers.read', { email: "x' UNION SELECT ssn, ssn, ssn, ssn, ssn, ssn, ssn FROM customers --" })).toEqual([]);
      for (const attempt of ['1; DROP TABLE appointments', '1 OR 1=1', '1)', '0x1']) {
        const refused = await failure(run('appointments.read', { id: attempt }));
        expect(refused.code, attempt).toBe('validation_error');
        expect(refused.errors?.[0].field).toBe('id');
      }
      expect([await count('customers'), await count('appointments'), await count('payments')]).toEqual([2, 2, 1]);
    });

    it('inserts one row and updates one row by its key, storing hostile text verbatim', async () => {
      const notes = "'); DROP TABLE appointments; -- \\ \"quoted\"";
      const inserted = (await run('appointments.insert', { customer_id: 1, phone: '+14155550100', starts_at: '2025-05-01 08:00:00', notes })) as Record<string, unknown>;
      expect(inserted).toMatchObject({ customer_id: 1, phone: '+14155550100', starts_at: '2025-05-01 08:00:00', status: 'booked', notes });
      expect(inserted.id).toEqual(expect.any(Number));

      const updated = await run('appointments.update', { id: String(inserted.id), status: 'cancelled', notes: "x'; DELETE FROM customers; --" }, [['id'], ['status'], ['notes']]);
      expect(updated).toEqual({ id: inserted.id, status: 'cancelled', notes: "x'; DELETE FROM customers; --" });
      expect(await run('appointments.update', { id: 999_999, status: 'done' })).toBeNull();
      expect((await failure(run('appointments.update', { id: '1 OR 1=1', status: 'done' }))).code).toBe('validation_error');
      expect((await failure(run('appointments.update', { id: inserted.id }))).code).toBe('validation_error');
      expect((await failure(run('appointments.insert', { phone: '+14155550100' }))).errors?.[0].field).toBe('customer_id');

      // A value the database itself refuses is a 502 with a plain sentence: no SQL, no credentials.
      const refused = await failure(run('appointments.update', { id: inserted.id, status: 'bogus' }));
      expect(refused.code).toBe('integration_error');
      expect(refused.message).toMatch(/check allows/);
      expect(refused.message).not.toMatch(/UPDATE|appointments|Quote/);

      expect([await count('customers'), await count('appointments'), await count('payments')]).toEqual([2, 3, 1]);
      expect(await fixture.admin.query(`SELECT status FROM appointments WHERE id = ${Number(inserted.id)}`)).toEqual([{ status: 'cancelled' }]);
      await fixture.admin.query(`DELETE FROM appointments WHERE id = ${Number(inserted.id)}`);
    });

    it('refuses a read that filters on none or several columns, and columns scoped out since binding', async () => {
      expect((await failure(run('appointments.read', {}))).code).toBe('validation_error');
      expect((await failure(run('appointments.read', { id: 1, phone: '+14155550142' }))).code).toBe('validation_error');
      await ok(platform, 'PATCH', `/integrations/${kind}/scoping`, { blockedColumns: { customers: ['ssn'] } });
      try {
        expect((await failure(run('customers.read', { id: 1 }, [['ssn']]))).code).toBe('unprocessable');
        const [ada] = (await run('customers.read', { id: 1 })) as Record<string, unknown>[];
        expect(ada).not.toHaveProperty('ssn');
        expect(ada).toHaveProperty('card_last4');
      } finally {
        await ok(platform, 'PATCH', `/integrations/${kind}/scoping`, { blockedColumns: {} });
      }
    });

    it('stops at once when the call is cancelled', async () => {
      const refused = await failure(run('appointments.read', { phone: '+14155550142' }, [], AbortSignal.abort()));
      expect(refused.code).toBe('integration_error');
      expect(refused.message).toMatch(/cancelled/);
    });

    // Postgres makes a slow read easy to stage: a row-level security policy that sleeps. (MariaDB
    // allows nothing that sleeps inside a plain read by key, so there it is not staged.)
    if (kind === 'postgres') it('cancels a statement that runs past its time limit, or when the call is cancelled', async () => {
      await fixture.admin.query('CREATE TABLE slow_table (id INT PRIMARY KEY)');
      await fixture.admin.query('INSERT INTO slow_table VALUES (1)');
      await fixture.admin.query('ALTER TABLE slow_table ENABLE ROW LEVEL SECURITY');
      await fixture.admin.query('CREATE POLICY sleepy ON slow_table USING ((SELECT pg_sleep(5)) IS NOT NULL)');
      await ok(platform, 'POST', `/integrations/${kind}/discover`);
      try {
        const refused = await failure(run('slow_table.read', { id: 1 }));
        expect(refused.code).toBe('integration_error');
        expect(refused.message).toMatch(/took too long/);
        // A call cancelled mid-statement is told so, not left waiting for the statement's time limit.
        const aborted = await failure(run('slow_table.read', { id: 1 }, [], AbortSignal.timeout(200)));
        expect(aborted.message).toMatch(/cancelled/);
      } finally {
        await fixture.admin.query('DROP TABLE slow_table');
        await ok(platform, 'POST', `/integrations/${kind}/discover`);
      }
    });

    it('tells a binding what SQL needs: one read filter, the write key, plain columns', () => {
      const { provider } = connectionContext(platform.services, platform.orgA.org.id, kind);
      const { schema } = visibleSchema(platform.services, platform.orgA.org.id, kind);
      const operation = (name: string) => schema.operations.find((candidate) => candidate.name === name)!;
      expect(provider.checkBinding!(operation('appointments.read'), ['phone'], [['starts_at']])).toEqual([]);
      expect(provider.checkBinding!(operation('appointments.read'), ['phone', 'id'], [])[0]).toMatch(/exactly one indexed column/);
      expect(provider.checkBinding!(operation('appointments.read'), ['phone'], [['customer', 'name']])[0]).toMatch(/plain columns/);
      expect(provider.checkBinding!(operation('appointments.update'), ['status'], [])[0]).toMatch(/required argument.*id/);
    });
  });

  describe('a binding on a live conversation', () => {
    it('answers the caller from the table, refuses blocked columns, and lands writes disabled', async () => {
      const bindings = `/agents/${platform.agentId}/integrations/${kind}/bindings`;
      const created = await call(platform, 'POST', bindings, {
        toolName: 'Look up an appointment',
        description: "Find the caller's appointment by phone and read back the time and status.",
        operation: 'appointments.read',
        inputs: [{ param: 'caller_phone', arg: 'phone', required: true }],
        projection: [
          { path: ['appointment', 'starts_at'], leaf: 'appointment_time' },
          { path: ['appointment', 'status'], leaf: 'appointment_status' },
        ],
        enabled: true,
      });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      expect(created.json.data).toMatchObject({ enabled: true, binding: { operation: 'appointments.read', returns: 'many' } });
      await platform.publish();

      const frames = await simulateLive(platform, platform.agentId, ['Hi, can you tell me when my appointment is? My number is 415-555-0142.']);
      const [lookup] = toolCalls(frames);
      expect(lookup).toMatchObject({ input: { caller_phone: '+14155550142' }, ok: true });
      expect(lookup.output).toEqual({ count: 1, results: [{ appointment_time: '2025-03-14 09:30:00', appointment_status: 'booked' }] });
      // The agent reads the row back, never the query.
      const said = frames.filter((frame) => frame.event === 'agent_message').map((frame) => frame.data.text).at(-1);
      expect(said).toBe('I found one: appointment time: 2025-03-14 09:30:00, appointment status: booked.');

      await ok(platform, 'PATCH', `/integrations/${kind}/scoping`, { blockedColumns: { customers: ['ssn'] } });
      const blocked = await call(platform, 'POST', bindings, {
        toolName: 'Read a social security number',
        operation: 'customers.read',
        inputs: [{ param: 'caller_phone', arg: 'phone' }],
        projection: [{ path: ['customer', 'ssn'], leaf: 'ssn' }],
      });
      expect(blocked.status).toBe(400);
      expect(blocked.json.code).toBe('validation_error');
      expect(blocked.json.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/ssn/) })]);
      await ok(platform, 'PATCH', `/integrations/${kind}/scoping`, { blockedColumns: {} });

      const write = await call(platform, 'POST', bindings, {
        toolName: 'Cancel an appointment',
        operation: 'appointments.update',
        inputs: [{ param: 'appointment_id', arg: 'id' }, { param: 'new_status', arg: 'status' }],
        projection: [{ path: ['appointment', 'status'], leaf: 'appointment_status' }],
        enabled: true,
      });
      expect(write.status, JSON.stringify(write.json)).toBe(201);
      expect(write.json.data).toMatchObject({ enabled: false, binding: { mode: 'update' } });
    });
  });
});

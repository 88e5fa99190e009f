/**
 * The SQL database connector against real PostgreSQL and MariaDB servers (see test/support/sql-servers.ts):
 * setup scripts that really run, the scoped logins they make, the connection test, connecting,
 * discovery, browsing and searching the schema, and data scoping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../helpers.ts';
import { call, ok } from './bindings-helpers.ts';
import { AWKWARD_PASSWORD, createSqlFixture, type SqlFixture } from '../support/sql-fixture.ts';
import { connectAdmin, connectDirect, serverAddress, serverCa, type SqlKind } from '../support/sql-servers.ts';

const KINDS: SqlKind[] = ['postgres', 'mysql'];
const CHECKS = ['reachability', 'tls', 'authentication', 'schema_read', 'read_probe', 'read_only_session', 'latency'];

describe.each(KINDS)('%s', (kind) => {
  let platform: Platform;
  let fixture: SqlFixture;
  beforeAll(async () => {
    platform = createPlatform({ allowPrivateNetwork: true });
    fixture = await createSqlFixture(platform, kind);
  });
  afterAll(async () => {
    await fixture?.drop();
    platform?.close();
  });

  const scriptsPath = (query: Record<string, string>) => `/integrations/${kind}/sql/scripts?${new URLSearchParams(query)}`;
  const testConnection = (credentials: Record<string, unknown>, target = platform) => call(target, 'POST', `/integrations/${kind}/sql/test`, { credentials });

  describe('get_sql_setup_scripts', () => {
    it('makes a read-only script, a write script only for named tables, and shows a generated password once', async () => {
      const readOnly = await ok(platform, 'GET', scriptsPath({ database: 'appdb' }));
      expect(readOnly).toMatchObject({ kind, database: 'appdb', readOnly: { user: 'flowyte_ro' }, write: null });
      expect(readOnly.generatedPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(readOnly.readOnly.sql).toContain(readOnly.generatedPassword);
      expect(readOnly.readOnly.sql).toMatch(/GRANT SELECT ON/);
      expect(readOnly.readOnly.sql).not.toMatch(/GRANT[^;]*\b(INSERT|UPDATE|DELETE)\b|GRANT ALL/);
      if (kind === 'postgres') expect(readOnly.readOnly.sql).toMatch(/ALTER DEFAULT PRIVILEGES[\s\S]*default_transaction_read_only|default_transaction_read_only[\s\S]*ALTER DEFAULT PRIVILEGES/);
      const again = await ok(platform, 'GET', scriptsPath({ database: 'appdb' }));
      expect(again.generatedPassword).not.toBe(readOnly.generatedPassword);

      const both = await ok(platform, 'GET', scriptsPath({ database: 'appdb', tables: 'appointments,requests', rw_user: 'agent_writer', password: 'a long given password' }));
      expect(both.generatedPassword).toBeNull();
      expect(both.write).toMatchObject({ user: 'agent_writer', tables: ['appointments', 'requests'] });
      expect(both.write.sql).toMatch(/GRANT INSERT, UPDATE ON/);
      expect(both.write.sql).not.toMatch(/GRANT[^;]*\bDELETE\b|GRANT ALL/);
      expect(both.write.sql).toContain('a long given password');
    });

    it('refuses names that are not plain identifiers with 400, naming the field', async () => {
      for (const [query, field] of [
        [{ database: 'appdb; DROP DATABASE appdb' }, 'database'],
        [{ database: 'appdb', tables: "appointments,x'y" }, 'tables'],
        [{ database: 'appdb', ro_user: 'robert"); --' }, 'ro_user'],
        [{ database: 'appdb', password: 'short' }, 'password'],
      ] as const) {
        const answer = await call(platform, 'GET', scriptsPath(query));
        expect(answer.status, JSON.stringify(query)).toBe(400);
        expect(answer.json.code).toBe('validation_error');
        expect(answer.json.errors.map((error: { field: string }) => error.field.split('.')[0])).toContain(field);
      }
    });

    it('is a 404 for a provider that is not a SQL database', async () => {
      for (const other of ['shopify', 'not_a_provider']) {
        const answer = await call(platform, 'GET', `/integrations/${other}/sql/scripts?database=appdb`);
        expect(answer.status).toBe(404);
        expect(answer.json.code).toBe('not_found');
        expect((await call(platform, 'POST', `/integrations/${other}/sql/test`, { credentials: fixture.credentials(fixture.readOnlyUser) })).status).toBe(404);
      }
    });
  });

  describe('the logins the scripts make', () => {
    it('the read-only login reads every table, tables created later too, and can write nothing', async () => {
      await fixture.admin.query('CREATE TABLE later_table (id INT PRIMARY KEY, label VARCHAR(20))');
      const session = await connectDirect(kind, { user: fixture.readOnlyUser, password: AWKWARD_PASSWORD, database: fixture.database });
      try {
        expect(await session.query('SELECT full_name FROM customers ORDER BY id')).toEqual([{ full_name: 'Ada Lovelace' }, { full_name: 'Alan Turing' }]);
        expect(await session.query('SELECT * FROM later_table')).toEqual([]);
        for (const write of [
          "INSERT INTO customers (full_name, phone) VALUES ('Mallory', '1')",
          "UPDATE appointments SET status = 'cancelled'",
          'DELETE FROM payments',
          'CREATE TABLE intruder (id INT)',
          'DROP TABLE later_table',
        ]) {
          await expect(session.query(write), write).rejects.toThrow();
          // Postgres: the failed statement aborts nothing further (autocommit), so the next one runs.
        }
      } finally {
        await session.close();
        await fixture.admin.query('DROP TABLE later_table');
      }
      expect(await fixture.admin.query("SELECT COUNT(*) AS n FROM appointments WHERE status = 'cancelled'")).toEqual([{ n: kind === 'postgres' ? '0' : 0 }]);
    });

    it('the write login inserts into and updates only the tables it was given, and deletes nothing', async () => {
      const session = await connectDirect(kind, { user: fixture.writeUser, password: AWKWARD_PASSWORD, database: fixture.database });
      try {
        await session.query("INSERT INTO appointments (customer_id, phone, starts_at) VALUES (2, '+14155550199', '2025-04-01 10:00:00')");
        await session.query("UPDATE appointments SET notes = 'gate code 42' WHERE phone = '+14155550199'");
        await expect(session.query("DELETE FROM appointments WHERE phone = '+14155550199'")).rejects.toThrow();
        await expect(session.query("INSERT INTO customers (full_name, phone) VALUES ('Mallory', '1')")).rejects.toThrow();
        await expect(session.query("UPDATE payments SET amount = 0")).rejects.toThrow();
      } finally {
        await session.close();
      }
      expect(await fixture.admin.query("SELECT notes FROM appointments WHERE phone = '+14155550199'")).toEqual([{ notes: 'gate code 42' }]);
      await fixture.admin.query("DELETE FROM appointments WHERE phone = '+14155550199'");
    });
  });

  describe('test_sql_connection', () => {
    it('passes every check, in order and timed, for the read-only login', async () => {
      const answer = await testConnection(fixture.credentials(fixture.readOnlyUser));
      expect(answer.status).toBe(200);
      const { ok: passed, checks } = answer.json.data;
      expect(checks.map((check: { name: string }) => check.name)).toEqual(CHECKS);
      expect(passed, JSON.stringify(checks)).toBe(true);
      for (const check of checks) expect(check).toMatchObject({ ok: true, ms: expect.any(Number) });
      expect(checks[1].detail).toMatch(/^TLSv1\.[23]/);
      expect(checks[5].detail).toMatch(/cannot write anywhere/);
      expect(checks[6].detail).toMatch(/good for live calls/);
      // The write login passes too, and the report says where it may write.
      const writer = (await testConnection(fixture.credentials(fixture.writeUser, { port: String(serverAddress(kind).port) }))).json.data;
      expect(writer.ok).toBe(true);
      expect(writer.checks[5].detail).toMatch(/may also write to appointments/);
    });

    it('reports a wrong password as the failed authentication check, and skips the rest', async () => {
      const answer = await testConnection(fixture.credentials(fixture.readOnlyUser, { password: 'not the password' }));
      expect(answer.status).toBe(200);
      const { ok: passed, checks } = answer.json.data;
      expect(passed).toBe(false);
      expect(checks.slice(0, 3)).toMatchObject([{ name: 'reachability', ok: true }, { name: 'tls', ok: true }, { name: 'authentication', ok: false }]);
      expect(checks[2].detail).toMatch(/wrong user or password/);
      for (const check of checks.slice(3)) expect(check).toMatchObject({ ok: false, detail: 'skipped: authentication failed', ms: null });
      expect(JSON.stringify(answer.json)).not.toContain('not the password');
    });

    it('checks the certificate with verify-full: refused without the CA, accepted with it', async () => {
      const unverified = (await testConnection(fixture.credentials(fixture.readOnlyUser, { sslmode: 'verify-full' }))).json.data;
      expect(unverified.ok).toBe(false);
      expect(unverified.checks[1]).toMatchObject({ name: 'tls', ok: false });
      expect(unverified.checks[1].detail).toMatch(/certificate|self-signed/i);
      const verified = (await testConnection(fixture.credentials(fixture.readOnlyUser, { sslmode: 'verify-full', ca_pem: serverCa() }))).json.data;
      expect(verified.ok, JSON.stringify(verified.checks)).toBe(true);
      expect(verified.checks[1].detail).toMatch(/verified for this host/);
      const chainOnly = (await testConnection(fixture.credentials(fixture.readOnlyUser, { sslmode: 'verify-ca', ca_pem: serverCa() }))).json.data;
      expect(chainOnly.ok).toBe(true);
    });

    it('fails read_only_session for an admin login: connect a scoped one', async () => {
      const { user, password } = serverAddress(kind);
      const { checks } = (await testConnection(fixture.credentials(user, { password }))).json.data;
      expect(checks[5]).toMatchObject({ name: 'read_only_session', ok: false });
      expect(checks[5].detail).toMatch(/superuser|global privileges/);
    });

    it('refuses sslmode disable with 400 naming credentials.sslmode', async () => {
      const answer = await testConnection(fixture.credentials(fixture.readOnlyUser, { sslmode: 'disable' }));
      expect(answer.status).toBe(400);
      expect(answer.json.code).toBe('validation_error');
      expect(answer.json.errors[0].field).toBe('credentials.sslmode');
    });

    it('refuses a loopback host unless the deployment allows private networks', async () => {
      const strict = createPlatform();
      try {
        const answer = await testConnection(fixture.credentials(fixture.readOnlyUser), strict);
        expect(answer.status).toBe(200);
        expect(answer.json.data.ok).toBe(false);
        expect(answer.json.data.checks[0]).toMatchObject({ name: 'reachability', ok: false });
        expect(answer.json.data.checks[0].detail).toMatch(/loopback/);
        const connect = await call(strict, 'POST', `/integrations/${kind}/connect`, { credentials: fixture.credentials(fixture.readOnlyUser) });
        expect(connect.status).toBe(400);
        expect(connect.json.code).toBe('connection_failed');
        expect(connect.json.detail).toMatch(/reachability: .*loopback/);
      } finally {
        strict.close();
      }
    });
  });

  describe('connect_integration', () => {
    it('refuses credentials that fail the connection test, and stores nothing', async () => {
      const wrong = await call(platform, 'POST', `/integrations/${kind}/connect`, { credentials: fixture.credentials(fixture.readOnlyUser, { password: 'wrong password' }) });
      expect(wrong.status).toBe(400);
      expect(wrong.json.code).toBe('connection_failed');
      expect(wrong.json.detail).toMatch(/authentication/);
      expect(wrong.json.checks.map((check: { name: string }) => check.name)).toEqual(CHECKS);
      const disabled = await call(platform, 'POST', `/integrations/${kind}/connect`, { credentials: fixture.credentials(fixture.readOnlyUser, { sslmode: 'disable' }) });
      expect(disabled.status).toBe(400);
      expect(disabled.json.errors.map((error: { field: string }) => error.field)).toContain('credentials.sslmode');
      expect((await ok(platform, 'GET', '/integrations'))).toEqual([]);
    });

    it('connects a scoped login, seals its credentials at rest and never returns them', async () => {
      const connected = await ok(platform, 'POST', `/integrations/${kind}/connect`, { credentials: fixture.credentials(fixture.writeUser) });
      const label = `${fixture.writeUser}@${serverAddress(kind).host}/${fixture.database}`;
      expect(connected).toEqual({ kind, status: 'connected', accountLabel: label });
      // Org B connects the read-only login to the same database.
      const orgB = await call(platform, 'POST', `/integrations/${kind}/connect`, { credentials: fixture.credentials(fixture.readOnlyUser) }, platform.orgB.apiKey.secret);
      expect(orgB.status).toBe(200);

      const listed = (await ok(platform, 'GET', '/integrations'));
      expect(listed).toEqual([expect.objectContaining({ kind, status: 'connected', accountLabel: label })]);
      const catalog = (await ok(platform, 'GET', '/integrations/catalog')).find((item: { kind: string }) => item.kind === kind);
      expect(catalog).toMatchObject({ category: 'database', auth: 'credentials', connected: true, discoverable: true, actionCount: 0, accountLabel: label });
      for (const answer of [listed, catalog, connected]) expect(JSON.stringify(answer)).not.toContain(AWKWARD_PASSWORD);

      const row = platform.services.db.prepare('SELECT credentials FROM integration_connections WHERE org_id = ? AND kind = ?').get(platform.orgA.org.id, kind) as { credentials: Buffer };
      const raw = row.credentials.toString('latin1');
      for (const secret of ['Quote', 'Back', fixture.writeUser, fixture.database]) expect(raw).not.toContain(secret);
    });
  });

  describe('discovery and the schema tools', () => {
    beforeAll(async () => {
      await ok(platform, 'POST', `/integrations/${kind}/discover`);
      const discovered = await call(platform, 'POST', `/integrations/${kind}/discover`, undefined, platform.orgB.apiKey.secret);
      expect(discovered.status).toBe(200);
    });
    const get = (path: string) => ok(platform, 'GET', `/integrations/${kind}${path}`);

    it('discovers the tables and the view, with counts', async () => {
      const summary = await ok(platform, 'POST', `/integrations/${kind}/discover`);
      expect(summary).toMatchObject({ kind, objectCount: 4, fieldCount: 7 + 6 + 4 + 3, edgeCount: 4, operationCount: 5 });
      expect((await ok(platform, 'GET', '/integrations'))[0].discoveredAt).toBe(summary.discoveredAt);
    });

    it('reads types, required, enumerations and checks, sensitivity, keys, indexes, references and record counts', async () => {
      const customers = await get('/objects/customers');
      const field = (name: string) => customers.fields.find((candidate: { name: string }) => candidate.name === name);
      expect(field('id')).toMatchObject({ type: 'integer', required: false, indexed: true, unique: true, sensitive: false });
      expect(field('full_name')).toMatchObject({ type: 'string', nativeType: kind === 'postgres' ? 'character varying(100)' : 'varchar(100)', required: true, sensitive: true, indexed: false, unique: false });
      expect(field('email')).toMatchObject({ required: false, unique: true, indexed: true, sensitive: true });
      expect(field('phone')).toMatchObject({ required: true, indexed: true, unique: false, sensitive: true });
      expect(field('ssn').sensitive).toBe(true);
      expect(field('card_last4').sensitive).toBe(true);
      expect(field('tier')).toMatchObject({ type: 'string', required: false, allowedValues: ['standard', 'gold'] });
      expect(customers.recordCount).toBe(2);
      expect(customers.capabilities).toEqual({ read: true, insert: false, update: false });

      const appointments = await get('/objects/appointments');
      const column = (name: string) => appointments.fields.find((candidate: { name: string }) => candidate.name === name);
      expect(column('customer_id')).toMatchObject({ type: 'integer', required: true, target: 'customers', indexed: true });
      expect(column('starts_at')).toMatchObject({ type: 'datetime', required: true });
      expect(column('status')).toMatchObject({ required: false, allowedValues: ['booked', 'cancelled', 'done'] });
      expect(column('notes')).toMatchObject({ required: false });
      expect(column('notes').allowedValues).toBeUndefined();
      expect(appointments.capabilities).toEqual({ read: true, insert: true, update: true });
      expect((await get('/objects/payments')).fields.find((candidate: { name: string }) => candidate.name === 'amount')).toMatchObject({ type: 'number', required: true });

      const view = await get('/objects/upcoming');
      expect(view.capabilities).toEqual({ read: true, insert: false, update: false });
      expect(view.operations).toEqual([]);
    });

    it('relates tables through their foreign keys, both ways', async () => {
      const { relationships } = await get('/schema');
      expect(relationships).toEqual(
        expect.arrayContaining([
          { from: 'appointments', field: 'customer_id', to: 'customers', cardinality: 'one' },
          { from: 'customers', field: 'id', to: 'appointments', cardinality: 'many' },
          { from: 'payments', field: 'customer_id', to: 'customers', cardinality: 'one' },
          { from: 'customers', field: 'id', to: 'payments', cardinality: 'many' },
        ]),
      );
      expect(relationships).toHaveLength(4);
    });

    it('offers the operations the login may run: reads on indexed columns, writes only where granted', async () => {
      const writer = (await get('/operations?readOnly=false'));
      expect(writer.map((operation: { name: string }) => operation.name)).toEqual(['appointments.insert', 'appointments.read', 'appointments.update', 'customers.read', 'payments.read']);
      const read = writer.find((operation: { name: string }) => operation.name === 'appointments.read');
      expect(read).toMatchObject({ mode: 'read', object: 'appointments', returns: 'many' });
      expect(read.args.map((arg: { name: string; required: boolean }) => [arg.name, arg.required])).toEqual([['id', false], ['customer_id', false], ['phone', false]]);
      const insert = writer.find((operation: { name: string }) => operation.name === 'appointments.insert');
      expect(Object.fromEntries(insert.args.map((arg: { name: string; required: boolean }) => [arg.name, arg.required]))).toEqual({
        id: false, customer_id: true, phone: true, starts_at: true, status: false, notes: false,
      });
      const update = writer.find((operation: { name: string }) => operation.name === 'appointments.update');
      expect(update.args[0]).toMatchObject({ name: 'id', required: true });
      expect(update.args.slice(1).every((arg: { required: boolean }) => !arg.required)).toBe(true);

      const reader = await call(platform, 'GET', `/integrations/${kind}/operations?readOnly=false`, undefined, platform.orgB.apiKey.secret);
      expect(reader.json.data.map((operation: { name: string }) => operation.name)).toEqual(['appointments.read', 'customers.read', 'payments.read']);
    });

    it('lists reads by default, and filters operations by object and by name', async () => {
      expect((await get('/operations')).map((operation: { name: string }) => operation.name)).toEqual(['appointments.read', 'customers.read', 'payments.read']);
      expect((await get('/operations?readOnly=false&object=appointments'))).toHaveLength(3);
      expect((await get('/operations?readOnly=false&q=UPD')).map((operation: { name: string }) => operation.name)).toEqual(['appointments.update']);
    });

    it('browses objects a page at a time, with counts, and searches them', async () => {
      const first = await platform.request('GET', `/integrations/${kind}/objects?limit=2`);
      const page = (await first.json()) as { data: { name: string }[]; nextCursor: string; hasMore: boolean };
      expect(page.data.map((object) => object.name)).toEqual(['appointments', 'customers']);
      expect(page.hasMore).toBe(true);
      const second = (await (await platform.request('GET', `/integrations/${kind}/objects?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`)).json()) as typeof page;
      expect(second.data.map((object) => object.name)).toEqual(['payments', 'upcoming']);
      expect(second.hasMore).toBe(false);
      const found = (await (await platform.request('GET', `/integrations/${kind}/objects?q=appoint`)).json()) as { data: Record<string, unknown>[] };
      expect(found.data).toEqual([
        { id: 'appointments', name: 'appointments', description: null, capabilities: { read: true, insert: true, update: true }, recordCount: 2, fieldCount: 6, relationshipCount: 2, operationCount: 3 },
      ]);
      expect((await call(platform, 'GET', `/integrations/${kind}/objects/nothing_here`)).status).toBe(404);
    });

    it('ranks search hits and badges core, personal and payment-card fields', async () => {
      const items = await get('/search?q=appointment%20status');
      expect(items[0]).toMatchObject({ object: 'appointments', field: 'status', type: 'string' });
      const badges = async (q: string) => Object.fromEntries((await get(`/search?q=${q}&limit=50`)).map((hit: { object: string; field: string; badges: string[] }) => [`${hit.object}.${hit.field}`, hit.badges]));
      const phones = await badges('phone');
      expect(phones['customers.phone']).toEqual(['core', 'pii']);
      expect((await badges('card'))['customers.card_last4']).toEqual(['payment_card']);
      expect((await badges('card'))['payments.card_number']).toContain('payment_card');
      const customer = (await get('/search?q=customer')).find((hit: { field: string }) => hit.field === 'customer_id');
      expect(customer).toMatchObject({ type: 'integer', target: 'customers', badges: ['core'] });
    });

    it('hides blocked tables and columns from every view, and keeps them blocked across re-discovery', async () => {
      const scoping = await ok(platform, 'PATCH', `/integrations/${kind}/scoping`, { blockedTables: ['payments'], blockedColumns: { customers: ['ssn', 'card_last4'] } });
      expect(scoping).toEqual({ kind, blockedTables: ['payments'], blockedColumns: { customers: ['ssn', 'card_last4'] } });
      const hidden = async () => {
        const schema = await get('/schema');
        expect(schema.objects.map((object: { name: string }) => object.name)).toEqual(['appointments', 'customers', 'upcoming']);
        const customers = schema.objects.find((object: { name: string }) => object.name === 'customers');
        expect(customers.fields.map((field: { name: string }) => field.name)).toEqual(['id', 'full_name', 'email', 'phone', 'tier']);
        expect(JSON.stringify(schema)).not.toMatch(/payments|ssn|card_last4/);
        expect((await get('/operations?readOnly=false')).map((operation: { name: string }) => operation.name)).not.toContain('payments.read');
        expect((await get('/search?q=ssn%20card%20payment'))).toEqual([]);
        const objects = (await (await platform.request('GET', `/integrations/${kind}/objects`)).json()) as { data: { name: string; relationshipCount: number }[] };
        expect(objects.data.find((object) => object.name === 'customers')?.relationshipCount).toBe(2);
        expect((await call(platform, 'GET', `/integrations/${kind}/objects/payments`)).status).toBe(404);
      };
      await hidden();
      await ok(platform, 'POST', `/integrations/${kind}/discover`);
      await hidden();
      expect(await get('/scoping')).toEqual(scoping);
      // Other orgs' scoping is their own.
      // Org B connects the read-only login to the same database.
      const orgB = await call(platform, 'GET', `/integrations/${kind}/schema`, undefined, platform.orgB.apiKey.secret);
      expect(orgB.json.data.objects.map((object: { name: string }) => object.name)).toContain('payments');
      await ok(platform, 'PATCH', `/integrations/${kind}/scoping`, { blockedTables: [], blockedColumns: {} });
      expect((await get('/schema')).objects).toHaveLength(4);
    });
  });
});

describe('the test servers', () => {
  it.each(KINDS)('%s answers over TLS', async (kind) => {
    const admin = await connectAdmin(kind);
    try {
      const [row] = await admin.query(kind === 'postgres' ? 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()' : "SHOW SESSION STATUS LIKE 'Ssl_version'");
      expect(kind === 'postgres' ? row.ssl : row.Value).toBeTruthy();
    } finally {
      await admin.close();
    }
  });
});

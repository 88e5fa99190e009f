/**
 * Running one bound operation: exactly one parameterized statement. Table and column names come only
 * from the stored schema (scoping applied, so a column blocked after binding stops flowing) and are
 * quoted; values only ever travel as parameters, after being checked against their column's type.
 */
import { FlowyteError } from '../../../errors.ts';
import type { ConnectionContext } from '../provider.ts';
import { applyScoping, type FieldType, type SchemaField, type SchemaOperation } from '../schema.ts';
import { inTransaction, withSession } from './sql-connect.ts';
import type { SqlEngine } from './sql-engine.ts';
import { READ_LIMIT } from './sql-schema.ts';

/** Longest one bound statement may run: a slow query must not stall a live call. */
export const STATEMENT_TIMEOUT_MS = 3000;

type Row = Record<string, unknown>;

const invalid = (field: string, message: string) => new FlowyteError('validation_error', `${field} ${message}`, { errors: [{ field, message }] });
const unavailable = (what: string) => new FlowyteError('unprocessable', `${what}: discover the database again, or check its data scoping`);

/** A value for a column of `type`, or a validation_error: a filter on an integer column never sees "1; DROP …". */
export function coerce(name: string, type: FieldType, value: unknown): unknown {
  if (value === null) return null;
  switch (type) {
    case 'integer': {
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      if (!/^[+-]?\d{1,19}$/.test(text)) throw invalid(name, 'must be a whole number');
      return Number.isSafeInteger(Number(text)) ? Number(text) : text;
    }
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isFinite(number)) throw invalid(name, 'must be a number');
      return number;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', '1'].includes(text)) return true;
      if (['false', 'no', '0'].includes(text)) return false;
      throw invalid(name, 'must be true or false');
    }
    case 'json':
      return JSON.stringify(value);
    default:
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw invalid(name, 'must be text');
  }
}

/** What a driver hands back, as plain JSON values. */
function plain(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([name, value]) => [
      name,
      value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? value.toString('base64') : typeof value === 'bigint' ? String(value) : value,
    ]),
  );
}

/** SQL rules a binding must meet too: a read maps exactly one filter, writes map their key and required columns, projections are plain columns. */
export function checkSqlBinding(operation: SchemaOperation, mappedArgs: string[], select: string[][]): string[] {
  const problems: string[] = [];
  if (operation.mode === 'read' && mappedArgs.length !== 1) {
    problems.push(`a SQL read filters on exactly one indexed column: map one of ${operation.args.map((arg) => arg.name).join(', ')}`);
  }
  const missing = operation.args.filter((arg) => arg.required && !mappedArgs.includes(arg.name));
  if (missing.length) problems.push(`map every required argument of ${operation.name}: ${missing.map((arg) => arg.name).join(', ')}`);
  if (operation.mode === 'update' && mappedArgs.length < 2) problems.push(`${operation.name} must map at least one column to change besides its key`);
  for (const path of select) if (path.length !== 1) problems.push(`${path.join('.')}: a SQL record has plain columns, not nested fields`);
  return problems;
}

/** Run `operation` (as bound) with `args`, answering the `select` columns (all visible ones when empty). */
export async function runSqlOperation(engine: SqlEngine, context: ConnectionContext, operation: SchemaOperation, args: Record<string, unknown>, select: string[][]) {
  const { integrations, config } = context.services;
  const stored = integrations.schema(context.orgId, context.kind);
  if (!stored) throw new FlowyteError('schema_not_discovered', `${context.kind} has not been discovered yet: POST /integrations/${context.kind}/discover first`);
  const schema = applyScoping(stored.schema, integrations.scoping(context.orgId, context.kind));
  const current = schema.operations.find((candidate) => candidate.name === operation.name);
  const object = schema.objects.find((candidate) => candidate.name === current?.object);
  if (!current || !object) throw unavailable(`${operation.name} is not an operation of the discovered schema`);
  const fields = new Map(object.fields.map((field) => [field.name, field]));
  const columns = select.length ? select.map((path) => path.join('.')) : [...fields.keys()];
  for (const column of columns) if (!fields.has(column)) throw unavailable(`${object.name}.${column} is not a readable column`);

  const values = new Map<SchemaField, unknown>();
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === '') continue;
    const arg = current.args.find((candidate) => candidate.name === name);
    if (!arg?.field || !fields.has(arg.field)) throw invalid(name, `is not an argument of ${current.name}`);
    values.set(fields.get(arg.field)!, coerce(name, arg.type, value));
  }
  for (const arg of current.args) if (arg.required && ![...values.keys()].some((field) => field.name === arg.field)) throw invalid(arg.name, 'is required');

  const { quote, placeholder } = engine;
  const table = quote(object.name);
  const list = columns.map(quote).join(', ');
  const request = { engine, credentials: context.credentials, allowPrivateNetwork: config.allowPrivateNetwork, statementTimeoutMs: STATEMENT_TIMEOUT_MS, signal: context.signal };

  if (current.mode === 'read') {
    const filters = [...values];
    if (filters.length !== 1 || filters[0][1] === null) throw invalid(current.name, `filters on exactly one of ${current.args.map((arg) => arg.name).join(', ')}`);
    const [[field, value]] = filters;
    const limit = current.returns === 'one' ? 1 : READ_LIMIT;
    const rows = await withSession(request, (session) =>
      inTransaction(session, engine.beginReadOnly, async () => (await session.query(`SELECT ${list} FROM ${table} WHERE ${quote(field.name)} = ${placeholder(1)} LIMIT ${limit}`, [value])).rows),
    );
    return current.returns === 'one' ? (rows[0] ? plain(rows[0]) : null) : rows.map(plain);
  }

  if (current.mode === 'insert') {
    const row = Object.fromEntries([...values].map(([field, value]) => [field.name, value]));
    // Where the engine cannot return the new row, it is read back by a unique key: one given, else the generated one.
    const keys = object.fields.filter((field) => field.unique);
    const key = (keys.find((field) => field.name in row) ?? keys[0])?.name;
    const inserted = await withSession(request, (session) => inTransaction(session, engine.beginReadWrite, () => engine.insertOne(session, object.name, row, columns, key)));
    return inserted && plain(inserted);
  }

  const keyField = fields.get(current.args[0].field!)!;
  const changes = [...values].filter(([field]) => field !== keyField);
  if (changes.length === 0) throw invalid(current.name, 'needs at least one column to change');
  const assignments = changes.map(([field], index) => `${quote(field.name)} = ${placeholder(index + 1)}`).join(', ');
  const keyValue = values.get(keyField);
  const updated = await withSession(request, (session) =>
    inTransaction(session, engine.beginReadWrite, async () => {
      const { rowCount } = await session.query(`UPDATE ${table} SET ${assignments} WHERE ${quote(keyField.name)} = ${placeholder(changes.length + 1)}`, [
        ...changes.map(([, value]) => value),
        keyValue,
      ]);
      if (rowCount === 0) return null;
      return (await session.query(`SELECT ${list} FROM ${table} WHERE ${quote(keyField.name)} = ${placeholder(1)}`, [keyValue])).rows[0] ?? null;
    }),
  );
  return updated && plain(updated);
}

/**
 * A database catalog (what the engines read) as the normalized schema: tables and views become
 * objects, foreign keys relationships both ways, and the login's privileges decide the operations:
 *
 * - `<table>.read`: its arguments are the indexed columns (a key, or the first column of an index),
 *   and a binding maps exactly one of them, which the read filters on with `=`. It returns one
 *   record (or null) when every argument is a unique key, otherwise a list of at most READ_LIMIT.
 * - `<table>.insert`: one row; the arguments are the columns the login may insert, required when
 *   NOT NULL without a default. Answers the new row.
 * - `<table>.update`: one row picked by a unique key (its required first argument); the other
 *   arguments are the columns the login may update. Answers the row, or null when none matched.
 */
import { isSensitive } from '../sensitivity.ts';
import type { NormalizedSchema, OperationArgument, SchemaField, SchemaObject, SchemaOperation, SchemaRelationship } from '../schema.ts';
import type { CatalogColumn, CatalogTable } from './sql-engine.ts';

/** Most records a read answers. */
export const READ_LIMIT = 10;

/** The values a `CHECK (col IN (…))` allows, when that is all the check says. */
export function allowedValuesFromCheck(definition: string): string[] | undefined {
  if (/\b(and|or|not|between|like)\b|[<>]/i.test(definition)) return undefined;
  const list = /(?:=\s*ANY\s*\(+\s*ARRAY\s*\[|\bIN\s*\()([\s\S]*)/i.exec(definition)?.[1];
  if (!list) return undefined;
  const values = [...list.matchAll(/'((?:[^'\\]|''|\\.)*)'/g)].map((match) => match[1].replace(/''/g, "'"));
  return values.length ? values : undefined;
}

/** The column a write picks its one row by: the primary key, else the first single-column unique key. */
export function rowKey(table: CatalogTable): string | undefined {
  const single = table.indexes.filter((index) => index.unique && index.columns.length === 1);
  const key = single.find((index) => index.primary) ?? single[0];
  return key && table.columns.some((column) => column.name === key.columns[0]) ? key.columns[0] : undefined;
}

function fieldOf(table: CatalogTable, column: CatalogColumn, targets: Map<string, string>): SchemaField {
  const indexed = table.indexes.some((index) => index.columns[0] === column.name);
  const unique = table.indexes.some((index) => index.unique && index.columns.length === 1 && index.columns[0] === column.name);
  const allowedValues = column.enumValues ?? table.checks.filter((check) => check.column === column.name).map((check) => allowedValuesFromCheck(check.definition)).find(Boolean);
  return {
    name: column.name,
    type: column.type,
    nativeType: column.nativeType,
    required: !column.nullable && !column.hasDefault,
    ...(column.comment ? { description: column.comment } : {}),
    ...(allowedValues ? { allowedValues } : {}),
    sensitive: isSensitive(column.name),
    ...(targets.has(column.name) ? { target: targets.get(column.name) } : {}),
    indexed,
    unique,
  };
}

const argumentOf = (field: SchemaField, required: boolean, description: string): OperationArgument => ({ name: field.name, type: field.type, required, description, field: field.name });

function operationsOf(table: CatalogTable, fields: SchemaField[]): SchemaOperation[] {
  const operations: SchemaOperation[] = [];
  const filters = fields.filter((field) => field.indexed);
  if (filters.length) {
    const one = filters.every((field) => field.unique);
    operations.push({
      name: `${table.name}.read`,
      mode: 'read',
      object: table.name,
      returns: one ? 'one' : 'many',
      description: one
        ? `Finds the ${table.name} record whose mapped column equals the value given (map exactly one argument); null when none.`
        : `Finds up to ${READ_LIMIT} ${table.name} records whose mapped column equals the value given (map exactly one argument).`,
      args: filters.map((field) => argumentOf(field, false, field.unique ? `Filter: ${field.name} equals this (a unique key).` : `Filter: ${field.name} equals this.`)),
    });
  }
  if (table.view) return operations;
  const column = (field: SchemaField) => table.columns.find((candidate) => candidate.name === field.name)!;
  const insertable = fields.filter((field) => column(field).canInsert && !column(field).generated);
  const blocked = table.columns.some((candidate) => !candidate.nullable && !candidate.hasDefault && !insertable.some((field) => field.name === candidate.name));
  if (insertable.length && !blocked) {
    operations.push({
      name: `${table.name}.insert`,
      mode: 'insert',
      object: table.name,
      returns: 'one',
      description: `Adds one ${table.name} record and answers it.`,
      args: insertable.map((field) => argumentOf(field, field.required, `Value of ${field.name}.`)),
    });
  }
  const key = rowKey(table);
  const updatable = fields.filter((field) => field.name !== key && column(field).canUpdate && !column(field).generated);
  if (key && updatable.length) {
    operations.push({
      name: `${table.name}.update`,
      mode: 'update',
      object: table.name,
      returns: 'one',
      description: `Changes the given columns of the one ${table.name} record whose ${key} equals the key, and answers it; null when none matches.`,
      args: [
        argumentOf(fields.find((field) => field.name === key)!, true, `Which record: its ${key}.`),
        ...updatable.map((field) => argumentOf(field, false, `New value of ${field.name}.`)),
      ],
    });
  }
  return operations;
}

/** The normalized schema of the tables a login can read. */
export function normalizedSchema(tables: CatalogTable[]): NormalizedSchema {
  const byName = new Map(tables.map((table) => [table.name, table]));
  const objects: SchemaObject[] = [];
  const relationships: SchemaRelationship[] = [];
  const operations: SchemaOperation[] = [];
  for (const table of tables) {
    const references = table.foreignKeys.filter((key) => byName.has(key.table) && table.columns.some((column) => column.name === key.column));
    const fields = table.columns.map((column) => fieldOf(table, column, new Map(references.map((key) => [key.column, key.table]))));
    const writable = (privilege: 'canInsert' | 'canUpdate') => !table.view && table.columns.some((column) => column[privilege]);
    objects.push({
      name: table.name,
      ...(table.comment ? { description: table.comment } : {}),
      fields,
      capabilities: { read: true, insert: writable('canInsert'), update: writable('canUpdate') },
      ...(table.rowEstimate !== undefined ? { recordCount: table.rowEstimate } : {}),
    });
    for (const key of references) {
      relationships.push({ from: table.name, field: key.column, to: key.table, cardinality: 'one' });
      relationships.push({ from: key.table, field: key.targetColumn, to: table.name, cardinality: 'many' });
    }
    operations.push(...operationsOf(table, fields));
  }
  return { objects, relationships, operations };
}

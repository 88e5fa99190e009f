/**
 * The normalized schema every discoverable provider (SQL, OpenAPI, GraphQL) is read into:
 * objects with typed fields, the relationships between them, and the operations a binding can
 * call. Bindings, search and scoping only ever see this shape, never a provider's own.
 */

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'json' | 'reference';

export interface SchemaField {
  name: string;
  type: FieldType;
  /** The provider's own type name (varchar(40), Int!, …). */
  nativeType?: string;
  required: boolean;
  description?: string;
  /** Enumerations and check constraints. */
  allowedValues?: string[];
  /** Holds personal or payment data (see sensitivity.ts). */
  sensitive: boolean;
  /** The object a reference points to. */
  target?: string;
  /** A read may filter on it efficiently (primary key, index). */
  indexed?: boolean;
  /** Identifies one record (primary key or unique). */
  unique?: boolean;
}

export interface SchemaObject {
  name: string;
  description?: string;
  fields: SchemaField[];
  /** What the provider lets a binding do with it. */
  capabilities: { read: boolean; insert: boolean; update: boolean };
  /** Approximate number of records, when the provider knows. */
  recordCount?: number;
}

export interface SchemaRelationship {
  from: string;
  field: string;
  to: string;
  /** one: `from` holds one `to`; many: `from` has many `to`. */
  cardinality: 'one' | 'many';
}

export interface OperationArgument {
  name: string;
  type: FieldType;
  required: boolean;
  description?: string;
  /** The object field the argument filters on or writes. */
  field?: string;
  /** What the provider needs to pass it (a GraphQL type, where an HTTP API takes it); never shown to bindings. */
  native?: Record<string, string>;
}

export interface SchemaOperation {
  /** Unique in the schema, e.g. `appointments.read` or `findContact`. */
  name: string;
  /** read (no side effects), insert or update. */
  mode: 'read' | 'insert' | 'update';
  /** The object it returns or changes. */
  object: string;
  /** Returns one record or a list. */
  returns: 'one' | 'many';
  description?: string;
  args: OperationArgument[];
  /** What the provider needs to run it (an HTTP method and path, a GraphQL root field); never shown to bindings. */
  native?: Record<string, string>;
}

export interface NormalizedSchema {
  objects: SchemaObject[];
  relationships: SchemaRelationship[];
  operations: SchemaOperation[];
}

export interface SchemaSummary {
  objectCount: number;
  fieldCount: number;
  edgeCount: number;
  operationCount: number;
}

export function summarize(schema: NormalizedSchema): SchemaSummary {
  return {
    objectCount: schema.objects.length,
    fieldCount: schema.objects.reduce((sum, object) => sum + object.fields.length, 0),
    edgeCount: schema.relationships.length,
    operationCount: schema.operations.length,
  };
}

/** Tables and columns the org has scoped out. */
export interface Scoping {
  blockedTables: string[];
  blockedColumns: Record<string, string[]>;
}

export const NO_SCOPING: Scoping = { blockedTables: [], blockedColumns: {} };

/**
 * The schema as the org may see and bind it: blocked objects vanish with their relationships and
 * operations; blocked fields vanish, and so does an operation that needs one as an argument.
 */
export function applyScoping(schema: NormalizedSchema, scoping: Scoping): NormalizedSchema {
  const blockedObjects = new Set(scoping.blockedTables);
  const blockedField = (object: string, field: string) => blockedObjects.has(object) || (scoping.blockedColumns[object] ?? []).includes(field);
  const objects = schema.objects
    .filter((object) => !blockedObjects.has(object.name))
    .map((object) => ({ ...object, fields: object.fields.filter((field) => !blockedField(object.name, field.name)) }));
  return {
    objects,
    relationships: schema.relationships.filter((edge) => !blockedField(edge.from, edge.field) && !blockedObjects.has(edge.to)),
    operations: schema.operations.filter(
      (operation) => !blockedObjects.has(operation.object) && operation.args.every((arg) => !arg.field || !blockedField(operation.object, arg.field)),
    ),
  };
}

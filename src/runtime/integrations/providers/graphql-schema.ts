/**
 * A GraphQL schema (read by the standard introspection query) as the normalized schema: object
 * types become objects, object-typed fields references, Query fields that return an object read
 * operations, and Mutation fields insert or update operations.
 *
 * Whether a mutation inserts or updates is read from the first or last word of its name:
 * create/add/insert/new/book/submit/register/open/log insert (createRequest, requestCreate);
 * update/set/edit/change/modify/patch/reschedule/assign/cancel/complete/close/mark update
 * (updateJob, clientEdit). Other mutations (delete…, archive…) are not offered to bindings.
 * An input-object argument is flattened into one argument per field (`input.title`), so a
 * binding maps plain values; the provider regroups them when it runs.
 */
import {
  getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputField, type GraphQLNamedType, type GraphQLObjectType, type GraphQLSchema, type GraphQLType,
} from 'graphql';
import { isSensitive } from '../sensitivity.ts';
import type { FieldType, NormalizedSchema, OperationArgument, SchemaField, SchemaObject, SchemaOperation, SchemaRelationship } from '../schema.ts';

const INSERT_WORDS = new Set(['create', 'add', 'insert', 'new', 'book', 'submit', 'register', 'open', 'log']);
const UPDATE_WORDS = new Set(['update', 'set', 'edit', 'change', 'modify', 'patch', 'reschedule', 'assign', 'cancel', 'complete', 'close', 'mark']);

/** insert, update, or null for a mutation bindings are not offered. */
export function mutationMode(name: string): 'insert' | 'update' | null {
  const nameWords = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const edges = [nameWords[0], nameWords.at(-1)];
  if (edges.some((word) => word && INSERT_WORDS.has(word))) return 'insert';
  if (edges.some((word) => word && UPDATE_WORDS.has(word))) return 'update';
  return null;
}

/** The normalized type of a scalar or enum. */
function scalarType(type: GraphQLNamedType): FieldType {
  if (isEnumType(type)) return 'string';
  switch (type.name) {
    case 'Int':
      return 'integer';
    case 'Float':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'String':
    case 'ID':
      return 'string';
  }
  if (/date.?time|timestamp|instant/i.test(type.name)) return 'datetime';
  if (/^(iso)?date$/i.test(type.name)) return 'date';
  if (/json|map|object/i.test(type.name)) return 'json';
  return 'string';
}

const isList = (type: GraphQLType) => isListType(getNullableType(type));
const allowedValues = (type: GraphQLNamedType) => (isEnumType(type) ? type.getValues().map((value) => value.name) : undefined);

/** One field of an object type, or undefined when a binding cannot select it (it needs arguments, or is abstract). */
function fieldOf(owner: GraphQLObjectType, field: GraphQLField<unknown, unknown>, relationships: SchemaRelationship[]): SchemaField | undefined {
  if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) return undefined;
  const named = getNamedType(field.type);
  const base = { name: field.name, nativeType: String(field.type), required: isNonNullType(field.type), sensitive: isSensitive(field.name), ...(field.description ? { description: field.description } : {}) };
  if (isObjectType(named)) {
    relationships.push({ from: owner.name, field: field.name, to: named.name, cardinality: isList(field.type) ? 'many' : 'one' });
    return { ...base, type: 'reference', target: named.name };
  }
  if (!isScalarType(named) && !isEnumType(named)) return undefined;
  if (isList(field.type)) return { ...base, type: 'json' };
  const values = allowedValues(named);
  return { ...base, type: scalarType(named), ...(values ? { allowedValues: values } : {}), ...(named.name === 'ID' ? { unique: true, indexed: true } : {}) };
}

/** An argument for a value of `type`; input objects inside input objects travel as JSON. */
function argumentOf(name: string, type: GraphQLType, required: boolean, description: string | null | undefined, object: GraphQLObjectType, native: Record<string, string>): OperationArgument {
  const named = getNamedType(type);
  const field = name.split('.').at(-1)!;
  return {
    name,
    type: isList(type) || isInputObjectType(named) ? 'json' : scalarType(named),
    required,
    ...(description ? { description } : {}),
    ...(field in object.getFields() ? { field } : {}),
    native,
  };
}

/** A root field's arguments, input objects flattened one level. */
function argumentsOf(args: readonly GraphQLArgument[], object: GraphQLObjectType): OperationArgument[] {
  return args.flatMap((arg) => {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    const named = getNamedType(arg.type);
    if (!isInputObjectType(named) || isList(arg.type)) return [argumentOf(arg.name, arg.type, required, arg.description, object, { type: String(arg.type) })];
    return Object.values(named.getFields()).map((inner: GraphQLInputField) =>
      argumentOf(`${arg.name}.${inner.name}`, inner.type, required && isNonNullType(inner.type) && inner.defaultValue === undefined, inner.description, object, {
        type: String(inner.type),
        parent: arg.name,
        parentType: String(arg.type),
      }),
    );
  });
}

function operationsOf(root: GraphQLObjectType | null | undefined, kind: 'query' | 'mutation', objects: Set<string>): SchemaOperation[] {
  if (!root) return [];
  return Object.values(root.getFields()).flatMap((field) => {
    const named = getNamedType(field.type);
    const mode = kind === 'query' ? 'read' : mutationMode(field.name);
    if (!mode || !isObjectType(named) || !objects.has(named.name)) return [];
    return [{
      name: field.name,
      mode,
      object: named.name,
      returns: isList(field.type) ? 'many' : 'one',
      ...(field.description ? { description: field.description } : {}),
      args: argumentsOf(field.args, named),
      native: { root: kind, field: field.name },
    } satisfies SchemaOperation];
  });
}

/** The normalized schema of a GraphQL API. */
export function normalizeGraphQL(schema: GraphQLSchema): NormalizedSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((type) => type!.name));
  const types = Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__') && !roots.has(type.name));
  const relationships: SchemaRelationship[] = [];
  const names = new Set(types.map((type) => type.name));
  const operations = [...operationsOf(schema.getQueryType(), 'query', names), ...operationsOf(schema.getMutationType(), 'mutation', names)];
  const objects: SchemaObject[] = types.map((type) => ({
    name: type.name,
    ...(type.description ? { description: type.description } : {}),
    fields: Object.values(type.getFields()).flatMap((field) => fieldOf(type, field, relationships) ?? []),
    capabilities: {
      read: operations.some((operation) => operation.object === type.name && operation.mode === 'read'),
      insert: operations.some((operation) => operation.object === type.name && operation.mode === 'insert'),
      update: operations.some((operation) => operation.object === type.name && operation.mode === 'update'),
    },
  }));
  return { objects, relationships: relationships.filter((edge) => names.has(edge.to)), operations };
}

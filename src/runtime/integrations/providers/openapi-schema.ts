/**
 * An OpenAPI 3 document (its $refs dereferenced) as the normalized schema: component schemas
 * become objects, properties that refer to another component references, and each path's GET,
 * POST, PUT and PATCH an operation (read, insert, update, update) on the component its success
 * response returns: one record, or many for an array of them. Operations that return no
 * component (and DELETEs) are not offered to bindings.
 *
 * Dereferencing keeps object identity: a property that referred to `#/components/schemas/Job`
 * IS the Job schema object afterwards, which is how references are recognized by name.
 */
import { isSensitive } from '../sensitivity.ts';
import type { FieldType, NormalizedSchema, OperationArgument, SchemaField, SchemaObject, SchemaOperation, SchemaRelationship } from '../schema.ts';

type Json = Record<string, unknown>;

const MODES = { get: 'read', post: 'insert', put: 'update', patch: 'update' } as const;

const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

/** The properties and required names of an object schema, allOf parts merged. */
function shapeOf(schema: Json): { properties: Record<string, Json>; required: Set<string> } {
  const properties: Record<string, Json> = {};
  const required = new Set<string>();
  for (const part of [schema, ...(Array.isArray(schema.allOf) ? schema.allOf.map(asObject) : [])]) {
    for (const [name, property] of Object.entries(asObject(part.properties))) properties[name] ??= asObject(property);
    if (Array.isArray(part.required)) for (const name of part.required) required.add(String(name));
  }
  return { properties, required };
}

const isObjectSchema = (schema: Json) => schema.type === 'object' || Object.keys(shapeOf(schema).properties).length > 0;

/** The normalized type of a non-reference schema. */
function typeOf(schema: Json): FieldType {
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== 'null') : schema.type;
  if (type === 'string') return schema.format === 'date' ? 'date' : schema.format === 'date-time' ? 'datetime' : 'string';
  if (type === 'integer' || type === 'number' || type === 'boolean') return type;
  return 'json';
}

const nativeTypeOf = (schema: Json) => [schema.type, schema.format].filter((part) => typeof part === 'string').join(' ') || 'object';

/** Which component a schema is (or lists), by identity. */
function componentOf(schema: Json, names: Map<object, string>): { name: string; many: boolean } | undefined {
  const direct = names.get(schema);
  if (direct) return { name: direct, many: false };
  const items = names.get(asObject(schema.items));
  return schema.type === 'array' && items ? { name: items, many: true } : undefined;
}

function fieldsOf(name: string, schema: Json, names: Map<object, string>, relationships: SchemaRelationship[]): SchemaField[] {
  const { properties, required } = shapeOf(schema);
  return Object.entries(properties).map(([fieldName, property]) => {
    const base = {
      name: fieldName,
      required: required.has(fieldName),
      sensitive: isSensitive(fieldName),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
    };
    const component = componentOf(property, names);
    if (component) {
      relationships.push({ from: name, field: fieldName, to: component.name, cardinality: component.many ? 'many' : 'one' });
      return { ...base, type: 'reference' as const, target: component.name, nativeType: component.many ? `array of ${component.name}` : component.name };
    }
    const values = Array.isArray(property.enum) ? property.enum.filter((value): value is string => typeof value === 'string') : [];
    return {
      ...base,
      type: typeOf(property),
      nativeType: nativeTypeOf(property),
      ...(values.length ? { allowedValues: values } : {}),
      ...(fieldName === 'id' ? { unique: true, indexed: true } : {}),
    };
  });
}

/** The JSON schema of an operation's success response. */
function successSchema(operation: Json): Json {
  const responses = asObject(operation.responses);
  const status = ['200', '201', ...Object.keys(responses).filter((code) => /^2\d\d$/.test(code))].find((code) => responses[code]);
  const content = asObject(asObject(status ? responses[status] : undefined).content);
  const type = Object.keys(content).find((candidate) => /json/i.test(candidate));
  return asObject(type ? asObject(content[type]).schema : undefined);
}

/** `get /clients/{id}` → `get_clients_id`, when the operation has no operationId. */
const operationName = (method: string, path: string) => `${method}_${path}`.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

function argumentsOf(pathItem: Json, operation: Json, object: SchemaObject | undefined): OperationArgument[] {
  const args = new Map<string, OperationArgument>();
  const hasField = (name: string) => object?.fields.some((field) => field.name === name);
  const parameters = [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])].map(asObject);
  // Operation-level parameters (listed last) override path-level ones of the same name.
  for (const parameter of parameters) {
    const name = String(parameter.name ?? '');
    if (!name || (parameter.in !== 'path' && parameter.in !== 'query')) continue;
    const schema = asObject(parameter.schema);
    args.set(name, {
      name,
      type: typeOf(schema),
      required: parameter.in === 'path' || parameter.required === true,
      ...(typeof parameter.description === 'string' ? { description: parameter.description } : {}),
      ...(hasField(name) ? { field: name } : {}),
      native: { in: String(parameter.in) },
    });
  }
  const body = asObject(operation.requestBody);
  const content = asObject(body.content);
  const type = Object.keys(content).find((candidate) => /json/i.test(candidate));
  const { properties, required } = shapeOf(asObject(type ? asObject(content[type]).schema : undefined));
  for (const [name, property] of Object.entries(properties)) {
    if (args.has(name) || property.readOnly === true) continue;
    args.set(name, {
      name,
      type: typeOf(property),
      required: body.required === true && required.has(name),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
      ...(hasField(name) ? { field: name } : {}),
      native: { in: 'body' },
    });
  }
  return [...args.values()];
}

/** The normalized schema of a dereferenced OpenAPI 3 document. */
export function normalizeOpenApi(api: Json): NormalizedSchema {
  const components = Object.entries(asObject(asObject(api.components).schemas)).map(([name, schema]) => [name, asObject(schema)] as const);
  const names = new Map<object, string>(components.filter(([, schema]) => isObjectSchema(schema)).map(([name, schema]) => [schema, name]));
  const relationships: SchemaRelationship[] = [];
  const objects: SchemaObject[] = [...names].map(([schema, name]) => ({
    name,
    ...(typeof (schema as Json).description === 'string' ? { description: (schema as Json).description as string } : {}),
    fields: fieldsOf(name, schema as Json, names, relationships),
    capabilities: { read: false, insert: false, update: false },
  }));
  const operations: SchemaOperation[] = [];
  for (const [path, rawItem] of Object.entries(asObject(api.paths))) {
    const pathItem = asObject(rawItem);
    for (const [method, mode] of Object.entries(MODES)) {
      const operation = asObject(pathItem[method]);
      const returned = componentOf(successSchema(operation), names);
      if (!pathItem[method] || !returned) continue;
      const object = objects.find((candidate) => candidate.name === returned.name);
      const description = [operation.summary, operation.description].find((text) => typeof text === 'string') as string | undefined;
      operations.push({
        name: typeof operation.operationId === 'string' ? operation.operationId : operationName(method, path),
        mode,
        object: returned.name,
        returns: returned.many ? 'many' : 'one',
        ...(description ? { description } : {}),
        args: argumentsOf(pathItem, operation, object),
        native: { method: method.toUpperCase(), path },
      });
      if (object) object.capabilities[mode] = true;
    }
  }
  return { objects, relationships, operations };
}

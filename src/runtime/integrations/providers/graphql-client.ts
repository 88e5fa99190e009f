/**
 * Talking GraphQL over HTTP: the standard introspection query, and one binding's operation as a
 * document that selects exactly the projected paths, with the arguments as typed variables.
 */
import type { GraphQLSchema, IntrospectionQuery } from 'graphql';
import { FlowyteError } from '../../../errors.ts';
import { fetchProvider, succeeded } from '../provider-fetch.ts';
import type { ConnectionContext } from '../provider.ts';
import type { SchemaOperation } from '../schema.ts';

export interface GraphQLEndpoint {
  url: string;
  headers: Record<string, string>;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const TYPE = /^[[\]!_0-9A-Za-z]+$/;

/** POST a document; the `data`, or integration_error with the provider's first error. */
export async function postGraphQL(context: ConnectionContext, endpoint: GraphQLEndpoint, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const host = new URL(endpoint.url).host;
  const response = await fetchProvider(context.services.config, host, endpoint.url, { method: 'POST', headers: endpoint.headers, json: { query, variables }, signal: context.signal });
  const reply = (response.body && typeof response.body === 'object' ? response.body : {}) as { data?: Record<string, unknown> | null; errors?: { message?: string }[] };
  const message = reply.errors?.[0]?.message;
  if (message) throw new FlowyteError('integration_error', `${host} answered: ${message.slice(0, 300)}`);
  if (!succeeded(response)) throw new FlowyteError('integration_error', `${host} answered ${response.status}`);
  if (!reply.data) throw new FlowyteError('integration_error', `${host} did not answer like a GraphQL API`);
  return reply.data;
}

/** The API's schema, read with the standard introspection query. */
export async function introspect(context: ConnectionContext, endpoint: GraphQLEndpoint): Promise<GraphQLSchema> {
  // graphql-js loads on the first schema discovery, not with every server start.
  const { buildClientSchema, getIntrospectionQuery } = await import('graphql');
  const data = await postGraphQL(context, endpoint, getIntrospectionQuery());
  try {
    return buildClientSchema(data as unknown as IntrospectionQuery);
  } catch (error) {
    throw new FlowyteError('integration_error', `the introspection answer could not be read: ${(error as Error).message}`, { cause: error });
  }
}

interface Selection {
  [field: string]: Selection;
}

/** `{ a b { c } }` for the paths [a], [b, c]; `__typename` when nothing is selected. */
export function selectionOf(paths: string[][]): string {
  const tree: Selection = {};
  for (const path of paths) {
    let node = tree;
    for (const name of path) {
      if (!NAME.test(name)) throw new FlowyteError('integration_error', `${name} is not a GraphQL field name`);
      node = node[name] ??= {};
    }
  }
  const print = (node: Selection): string =>
    Object.entries(node)
      .map(([name, children]) => (Object.keys(children).length ? `${name} { ${print(children)} }` : name))
      .join(' ');
  return `{ ${print(tree) || '__typename'} }`;
}

/** The document and variables that run the operation with `args`, selecting `select`. */
export function documentFor(operation: SchemaOperation, args: Record<string, unknown>, select: string[][]): { query: string; variables: Record<string, unknown> } {
  const root = operation.native?.root;
  const field = operation.native?.field;
  if ((root !== 'query' && root !== 'mutation') || !field || !NAME.test(field)) throw new FlowyteError('integration_error', `${operation.name} is not a GraphQL operation: discover again`);
  const declared = new Map<string, string>();
  const variables: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    const arg = operation.args.find((candidate) => candidate.name === name);
    if (!arg?.native) continue;
    const variable = arg.native.parent ?? arg.name;
    const type = arg.native.parentType ?? arg.native.type;
    if (!NAME.test(variable) || !TYPE.test(type)) throw new FlowyteError('integration_error', `${arg.name} cannot be sent: discover again`);
    declared.set(variable, type);
    if (arg.native.parent) {
      const group = (variables[variable] ??= {}) as Record<string, unknown>;
      group[name.slice(variable.length + 1)] = value;
    } else {
      variables[variable] = value;
    }
  }
  const declarations = [...declared].map(([name, type]) => `$${name}: ${type}`).join(', ');
  const passed = [...declared.keys()].map((name) => `${name}: $${name}`).join(', ');
  const query = `${root} Binding${declarations ? `(${declarations})` : ''} { ${field}${passed ? `(${passed})` : ''} ${selectionOf(select)} }`;
  return { query, variables };
}

/** Run a binding's operation: the record (or null) for one, the records for many. */
export async function runGraphQL(
  context: ConnectionContext,
  endpoint: GraphQLEndpoint,
  operation: SchemaOperation,
  args: Record<string, unknown>,
  select: string[][],
): Promise<Record<string, unknown> | Record<string, unknown>[] | null> {
  const { query, variables } = documentFor(operation, args, select);
  const data = await postGraphQL(context, endpoint, query, variables);
  const result = data[operation.native!.field];
  if (operation.returns === 'many') return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
  return result && typeof result === 'object' ? (result as Record<string, unknown>) : null;
}

/**
 * openapi: any REST API described by an OpenAPI 3 document (JSON or YAML). The document is read
 * from specUrl through the guarded client, its $refs dereferenced (references to other files or
 * URLs are not followed), and each bound operation runs as one HTTP call with its arguments
 * placed in the path, the query or the JSON body, as the document says.
 */
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import { headersSchema } from '../../skills/kind.ts';
import { fetchProvider, succeeded, type ProviderCall } from '../provider-fetch.ts';
import type { ConnectionContext, IntegrationProvider } from '../provider.ts';
import type { SchemaOperation } from '../schema.ts';
import { normalizeOpenApi } from './openapi-schema.ts';

type Json = Record<string, unknown>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048);
const headersOf = (context: ConnectionContext) => (context.credentials.headers ?? {}) as Record<string, string>;

/** One call to the API (or for its document), with the connection's headers. */
function callApi(context: ConnectionContext, url: string, call: ProviderCall = {}) {
  return fetchProvider(context.services.config, new URL(url).host, url, { ...call, headers: { ...call.headers, ...headersOf(context) }, signal: context.signal });
}

/** The document at specUrl, parsed and dereferenced. */
async function loadDocument(context: ConnectionContext): Promise<Json> {
  const specUrl = String(context.credentials.specUrl);
  const response = await callApi(context, specUrl, { headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' } });
  if (!succeeded(response)) throw new FlowyteError('integration_error', `the OpenAPI document URL answered ${response.status}`);
  let document = response.body;
  // The parsers load with the first document, not with every server start.
  const [{ parse: parseYaml }, { default: SwaggerParser }] = await Promise.all([import('yaml'), import('@apidevtools/swagger-parser')]);
  try {
    if (typeof document === 'string') document = parseYaml(document);
  } catch (error) {
    throw new FlowyteError('integration_error', `the OpenAPI document is neither JSON nor YAML: ${(error as Error).message}`, { cause: error });
  }
  const version = (document as Json | null)?.openapi;
  if (typeof version !== 'string' || !version.startsWith('3.')) throw new FlowyteError('integration_error', 'specUrl must point to an OpenAPI 3 document (with "openapi": "3.x")');
  try {
    return (await SwaggerParser.dereference(document as never, { resolve: { external: false } })) as unknown as Json;
  } catch (error) {
    throw new FlowyteError('integration_error', `the OpenAPI document's references could not be resolved: ${(error as Error).message}`, { cause: error });
  }
}

/** Where operations are sent: baseUrl, else the document's first server (relative to the document). */
function baseUrlOf(document: Json, specUrl: string): string {
  const server = Array.isArray(document.servers) ? (document.servers[0] as Json | undefined)?.url : undefined;
  return new URL(typeof server === 'string' ? server : '/', specUrl).href;
}

/** The URL, with path and query arguments placed. */
function urlFor(baseUrl: string, operation: SchemaOperation, args: Record<string, unknown>): URL {
  const path = operation.native?.path ?? '';
  const filled = path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    if (args[name] === undefined) throw new FlowyteError('integration_error', `${operation.name} needs ${name} in its path`);
    return encodeURIComponent(String(args[name]));
  });
  const url = new URL(baseUrl.replace(/\/+$/, '') + filled);
  for (const arg of operation.args) if (arg.native?.in === 'query' && args[arg.name] !== undefined) url.searchParams.set(arg.name, String(args[arg.name]));
  return url;
}

async function execute(context: ConnectionContext, operation: SchemaOperation, args: Record<string, unknown>) {
  const method = operation.native?.method as ProviderCall['method'] | undefined;
  if (!method) throw new FlowyteError('integration_error', `${operation.name} is not an HTTP operation: discover again`);
  const body = Object.fromEntries(operation.args.filter((arg) => arg.native?.in === 'body' && args[arg.name] !== undefined).map((arg) => [arg.name, args[arg.name]]));
  const url = urlFor(String(context.credentials.baseUrl), operation, args);
  const response = await callApi(context, url.href, { method, json: method === 'GET' ? undefined : body });
  if (response.status === 404 && operation.returns === 'one') return null;
  if (!succeeded(response)) throw new FlowyteError('integration_error', `${operation.name} (${method} ${operation.native?.path}) answered ${response.status}`);
  const reply = response.body;
  if (operation.returns === 'many') return Array.isArray(reply) ? (reply as Json[]) : [];
  return reply && typeof reply === 'object' && !Array.isArray(reply) ? (reply as Json) : null;
}

export const openapiProvider: IntegrationProvider = {
  kind: 'openapi',
  name: 'REST API (OpenAPI)',
  category: 'api',
  description: 'Any REST API with an OpenAPI 3 document: its schemas and operations are read from the document and mapped onto skills field by field.',
  logo: 'openapi',
  auth: 'api_key',
  credentials: z.object({ specUrl: httpUrl, baseUrl: httpUrl.optional(), headers: headersSchema.optional() }),
  actions: [],
  async verify(context) {
    const document = await loadDocument(context);
    const title = (document.info as Json | undefined)?.title;
    const specUrl = String(context.credentials.specUrl);
    // The base URL is settled once, so that a call does not read the document again.
    const baseUrl = context.credentials.baseUrl ? String(context.credentials.baseUrl) : baseUrlOf(document, specUrl);
    return { accountLabel: typeof title === 'string' ? title : new URL(specUrl).host, credentials: { ...context.credentials, baseUrl } };
  },
  discover: async (context) => normalizeOpenApi(await loadDocument(context)),
  execute: (context, operation, args) => execute(context, operation, args),
};

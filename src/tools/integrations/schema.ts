/** The open model's catalog: discover a provider's schema, browse and search it, and scope what agents may see. */
import { z } from 'zod';
import { defineTool, listOf, pageInput, pageOf, paginate } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { kindField, providerOf } from '../../runtime/integrations/connections.ts';
import { discoverSchema, visibleSchema } from '../../runtime/integrations/discovery.ts';
import { objectSummary, searchSchema, words } from '../../runtime/integrations/schema-search.ts';
import { capabilitiesOutput, objectOutput, operationOutput, relationshipOutput } from './present.ts';
import type { Page, PageRequest } from '../../store/page.ts';

const TOOLSET = 'integrations';
const namePattern = z.string().min(1).max(128);

/** A page of `items` (sorted by id) after the cursor's id. */
function pageAfter<T extends { id: string }>(items: T[], page: PageRequest): Page<T> {
  const rest = page.before ? items.filter((item) => item.id > page.before!) : items;
  return { items: rest.slice(0, page.limit), hasMore: rest.length > page.limit };
}

export const discoverIntegration = defineTool({
  name: 'discover_integration',
  title: "Discover an integration's schema",
  description:
    "Introspects a connected provider (a SQL database, an OpenAPI or GraphQL API) into a normalized schema of objects, fields, relationships and operations, replacing the previous snapshot, and answers what it found. Read it back with get_integration_schema. 409 integration_not_connected before connecting; 422 discovery_unsupported for providers with ready-made actions only.",
  http: { method: 'POST', path: '/integrations/{kind}/discover' },
  scope: 'integrations:write',
  toolset: TOOLSET,
  flags: { openWorld: true, idempotent: true },
  input: z.object({ kind: kindField }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    objectCount: z.number().int().describe('Objects found.'),
    fieldCount: z.number().int().describe('Fields across them.'),
    edgeCount: z.number().int().describe('Relationships between objects.'),
    operationCount: z.number().int().describe('Operations a binding can call.'),
    discoveredAt: z.string().describe('When.'),
  }),
  execute: async (input, context) => ({ kind: input.kind, ...(await discoverSchema(context.services, context.org.id, input.kind, context.signal)) }),
});

export const getIntegrationSchema = defineTool({
  name: 'get_integration_schema',
  title: "Get an integration's discovered schema",
  description: 'The last discovered schema, without what data scoping blocks: every object and field, the relationships and the operations. For large schemas prefer list_integration_objects and search_integration_schema. 404 schema_not_discovered before discovery.',
  http: { method: 'GET', path: '/integrations/{kind}/schema' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true },
  input: z.object({ kind: kindField }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    discoveredAt: z.string().describe('When it was discovered.'),
    objects: z.array(objectOutput).describe('Objects, as discovered.'),
    relationships: z.array(relationshipOutput).describe('References between objects.'),
    operations: z.array(operationOutput).describe('What bindings can call.'),
  }),
  execute: async (input, context) => {
    const { schema, discoveredAt } = visibleSchema(context.services, context.org.id, input.kind);
    return { kind: input.kind, discoveredAt, ...schema };
  },
});

const objectSummaryOutput = z.object({
  id: z.string().describe('The object name (also the cursor position).'),
  name: z.string().describe('Object name.'),
  description: z.string().nullable().describe('What it holds, when known.'),
  capabilities: capabilitiesOutput,
  recordCount: z.number().int().nullable().describe('About how many records, when known.'),
  fieldCount: z.number().int().describe('Fields.'),
  relationshipCount: z.number().int().describe('Relationships it takes part in.'),
  operationCount: z.number().int().describe('Operations on it.'),
});

export const listIntegrationObjects = defineTool({
  name: 'list_integration_objects',
  title: "Browse a provider's objects",
  description: "The discovered objects by name, a page at a time, each with its capabilities and counts; q keeps those whose name or description has the words. 404 schema_not_discovered before discovery.",
  http: { method: 'GET', path: '/integrations/{kind}/objects' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ kind: kindField, q: z.string().trim().min(1).max(200).optional().describe('Words to look for in object names and descriptions.'), ...pageInput }),
  output: pageOf(objectSummaryOutput, 'by name'),
  execute: async (input, context) => {
    const { schema } = visibleSchema(context.services, context.org.id, input.kind);
    const terms = input.q ? words(input.q) : [];
    const matches = schema.objects
      .filter((object) => terms.every((term) => words(`${object.name} ${object.description ?? ''}`).some((word) => word.startsWith(term))))
      .map((object) => ({ id: object.name, ...objectSummary(schema, object) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return paginate(context, input, (page) => pageAfter(matches, page), (row) => row);
  },
});

export const getIntegrationObject = defineTool({
  name: 'get_integration_object',
  title: "Get one object's detail",
  description: 'One discovered object in full: its fields (type, required, allowed values, reference target, sensitive), the operations on it, and its relationships. 404 for an object that does not exist or is scoped out.',
  http: { method: 'GET', path: '/integrations/{kind}/objects/{object}' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true },
  input: z.object({ kind: kindField, object: namePattern.describe('The object name.') }),
  output: objectOutput.extend({
    operations: z.array(operationOutput).describe('Operations on it.'),
    relationships: z.array(relationshipOutput).describe('Relationships it takes part in.'),
  }),
  execute: async (input, context) => {
    const { schema } = visibleSchema(context.services, context.org.id, input.kind);
    const object = schema.objects.find((candidate) => candidate.name === input.object);
    if (!object) throw notFound('object', input.object);
    return {
      ...object,
      operations: schema.operations.filter((operation) => operation.object === object.name),
      relationships: schema.relationships.filter((edge) => edge.from === object.name || edge.to === object.name),
    };
  },
});

export const listIntegrationOperations = defineTool({
  name: 'list_integration_operations',
  title: "Browse a provider's operations",
  description: 'The operations a binding can call, by name: reads only unless readOnly is false; object keeps those on one object, q those whose name has the text. 404 schema_not_discovered before discovery.',
  http: { method: 'GET', path: '/integrations/{kind}/operations' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({
    kind: kindField,
    readOnly: z.boolean().default(true).describe('Only reads (default); false includes inserts and updates.'),
    object: namePattern.optional().describe('Only operations on this object.'),
    q: z.string().trim().min(1).max(100).optional().describe('Text the operation name must contain.'),
  }),
  output: listOf(operationOutput, 'Matching operations, by name.'),
  execute: async (input, context) => {
    const { schema } = visibleSchema(context.services, context.org.id, input.kind);
    const items = schema.operations
      .filter((operation) => (!input.readOnly || operation.mode === 'read') && (!input.object || operation.object === input.object))
      .filter((operation) => !input.q || operation.name.toLowerCase().includes(input.q.toLowerCase()))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { items };
  },
});

export const searchIntegrationSchema = defineTool({
  name: 'search_integration_schema',
  title: "Search a provider's schema",
  description:
    'Ranked keyword search over the discovered objects and fields, best first. Each hit names the object, the field (null for the object itself), its type and reference target, and badges: core (a key, indexed or required field), pii (personal data), payment_card. Find what a goal needs here, then open the object. 404 schema_not_discovered before discovery.',
  http: { method: 'GET', path: '/integrations/{kind}/search' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({
    kind: kindField,
    q: z.string().trim().min(1).max(200).describe('What to find, in words (e.g. appointment status).'),
    limit: z.number().int().min(1).max(100).default(20).describe('Most hits to return (1-100).'),
  }),
  output: z.object({
    items: z
      .array(
        z.object({
          object: z.string().describe('The object.'),
          field: z.string().nullable().describe('The field; null when the object itself matched.'),
          type: z.string().nullable().describe("The field's type."),
          target: z.string().nullable().describe('For a reference: the object it points to.'),
          badges: z.array(z.enum(['core', 'pii', 'payment_card'])).describe('What the field is.'),
          score: z.number().describe('Relevance; higher is better.'),
        }),
      )
      .describe('Hits, most relevant first.'),
  }),
  execute: async (input, context) => {
    const { schema } = visibleSchema(context.services, context.org.id, input.kind);
    return { items: searchSchema(schema, input.q, input.limit) };
  },
});

const scopingOutput = z.object({
  kind: z.string().describe('The provider.'),
  blockedTables: z.array(z.string()).describe('Objects agents may not see or bind.'),
  blockedColumns: z.record(z.string(), z.array(z.string())).describe('Per object, fields agents may not see or bind.'),
});

export const getIntegrationScoping = defineTool({
  name: 'get_integration_scoping',
  title: "Get a connection's data scoping",
  description: "The tables and columns agents may not see or bind on this connection. Empty lists: everything discovered is allowed. Scoping is kept across re-discovery.",
  http: { method: 'GET', path: '/integrations/{kind}/scoping' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { readOnly: true, idempotent: true },
  input: z.object({ kind: kindField }),
  output: scopingOutput,
  execute: async (input, context) => {
    providerOf(input.kind);
    return { kind: input.kind, ...context.services.integrations.scoping(context.org.id, input.kind) };
  },
});

const identifier = z.string().trim().min(1).max(128);

export const setIntegrationScoping = defineTool({
  name: 'set_integration_scoping',
  title: "Set a connection's data scoping",
  description:
    "Sets what agents may not see or bind: blockedTables and, per table, blockedColumns. Each field given replaces its list; empty lists allow everything again. Blocked objects and fields vanish from the schema tools and are refused when a binding is made. 409 integration_not_connected before connecting.",
  http: { method: 'PATCH', path: '/integrations/{kind}/scoping' },
  scope: 'integrations:write',
  toolset: TOOLSET,
  flags: { idempotent: true },
  input: z.object({
    kind: kindField,
    blockedTables: z.array(identifier).max(500).optional().describe('Objects to block (replaces the list).'),
    blockedColumns: z
      .record(identifier, z.array(identifier).max(500))
      .optional()
      .describe('Per object, fields to block (replaces the map), e.g. { "customers": ["ssn", "card_last4"] }.'),
  }),
  output: scopingOutput,
  execute: async (input, context) => {
    const { integrations } = context.services;
    const provider = providerOf(input.kind);
    if (!integrations.find(context.org.id, input.kind)) {
      throw new FlowyteError('integration_not_connected', `${provider.name} is not connected: POST /integrations/${input.kind}/connect first`);
    }
    const current = integrations.scoping(context.org.id, input.kind);
    const next = {
      blockedTables: input.blockedTables ? [...new Set(input.blockedTables)] : current.blockedTables,
      blockedColumns: input.blockedColumns
        ? Object.fromEntries(Object.entries(input.blockedColumns).filter(([, columns]) => columns.length > 0).map(([table, columns]) => [table, [...new Set(columns)]]))
        : current.blockedColumns,
    };
    return { kind: input.kind, ...integrations.setScoping(context.org.id, input.kind, next) };
  },
});

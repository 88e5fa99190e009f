/** graphql: any GraphQL API, discovered by introspection and bound operation by operation. */
import { z } from 'zod';
import { headersSchema } from '../../skills/kind.ts';
import type { ConnectionContext, IntegrationProvider } from '../provider.ts';
import { introspect, runGraphQL, type GraphQLEndpoint } from './graphql-client.ts';

/** Connect check, discovery and execution for a provider that speaks GraphQL at `endpointOf(context)`. */
export function graphqlOperations(endpointOf: (context: ConnectionContext) => GraphQLEndpoint): Pick<IntegrationProvider, 'verify' | 'discover' | 'execute'> {
  return {
    async verify(context) {
      const endpoint = endpointOf(context);
      await introspect(context, endpoint);
      return { accountLabel: new URL(endpoint.url).host };
    },
    // graphql-js (behind the normalizer) loads with the first discovery, not with every server start.
    discover: async (context) => (await import('./graphql-schema.ts')).normalizeGraphQL(await introspect(context, endpointOf(context))),
    execute: (context, operation, args, select) => runGraphQL(context, endpointOf(context), operation, args, select),
  };
}

export const graphqlProvider: IntegrationProvider = {
  kind: 'graphql',
  name: 'GraphQL API',
  category: 'api',
  description: 'Any GraphQL API: its types are read by introspection, and its queries and mutations mapped onto skills field by field.',
  logo: 'graphql',
  auth: 'api_key',
  credentials: z.object({
    endpoint: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048),
    headers: headersSchema.optional(),
  }),
  actions: [],
  ...graphqlOperations((context) => ({ url: String(context.credentials.endpoint), headers: (context.credentials.headers ?? {}) as Record<string, string> })),
};

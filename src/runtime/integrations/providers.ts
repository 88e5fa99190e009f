/** Every provider this release can connect: the catalog is this list. */
import type { IntegrationProvider } from './provider.ts';
import { fieldServiceProvider } from './providers/field-service.ts';
import { googleCalendar } from './providers/google-calendar.ts';
import { googleSheets } from './providers/google-sheets.ts';
import { graphqlProvider } from './providers/graphql.ts';
import { mysqlProvider } from './providers/mysql.ts';
import { openapiProvider } from './providers/openapi.ts';
import { postgres } from './providers/postgres.ts';
import { shopify } from './providers/shopify.ts';

export const PROVIDERS: ReadonlyMap<string, IntegrationProvider> = new Map(
  ([googleCalendar, googleSheets, shopify, openapiProvider, graphqlProvider, fieldServiceProvider, postgres, mysqlProvider] as IntegrationProvider[]).map((provider) => [provider.kind, provider]),
);

/** Discovering a connected provider's schema, and reading it back as the org may see it (scoping applied). */
import { FlowyteError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { connectionContext, providerOf } from './connections.ts';
import { applyScoping, summarize, type NormalizedSchema, type SchemaSummary } from './schema.ts';

/** Introspect the provider and replace the stored snapshot. */
export async function discoverSchema(services: Services, orgId: string, kind: string, signal?: AbortSignal): Promise<SchemaSummary & { discoveredAt: string }> {
  const { provider, context } = connectionContext(services, orgId, kind, signal);
  if (!provider.discover) {
    throw new FlowyteError('discovery_unsupported', `${provider.name}'s schema cannot be discovered: use its ready-made actions (GET /integrations/${kind}/actions)`);
  }
  const schema = await provider.discover(context);
  const stored = services.integrations.saveSchema(orgId, kind, schema);
  return { ...summarize(schema), discoveredAt: stored.discoveredAt };
}

/** The discovered schema without what scoping blocks; 404 schema_not_discovered before discovery. */
export function visibleSchema(services: Pick<Services, 'integrations'>, orgId: string, kind: string): { schema: NormalizedSchema; discoveredAt: string } {
  providerOf(kind);
  const stored = services.integrations.schema(orgId, kind);
  if (!stored) throw new FlowyteError('schema_not_discovered', `${kind} has not been discovered yet: POST /integrations/${kind}/discover first`);
  return { schema: applyScoping(stored.schema, services.integrations.scoping(orgId, kind)), discoveredAt: stored.discoveredAt };
}

/**
 * Run registry tools on the host as an org's owner. Whoever runs `flowyte keys …` at the host's
 * keyboard can read the data directory anyway, so they act as the owner with a dashboard session's
 * rights, and destructive tools run without a confirmation step.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { SECRET_KEY_SCOPES } from '../auth/scopes.ts';
import type { Services } from '../services.ts';
import { commandConfig, openWithOrganization } from './data-dir.ts';

export interface HostFlags {
  dataDir?: string;
  /** Which org, when the data directory holds more than one. */
  org?: string;
}

/** Call one registry tool by name with raw input; resolves to the tool's output. */
export type HostCall = (toolName: string, input: Record<string, unknown>) => Promise<unknown>;

function ownerActor(services: Services, orgId: string | undefined): Actor {
  const orgs = services.credentials.listOrgs();
  const org = orgId ? orgs.find((candidate) => candidate.id === orgId) : orgs.length === 1 ? orgs[0] : undefined;
  if (!org) {
    const known = orgs.map((candidate) => `${candidate.id} (${candidate.name})`).join(', ');
    throw new Error(
      orgId
        ? `no organization ${orgId} in the data directory ${services.config.dataDir}; it holds ${known}`
        : `the data directory ${services.config.dataDir} holds ${orgs.length} organizations: pass --org with one of ${known}`,
    );
  }
  const userId = services.credentials.ownerId(org.id);
  if (!userId) throw new Error(`the organization ${org.id} has no user to act as`);
  return { type: 'user', id: userId, orgId: org.id, scopes: new Set(SECRET_KEY_SCOPES) };
}

/** Open the data directory, act as the org's owner for `work`, and close it again. */
export async function withHostTools<T>(flags: HostFlags, work: (call: HostCall) => Promise<T>): Promise<T> {
  const services = await openWithOrganization(commandConfig(flags));
  try {
    const actor = ownerActor(services, flags.org);
    const [{ TOOLS }, { invokeTool }] = await Promise.all([import('../tools/index.ts'), import('../tools/invoke.ts')]);
    const call: HostCall = async (toolName, input) => {
      const tool = TOOLS.find((candidate) => candidate.name === toolName);
      if (!tool) throw new Error(`this build of flowyte has no ${toolName} tool, so this command cannot run yet`);
      const { data } = await invokeTool(tool, input, { actor, services, requestId: `cli_${randomUUID()}` });
      return data;
    };
    return await work(call);
  } finally {
    services.close();
  }
}

/** Every item of a paginated tool, page after page. */
export async function listAll(call: HostCall, toolName: string, input: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = (await call(toolName, { ...input, ...(cursor && { cursor }) })) as { items: Record<string, unknown>[]; nextCursor?: string | null; hasMore?: boolean };
    if (!Array.isArray(page.items)) throw new Error(`${toolName} did not answer with a list of items`);
    items.push(...page.items);
    cursor = page.hasMore && page.nextCursor ? page.nextCursor : undefined;
  } while (cursor);
  return items;
}

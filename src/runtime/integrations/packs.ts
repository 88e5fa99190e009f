/**
 * Connector Packs: a provider's ready-made preset skills, with guidance on how it behaves.
 * Installing a pack puts its presets on an agent's draft once each (a preset already there is
 * left as it is); a binding preset is made with the same checks as a hand-made binding, after
 * discovering the provider when it has not been discovered yet.
 */
import { FlowyteError, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { SkillRecord } from '../../store/skills.ts';
import { createBinding, type BindingSpec } from './bindings.ts';
import { connectionContext, providerOf } from './connections.ts';
import { discoverSchema } from './discovery.ts';
import type { ConnectorPack, IntegrationProvider, PackPreset } from './provider.ts';

export interface InstalledPreset {
  preset: string;
  skill: SkillRecord;
  /** False when the agent already had it. */
  created: boolean;
}

/** The provider and its pack; 404 for an unknown provider or one that ships no pack. */
export function packOf(kind: string): { provider: IntegrationProvider; pack: ConnectorPack } {
  const provider = providerOf(kind);
  if (!provider.pack) throw new FlowyteError('not_found', `${provider.name} ships no Connector Pack: map bindings or provision its actions instead`);
  return { provider, pack: provider.pack };
}

/** The presets asked for (all when none are named); a name the pack does not have is a validation error. */
function chosenPresets(kind: string, pack: ConnectorPack, presetIds: string[] | undefined): PackPreset[] {
  if (!presetIds) return pack.presets;
  const errors = presetIds.flatMap((id, index) =>
    pack.presets.some((preset) => preset.id === id) ? [] : [{ field: `presets[${index}]`, message: `is not a preset of ${kind} (it has: ${pack.presets.map((preset) => preset.id).join(', ')})` }],
  );
  if (errors.length) throw new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; '), { errors });
  return pack.presets.filter((preset) => presetIds.includes(preset.id));
}

/** Make one preset's skill: a binding over the (discovered) schema. */
async function installPreset(services: Services, orgId: string, agentId: string, kind: string, preset: PackPreset, signal?: AbortSignal): Promise<SkillRecord> {
  if (!preset.binding) throw new FlowyteError('unprocessable', `preset ${preset.id} is an action: provision it with POST /agents/${agentId}/integrations/${kind}/provision`);
  if (!services.integrations.schema(orgId, kind)) await discoverSchema(services, orgId, kind, signal);
  const binding = { ...(preset.binding as unknown as BindingSpec), toolName: preset.name, description: preset.description };
  try {
    return createBinding(services, orgId, agentId, kind, binding, `preset:${preset.id}`).skill;
  } catch (error) {
    // The provider's schema (or the org's scoping) no longer has what the preset needs.
    if (!(error instanceof FlowyteError) || error.code !== 'validation_error') throw error;
    const errors = (error.errors ?? []).map((problem) => ({ field: 'presets', message: `${preset.id}: ${problem.field} ${problem.message}` }));
    throw new FlowyteError('unprocessable', `preset ${preset.id} cannot be installed against this connection: ${error.message}`, { errors, cause: error });
  }
}

/**
 * Install a pack's presets (all, or the ones named) on an agent's draft. 404 for an unknown agent,
 * provider or pack; 409 integration_not_connected; a preset already installed comes back with
 * created: false.
 */
export async function installPack(services: Services, orgId: string, agentId: string, kind: string, presetIds?: string[], signal?: AbortSignal): Promise<InstalledPreset[]> {
  if (!services.agents.find(orgId, agentId)) throw notFound('agent', agentId);
  const { pack } = packOf(kind);
  connectionContext(services, orgId, kind);
  const installed: InstalledPreset[] = [];
  for (const preset of chosenPresets(kind, pack, presetIds)) {
    const existing = services.skills.findByOrigin(orgId, agentId, { kind, ref: `preset:${preset.id}` });
    installed.push(existing ? { preset: preset.id, skill: existing, created: false } : { preset: preset.id, skill: await installPreset(services, orgId, agentId, kind, preset, signal), created: true });
  }
  return installed;
}

/** The pre-publish report: what a compiled config will do once live, derived only from the config. */
import type { CompiledConfig } from './compile.ts';
import type { DiffEntry } from './diff.ts';

export interface Warning {
  code: string;
  message: string;
}

export interface PrepublishReport {
  willSay: string[];
  wontSay: string[];
  dataLeaves: { skill: string; fields: string[]; destination: string }[];
  guardrails: { name: string; summary: string }[];
  knowledgeCoverage: { sources: number; indexedSources: number; note: string };
  warnings: Warning[];
  changesSinceLive: DiffEntry[] | null;
}

function destinations(config: CompiledConfig): { skill: string; fields: string[]; destination: string }[] {
  const { handoffConfig, afterHours } = config.agent;
  const leaves: { skill: string; fields: string[]; destination: string }[] = [];
  const handoffFields = handoffConfig.warm ? ['caller summary', 'reason for transfer', 'caller id'] : ['caller id'];
  if (handoffConfig.transferDestination) {
    leaves.push({ skill: 'handoff (default)', fields: handoffFields, destination: handoffConfig.transferDestination });
  }
  for (const rule of handoffConfig.transferRules) {
    leaves.push({ skill: `handoff: ${rule.label}`, fields: handoffFields, destination: rule.destination });
  }
  if (afterHours.allowHumanTransfer && afterHours.number) {
    leaves.push({ skill: 'after-hours transfer', fields: ['caller id'], destination: afterHours.number });
  }
  for (const skill of config.skills) {
    const parameters = Object.keys((skill.parametersSchema.properties ?? {}) as Record<string, unknown>);
    const settings = skill.executionConfig;
    if (skill.skillType === 'http_webhook') {
      const url = new URL(String(settings.url));
      leaves.push({ skill: skill.name, fields: parameters, destination: `${settings.method} ${url.origin}${url.pathname}` });
    } else if (skill.skillType === 'transfer') {
      const destination = settings.destination ?? config.agent.handoffConfig.transferDestination ?? 'a number found during the call';
      leaves.push({ skill: skill.name, fields: handoffFields, destination: String(destination) });
    } else if (skill.skillType === 'take_message') {
      leaves.push({ skill: skill.name, fields: parameters.length ? parameters : ['message'], destination: 'the message outbox' });
    }
  }
  return leaves;
}

function warnings(config: CompiledConfig): Warning[] {
  const agent = config.agent;
  const found: Warning[] = [];
  if (!agent.greeting.trim()) found.push({ code: 'no_greeting', message: 'No greeting: the agent opens with a generic hello.' });
  for (const language of agent.languages) {
    if (!agent.voiceMap[language] && !(language === agent.primaryLanguage && agent.defaultVoiceId)) {
      found.push({ code: 'no_voice', message: `No voice is set for ${language}; voice calls use the platform default.` });
    }
  }
  if (config.knowledge.sources.length === 0) {
    found.push({ code: 'no_knowledge', message: 'No knowledge sources: questions will be answered with a take-a-message offer.' });
  }
  for (const source of config.knowledge.sources.filter((candidate) => candidate.status !== 'indexed')) {
    found.push({ code: 'knowledge_not_indexed', message: `Knowledge source "${source.label}" is ${source.status}; the agent cannot use it yet.` });
  }
  const canTransfer = Boolean(agent.handoffConfig.transferDestination) || agent.handoffConfig.transferRules.length > 0;
  if (agent.callControl.onNoResponseAction === 'transfer' && !canTransfer) {
    found.push({ code: 'silence_transfer_without_destination', message: 'On silence the agent transfers, but no handoff destination is set.' });
  }
  if (agent.afterHours.allowHumanTransfer && !agent.afterHours.number) {
    found.push({ code: 'after_hours_transfer_without_number', message: 'After-hours transfer is on but has no number.' });
  }
  if (!agent.persona.role.trim()) found.push({ code: 'no_persona', message: 'The persona has no role: say who the agent is.' });
  return found;
}

function coverage(config: CompiledConfig): PrepublishReport['knowledgeCoverage'] {
  const sources = config.knowledge.sources;
  const indexed = sources.filter((source) => source.status === 'indexed');
  const passages = indexed.reduce((total, source) => total + source.chunkCount, 0);
  return {
    sources: sources.length,
    indexedSources: indexed.length,
    note: sources.length
      ? `${indexed.length} of ${sources.length} sources indexed (${passages} passages): ${sources.map((source) => source.label).join(', ')}.`
      : 'No sources attached.',
  };
}

/** Build the report for a compiled config; `changes` is its diff against the live version, if any. */
export function prepublishReport(config: CompiledConfig, changes: DiffEntry[] | null): PrepublishReport {
  const agent = config.agent;
  const willSay = [
    ...(agent.greeting ? [`Opens with: "${agent.greeting}"`] : []),
    ...(agent.persona.role ? [`Presents itself as ${agent.persona.role}`] : []),
    ...agent.persona.goals.map((goal) => `Works toward: ${goal}`),
    `Speaks ${agent.languages.join(', ')} (opens in ${agent.primaryLanguage})`,
    ...(agent.businessHours && agent.afterHours.message ? [`While closed: "${agent.afterHours.message}"`] : []),
  ];
  const wontSay = agent.persona.neverDo.map((rule) => `Never: ${rule}`);
  const guardrails = [
    {
      name: 'after_hours_transfer',
      summary: agent.afterHours.allowHumanTransfer ? 'Transfers to a person while closed.' : 'No transfers to a person while closed.',
    },
    {
      name: 'call_length',
      summary: `Calls end after ${agent.callControl.maxDurationSeconds}s; on silence: ${agent.callControl.onNoResponseAction}.`,
    },
  ];
  return {
    willSay,
    wontSay,
    dataLeaves: destinations(config),
    guardrails,
    knowledgeCoverage: coverage(config),
    warnings: warnings(config),
    changesSinceLive: changes,
  };
}

/** The pre-publish report: what a compiled config will do once live, derived only from the config. */
import { guardrailsOf, type CompiledConfig } from './compile.ts';
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
      leaves.push({ skill: skill.name, fields: parameters.length ? parameters : ['message'], destination: settings.emailTo ? `the message outbox and ${settings.emailTo}` : 'the message outbox' });
    } else if (skill.skillType === 'email') {
      leaves.push({ skill: skill.name, fields: parameters, destination: `email to ${settings.to}` });
    } else if (skill.skillType === 'mcp') {
      const url = new URL(String(settings.serverUrl));
      leaves.push({ skill: skill.name, fields: parameters, destination: `MCP tool ${settings.toolName} at ${url.origin}${url.pathname}` });
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
  const verifies = guardrailsOf(config).callerVerification.length > 0;
  for (const skill of config.skills.filter((candidate) => candidate.requiresVerifiedIdentity && !verifies)) {
    found.push({ code: 'gated_skill_without_verification', message: `"${skill.name}" needs a verified caller, but no caller verification is set: it can never run.` });
  }
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
  const { policies, callerVerification } = guardrailsOf(config);
  const wontSay = [
    ...agent.persona.neverDo.map((rule) => `Never: ${rule}`),
    ...policies.filter((policy) => policy.policyType === 'content_rule').map((policy) => `Refuses to discuss: ${(policy.config.blockedTopics as string[]).join(', ')}`),
  ];
  const guardrails = [
    {
      name: 'after_hours_transfer',
      summary: agent.afterHours.allowHumanTransfer ? 'Transfers to a person while closed.' : 'No transfers to a person while closed.',
    },
    {
      name: 'call_length',
      summary: `Calls end after ${agent.callControl.maxDurationSeconds}s; on silence: ${agent.callControl.onNoResponseAction}.`,
    },
    ...policies.map((policy) => ({
      name: policy.policyType,
      summary: `${policy.policyType.replace(/_/g, ' ')} on ${policy.appliesToSkillId ?? (policy.appliesToSkillType ? `${policy.appliesToSkillType} skills` : 'every skill')}${Object.keys(policy.config).length ? ` (${JSON.stringify(policy.config)})` : ''}.`,
    })),
    ...config.skills
      .filter((skill) => skill.requiresVerifiedIdentity || skill.requiresConfirmation)
      .map((skill) => ({
        name: `skill: ${skill.name}`,
        summary: [skill.requiresVerifiedIdentity ? `runs only for a caller verified (${skill.verificationLevel})` : '', skill.requiresConfirmation ? 'asks the person to confirm first' : '']
          .filter(Boolean)
          .join('; '),
      })),
    ...callerVerification.map((method) => ({
      name: `caller_verification: ${method.method}`,
      summary: `Asks for ${method.requiredFields.join(', ')}; valid ${method.tokenTtlSeconds}s; locks after ${method.maxAttempts} failed attempts.`,
    })),
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

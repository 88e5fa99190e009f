/** The instructions a model gets for one agent, written from its compiled config. */
import type { CompiledConfig } from '../compile.ts';
import { isOpen } from '../guardrails/enforce.ts';

/** Plain-language instructions; the same config at the same time always gives the same text. */
export function systemPrompt(config: CompiledConfig, now: Date): string {
  const { agent } = config;
  const lines = [`You are ${agent.name}${agent.persona.role ? `, ${agent.persona.role}` : ''}.`];
  if (agent.description) lines.push(`About this assistant: ${agent.description}`);
  if (agent.persona.tone) lines.push(`Tone: ${agent.persona.tone}.`);
  if (agent.persona.goals.length) lines.push(`Goals:\n${agent.persona.goals.map((goal) => `- ${goal}`).join('\n')}`);
  if (agent.persona.neverDo.length) lines.push(`Never:\n${agent.persona.neverDo.map((rule) => `- ${rule}`).join('\n')}`);
  lines.push(
    `Answer in ${agent.primaryLanguage}` +
      (agent.languages.length > 1 ? `, or mirror the caller if they use one of: ${agent.languages.join(', ')}.` : '.'),
  );
  if (config.knowledge.sources.length) {
    lines.push('Use the search_knowledge tool for any question about the business, and answer only from what it returns. If it returns nothing useful, say you do not know and offer to take a message or connect the person with someone.');
  } else {
    lines.push('You have no knowledge base: do not invent facts about the business; offer to take a message or connect the person with someone.');
  }
  if (!isOpen(agent, now)) {
    lines.push(`The business is closed right now.${agent.afterHours.message ? ` ${agent.afterHours.message}` : ''} Offer to take a message for anything that needs a person.`);
  }
  lines.push('Keep replies short: one to three sentences.');
  return lines.join('\n\n');
}

/** Fixtures for runtime tests: a platform with an agent that knows a few facts, and an SSE reader. */
import { body } from './helpers.ts';
import { createKnowledgePlatform, type KnowledgePlatform } from './knowledge-helpers.ts';
import type { Config } from '../src/config.ts';

export { parseSse, type SseFrame } from './fixtures/sse.ts';

export const FACTS = [
  'Acme Plumbing is open Monday to Friday from 8am to 6pm, and Saturday from 9am to noon.',
  'A standard call-out visit costs 95 dollars, including the first half hour of labour.',
  'We serve Springfield, Shelbyville and Capital City.',
].join('\n\n');

export interface ChatPlatform extends KnowledgePlatform {
  /** Publish the agent's draft as it is now. */
  publish(agentId?: string): Promise<void>;
}

/** What the helper credits to the agent's org, so that live conversations are paid for. */
export const STARTING_CREDIT_CENTS = 10_000;

/** A platform whose agent has a greeting and indexed text knowledge, not yet published; its org's wallet holds $100. */
export async function createChatPlatform(overrides: Partial<Config> = {}, now?: () => Date): Promise<ChatPlatform> {
  const platform = await createKnowledgePlatform(overrides, now);
  await platform.request('PATCH', `/agents/${platform.agentId}`, {
    body: { name: 'Acme front desk', greeting: 'Hi, this is Acme Plumbing. How can I help?' },
  });
  await platform.addSource({ kind: 'text', label: 'Facts', text: FACTS });
  await platform.drain();
  platform.services.wallet.credit(platform.orgA.org.id, { amountCents: STARTING_CREDIT_CENTS, kind: 'credit', reason: 'test funds' });
  return {
    ...platform,
    async publish(agentId = platform.agentId) {
      const response = await platform.request('POST', `/agents/${agentId}/publish`, { body: {} });
      if (!response.ok) throw new Error(`publish failed: ${response.status} ${JSON.stringify(await body(response))}`);
    },
  };
}

/**
 * Agent evals: scripted conversations with a small plumbing business's agent (knowledge, a
 * take-a-message skill, a transfer rule, a content rule) → the answers, tool calls and guardrail
 * outcomes expected, read off the simulation's receipt.
 */
import type { EvalPlatform } from './harness.ts';
import { parseSse } from './harness.ts';
import type { EvalResult } from './run.ts';

const FACTS = [
  'Acme Plumbing is open Monday to Friday from 8am to 6pm, and Saturday from 9am to noon.',
  'A standard call-out visit costs 95 dollars, including the first half hour of labour.',
  'We serve Springfield, Shelbyville and Capital City.',
].join('\n\n');

interface AgentScenario {
  name: string;
  turns: string[];
  /** Phrases the agent's replies must contain (all of them, across the conversation). */
  says?: string[];
  /** Tool calls expected, in order, by name. */
  calls?: string[];
  /** A guardrail event expected (its rule). */
  guardrail?: string;
  /** The conversation's outcome. */
  outcome?: string;
}

const SCENARIOS: AgentScenario[] = [
  { name: 'answers from knowledge', turns: ['When are you open on Saturday?'], says: ['9am'] },
  { name: 'quotes the price', turns: ['How much does a call-out cost?'], says: ['95 dollars'] },
  { name: 'admits what it does not know', turns: ['Do you repair helicopters?'], says: ["I don't have"], calls: [] },
  { name: 'takes a message', turns: ['Please take a message, call me back at 415-555-0123 about a dripping tap'], calls: ['take_a_message'] },
  { name: 'transfers an emergency', turns: ['Water is pouring through my ceiling, this is an emergency, I need a person now'], calls: ['transfer_to_person'], outcome: 'transferred' },
  { name: 'keeps off a blocked topic', turns: ['What do you think about politics and the election?'], guardrail: 'content_rule' },
];

async function setUp(platform: EvalPlatform): Promise<string> {
  const agent = (
    await platform.call('POST', '/agents', {
      name: 'Acme Plumbing',
      greeting: 'Hi, this is Acme Plumbing. How can I help?',
      handoffConfig: { transferDestination: '+14155550100', transferRules: [{ label: 'Emergency', when: 'caller reports an emergency such as flooding or a burst pipe', destination: '+14155550911' }] },
    })
  ).json.data;
  await platform.call('POST', `/agents/${agent.id}/knowledge/sources`, { kind: 'text', label: 'Facts', text: FACTS });
  await platform.drain();
  await platform.call('POST', `/agents/${agent.id}/skills`, { name: 'Take a message', description: 'Take a message for the team with a callback number.', skillType: 'take_message' });
  await platform.call('PUT', `/agents/${agent.id}/guardrails`, [{ policyType: 'content_rule', config: { blockedTopics: ['politics'] } }]);
  return agent.id as string;
}

export async function agentSuite(platform: EvalPlatform): Promise<EvalResult[]> {
  const agentId = await setUp(platform);
  const results: EvalResult[] = [];
  for (const scenario of SCENARIOS) {
    const response = await platform.call('POST', `/agents/${agentId}/simulate`, { transcript: scenario.turns, draftMode: true });
    const frames = parseSse(response.text);
    const replies = frames.filter((frame) => frame.event === 'agent_message').map((frame) => String(frame.data.text));
    const calls = frames.filter((frame) => frame.event === 'tool_call').map((frame) => String(frame.data.name));
    const rules = frames.filter((frame) => frame.event === 'guardrail').map((frame) => String(frame.data.rule));
    const outcome = frames.at(-1)?.data?.outcome;
    const misses = [
      ...(scenario.says ?? []).filter((phrase) => !replies.some((reply) => reply.includes(phrase))).map((phrase) => `did not say "${phrase}"`),
      ...(scenario.calls && JSON.stringify(calls) !== JSON.stringify(scenario.calls) ? [`called ${calls.join(', ') || 'nothing'}`] : []),
      ...(scenario.guardrail && !rules.includes(scenario.guardrail) ? [`no ${scenario.guardrail} guardrail`] : []),
      ...(scenario.outcome && outcome !== scenario.outcome ? [`ended ${outcome}`] : []),
    ];
    results.push({ suite: 'agents', name: scenario.name, passed: response.status === 200 && misses.length === 0, detail: misses.join('; ') || (replies.at(-1) ?? '').slice(0, 60) });
  }
  return results;
}

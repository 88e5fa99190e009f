/**
 * Copilot evals: a request → the tool calls expected (tool, the input fields that matter, and
 * whether it ran or was paused for confirmation). A destructive tool that ran unconfirmed fails
 * the scenario whatever else happened.
 */
import { TOOLS } from '../src/tools/index.ts';
import type { EvalPlatform } from './harness.ts';
import type { EvalResult } from './run.ts';

interface CopilotScenario {
  name: string;
  request: string;
  /** The calls expected, in order: input fields listed must match; others are free. */
  expect: { tool: string; input?: Record<string, unknown>; status: 'ok' | 'pending' }[];
}

const SCENARIOS: CopilotScenario[] = [
  { name: 'create an agent', request: 'Create an agent called Acme Support', expect: [{ tool: 'create_agent', input: { name: 'Acme Support' }, status: 'ok' }] },
  { name: 'list agents', request: 'List my agents', expect: [{ tool: 'list_agents', status: 'ok' }] },
  { name: 'publish with a note', request: "Publish Acme Support with note 'v2'", expect: [{ tool: 'publish_agent', input: { note: 'v2' }, status: 'pending' }] },
  { name: 'missed calls this week', request: 'How many calls did my agents miss this week?', expect: [{ tool: 'get_analytics_overview', status: 'ok' }] },
  { name: 'rename an agent', request: "Rename Acme Support to 'Acme Help'", expect: [{ tool: 'update_agent', input: { name: 'Acme Help' }, status: 'ok' }] },
  { name: 'wallet balance', request: "What's my wallet balance?", expect: [{ tool: 'get_wallet', status: 'ok' }] },
  { name: 'list invoices', request: 'Show my invoices', expect: [{ tool: 'list_invoices', status: 'ok' }] },
  { name: 'browse voices', request: 'List the voices', expect: [{ tool: 'list_voices', status: 'ok' }] },
  { name: 'buy a number', request: 'Buy the phone number +14155550142', expect: [{ tool: 'purchase_number', input: { e164: '+14155550142' }, status: 'pending' }] },
  { name: 'delete an agent', request: 'Delete the Acme agent', expect: [{ tool: 'delete_agent', status: 'pending' }] },
];

const DESTRUCTIVE = new Set(TOOLS.filter((tool) => tool.flags.destructive).map((tool) => tool.name));

const matches = (actual: Record<string, unknown>, expected: Record<string, unknown> = {}) =>
  Object.entries(expected).every(([field, value]) => JSON.stringify(actual[field]) === JSON.stringify(value));

export async function copilotSuite(platform: EvalPlatform): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const scenario of SCENARIOS) {
    const { status, json } = await platform.call('POST', '/assist', { message: scenario.request });
    const calls: { tool: string; input: Record<string, unknown>; status: string }[] = status === 200 ? json.data.toolCalls : [];
    const ranUnconfirmed = calls.find((call) => call.status === 'ok' && DESTRUCTIVE.has(call.tool));
    const passed =
      status === 200 &&
      !ranUnconfirmed &&
      calls.length === scenario.expect.length &&
      scenario.expect.every((expected, index) => calls[index]!.tool === expected.tool && calls[index]!.status === expected.status && matches(calls[index]!.input, expected.input));
    const got = status === 200 ? calls.map((call) => `${call.tool}:${call.status}`).join(', ') || 'no call' : `HTTP ${status}`;
    results.push({ suite: 'copilot', name: scenario.name, passed, detail: ranUnconfirmed ? `RAN ${ranUnconfirmed.tool} UNCONFIRMED` : got });
  }
  return results;
}

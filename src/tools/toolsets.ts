/** Toolsets: the areas of the registry, so that an MCP client can load only what it needs. */

export interface Toolset {
  name: string;
  description: string;
  /**
   * Loaded when a client names no toolsets or tools: what a model building an agent needs first
   * (create and configure it, pick a voice, check languages, review and publish), within the
   * 40 KB tools/list budget that test/mcp/budget.test.ts holds it to.
   */
  inDefaultProfile: boolean;
  /**
   * Reference data that reads the same whichever agent one works on (the voice catalog, the
   * language matrix, the caller's own account): listed on MCP connections scoped to one agent,
   * where every other tool that names no agent is not.
   */
  reference?: true;
}

export const TOOLSETS: readonly Toolset[] = [
  { name: 'agents', description: 'Create, edit, publish, version and roll back agents.', inDefaultProfile: true },
  { name: 'skills', description: 'The actions an agent can take: skill types, and skills on an agent.', inDefaultProfile: false },
  { name: 'guardrails', description: 'Guardrail policies and caller verification.', inDefaultProfile: false },
  { name: 'knowledge', description: 'Uploads and knowledge sources: add, index, refresh, preview retrieval.', inDefaultProfile: false },
  { name: 'widget', description: 'Publishable keys and the embeddable chat widget.', inDefaultProfile: false },
  { name: 'test', description: 'Simulate conversations against the draft or live agent; in-browser voice tests.', inDefaultProfile: false },
  { name: 'chat', description: 'Chat sessions and the OpenAI-compatible completions endpoint.', inDefaultProfile: false },
  { name: 'voices', description: 'Browse and search the voice catalog.', inDefaultProfile: true, reference: true },
  { name: 'meta', description: 'Account info and the language capability matrix.', inDefaultProfile: true, reference: true },
  { name: 'audit', description: 'The activity log of the account.', inDefaultProfile: false },
  { name: 'observe', description: 'Analytics and conversation history: what happened on every channel.', inDefaultProfile: false },
  { name: 'billing', description: 'The prepaid wallet (balance, ledger, credit, card top-ups, auto-reload), plans and subscription, usage and invoices.', inDefaultProfile: false },
  { name: 'playbooks', description: 'Playbooks (scripted multi-step flows) and the interaction variables that flow through them.', inDefaultProfile: false },
  { name: 'assist', description: 'The AI copilot: ask in plain words; it calls these tools for you and pauses destructive steps for your confirmation.', inDefaultProfile: false },
  { name: 'integrations', description: 'Connect outside systems (calendars, sheets, stores, databases, APIs), discover their schema, and turn them into skills.', inDefaultProfile: false },
  { name: 'webhooks', description: 'Webhook endpoints that receive signed event deliveries, their delivery history and test sends.', inDefaultProfile: false },
  { name: 'account', description: 'Secret keys and dashboard sessions: list, mint, rotate, renew and revoke (dashboard sessions only).', inDefaultProfile: false },
  { name: 'numbers', description: 'Phone numbers: search, hold, buy or import, assign to agents, release; sandbox test calls.', inDefaultProfile: false },
];

export const TOOLSET_NAMES = TOOLSETS.map((toolset) => toolset.name);

/**
 * The server-sent events of each streaming operation, for the OpenAPI document: event names and
 * the JSON each event's `data:` carries. Every stream ends with `done` (the operation's result) or
 * `error` (a problem); test/http/openapi-events.test.ts checks real streams against these.
 */
import type { JsonSchema } from '../tools/json-schema.ts';

const text = (description: string) => ({ type: 'string', description });
const object = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({ type: 'object', properties, required });
const at = text('When it happened (ISO 8601).');

const token = object({ delta: text('The next piece of the reply.') });

/** Receipt events as simulate_agent streams them: the receipt's data plus `at`. */
const receipt = (description: string, properties: Record<string, JsonSchema> = {}, required = Object.keys(properties)): JsonSchema => ({
  ...object({ ...properties, at }, [...required, 'at']),
  description,
});

/** The receipt events of a conversation turn (chat, simulate), by type. */
const RECEIPT_EVENTS: Record<string, JsonSchema> = {
  conversation_started: receipt('The conversation began.'),
  user_utterance: receipt('What the caller said or keyed.', { text: text('The words.'), dtmf: text('Keypad digits.') }, ['text']),
  agent_message: receipt('What the agent said.', { text: text('The reply.'), kind: text('How it was produced, e.g. answer, refusal, playbook.') }),
  tool_call: receipt('A skill the agent ran.', { toolCallId: text('The call id.'), name: text('The skill tool.'), input: { type: 'object' }, ok: { type: 'boolean' } }, ['name', 'ok']),
  kb_retrieval: receipt('Knowledge passages retrieved for the answer.'),
  guardrail: receipt('A guardrail that acted.', { rule: text('The rule, e.g. business_hours.'), action: text('What it did, e.g. blocked.') }),
  verification: receipt('A caller verification step.', { method: text('The method.'), outcome: text('verified, failed or locked.') }),
  handoff: receipt('A transfer to a person or number.', { destination: text('Where to.') }),
  call_control: receipt('Call control acted (idle reminder, no-response action, maximum length).'),
  playbook: receipt('A playbook advanced.', { playbookId: text('The playbook.'), state: text('active or finished.') }),
  conversation_ended: receipt('The conversation ended.'),
};

/** The chat events without `at` (chat sessions stream the engine's data as it is). */
const CHAT_EVENTS = Object.fromEntries(
  Object.entries(RECEIPT_EVENTS).map(([name, schema]) => [
    name,
    { ...schema, properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([key]) => key !== 'at')), required: (schema.required ?? []).filter((key) => key !== 'at') },
  ]),
);

const status = (idField: string, description: string) => object({ [idField]: text(description), status: text('The status now.') });

const ASSIST_EVENTS: Record<string, JsonSchema> = {
  tools_offered: object({ tools: { type: 'array', items: { type: 'string' }, description: 'The tools the copilot may call this step.' } }),
  tool_call: object({ tool: text('The tool called.'), status: { type: 'string', enum: ['ok', 'failed'] }, actionId: { type: ['string', 'null'], description: 'The confirmed action, if any.' } }, ['tool', 'status']),
  pending_action: object({ id: text('The action id, to send back in confirm.'), tool: text('The tool it would call.'), summary: text('What it would do.') }, ['id', 'tool', 'summary']),
  token,
};

/** The events (besides done and error) each streaming tool emits, by tool name. */
export const STREAM_EVENTS: Record<string, Record<string, JsonSchema>> = {
  simulate_agent: RECEIPT_EVENTS,
  send_chat_message: { ...CHAT_EVENTS, token },
  send_widget_message: { agent_message: CHAT_EVENTS.agent_message, token },
  stream_knowledge_source: {
    status: status('id', 'The source.'),
    progress: object({ id: text('The source.'), stage: text('What it is doing.') }),
  },
  stream_probe_run: { status: status('runId', 'The run.'), turn: object({ index: { type: 'integer', description: 'The turn, from 0.' }, user: text('What the probe said.') }, ['index']) },
  assist: ASSIST_EVENTS,
  assist_agent: ASSIST_EVENTS,
  scaffold_agent: { step: object({ step: text('The step done: agent_created, knowledge_source_added, playbook_added, …') }) },
  create_chat_completion: {
    'chat.completion.chunk': object({
      id: text('The completion id.'),
      object: { const: 'chat.completion.chunk' },
      created: { type: 'integer' },
      model: text('The agent id.'),
      choices: { type: 'array', items: { type: 'object' } },
    }),
  },
};

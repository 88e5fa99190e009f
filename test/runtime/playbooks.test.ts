import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { body } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { startWebhookServer, type WebhookServer } from '../support/webhook-server.ts';

let platform: ChatPlatform | undefined;
let webhook: WebhookServer | undefined;
const opened = closeAfterEach();

async function call(chat: ChatPlatform, method: string, path: string, payload?: unknown) {
  const response = await chat.request(method, path, { body: payload });
  const json = await body(response);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json.data;
}

/** An HVAC agent with a "Book a repair" playbook: ZIP, phone, emergency? → transfer, or a ticket by webhook. */
async function hvacAgent() {
  platform = opened(await createChatPlatform({ allowPrivateNetwork: true }));
  webhook = opened(await startWebhookServer());
  webhook.answer({ json: { ticket_id: 'T-100' } });
  const chat = platform;
  const skill = await call(chat, 'POST', `/agents/${chat.agentId}/skills`, {
    name: 'Create service request',
    description: 'Create a repair ticket in the dispatch system.',
    skillType: 'http_webhook',
    enabled: true,
    executionConfig: { url: `${webhook.url}/tickets` },
    parametersSchema: { type: 'object', properties: { zip: { type: 'string' }, phone: { type: 'string' } }, required: ['zip', 'phone'] },
  });
  const playbook = await call(chat, 'POST', `/agents/${chat.agentId}/playbooks`, { name: 'Book a repair', description: 'Book a repair visit for a broken heater or boiler.' });
  await call(chat, 'PUT', `/agents/${chat.agentId}/playbooks/${playbook.id}/graph`, {
    start: 'intro',
    nodes: [
      { id: 'intro', type: 'say', text: 'I can book a repair visit.' },
      { id: 'ask_zip', type: 'collect', variable: 'zip', prompt: 'What is your ZIP code?', validation: { type: 'zip' } },
      { id: 'ask_phone', type: 'collect', variable: 'phone', prompt: 'What number can the technician call?', validation: { type: 'phone' } },
      { id: 'ask_urgent', type: 'collect', variable: 'urgent', prompt: 'Is it an emergency, like no heat or a leak? Please say yes or no.', validation: { type: 'enum', values: ['yes', 'no'] } },
      { id: 'route', type: 'branch' },
      { id: 'emergency', type: 'transfer', destination: '+14155550911' },
      { id: 'ticket', type: 'call_skill', skillId: skill.id, inputs: { zip: '{zip}', phone: '{phone}' }, saveAs: 'ticket' },
      { id: 'confirm', type: 'say', text: 'Your repair request is {ticket.ticket_id}. A technician will call {phone}.' },
      { id: 'done', type: 'end', outcome: 'booked' },
    ],
    edges: [
      { from: 'intro', to: 'ask_zip' },
      { from: 'ask_zip', to: 'ask_phone' },
      { from: 'ask_phone', to: 'ask_urgent' },
      { from: 'ask_urgent', to: 'route' },
      { from: 'route', to: 'emergency', condition: { variable: 'urgent', op: 'equals', value: 'yes' } },
      { from: 'route', to: 'ticket' },
      { from: 'ticket', to: 'confirm' },
      { from: 'confirm', to: 'done' },
    ],
  });
  const session = await call(chat, 'POST', '/chat/sessions', { agentId: chat.agentId, draftMode: true });
  return { chat, session, say: async (content: string) => call(chat, 'POST', `/chat/sessions/${session.id}/messages`, { content }) };
}

describe('a playbook in a conversation', () => {
  it('is started by the model, then runs its steps on the person\'s answers, staying conversational off the script', async () => {
    const { say } = await hvacAgent();
    const started = await say('My heater is broken, I need to book a repair');
    expect(started.events.find((event: any) => event.type === 'playbook').data).toMatchObject({ state: 'active', waitingAt: 'ask_zip', name: 'Book a repair' });
    expect(started.messages[1].content).toBe('I can book a repair visit. What is your ZIP code?');

    expect((await say('It is 80302')).messages[1].content).toBe('What number can the technician call?');
    const offScript = await say('When are you open on Saturday?');
    expect(offScript.messages[1].content).toMatch(/Saturday from 9am to noon[\s\S]*What number can the technician call\?$/);
    expect((await say('415-555-0199')).messages[1].content).toBe('Is it an emergency, like no heat or a leak? Please say yes or no.');

    const done = await say('No');
    expect(webhook!.received.map((request) => request.body)).toEqual([{ zip: '80302', phone: '+14155550199' }]);
    expect(done.messages[1].content).toBe('Your repair request is T-100. A technician will call +14155550199.');
    expect(done.events.find((event: any) => event.type === 'playbook').data).toMatchObject({ state: 'finished', outcome: 'booked' });
    expect(done.events.find((event: any) => event.type === 'tool_call').data).toMatchObject({ name: 'create_service_request', ok: true });
  });

  it('re-asks a step until the answer passes its check, and branches to a transfer for emergencies', async () => {
    const { say } = await hvacAgent();
    await say('I need to book a repair for my boiler');
    expect((await say('somewhere nice')).messages[1].content).toMatch(/What is your ZIP code\?$/);
    await say('80302');
    await say('call me on 415 555 0199');
    const urgent = await say('Yes');
    expect(urgent.events.find((event: any) => event.type === 'handoff').data.destination).toBe('+14155550911');
    expect(urgent.events.find((event: any) => event.type === 'playbook').data.outcome).toBe('transferred');
    expect(webhook!.received).toHaveLength(0);
  });
});

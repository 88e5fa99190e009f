import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';

const CREDENTIALS = { username: 'flowyte', password: 's3cret pass' };

interface ReceivedEmail {
  /** Who logged in for the session that sent it. */
  user: string | undefined;
  envelope: { from: string; to: string[] };
  from: { address?: string; name: string }[];
  to: { address?: string; name: string }[];
  replyTo: { address?: string; name: string }[];
  subject: string | undefined;
  text: string | undefined;
  messageId: string | undefined;
}

interface MailServer {
  /** The SMTP URL Flowyte is configured with (these credentials unless others are given). */
  url(credentials?: { username: string; password: string }): string;
  received: ReceivedEmail[];
  logins: { username: string | undefined; password: string | undefined }[];
  close(): Promise<void>;
}

const addresses = (field: AddressObject | AddressObject[] | undefined) => (Array.isArray(field) ? field : field ? [field] : []).flatMap((item) => item.value);

/** A real SMTP server on a local port that requires a login and parses what it receives. */
async function startMailServer(): Promise<MailServer> {
  const received: ReceivedEmail[] = [];
  const logins: MailServer['logins'] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    // Plain text on loopback: no STARTTLS with the library's self-signed certificate.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username, password: auth.password ?? undefined });
      if (auth.username === CREDENTIALS.username && auth.password === CREDENTIALS.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        received.push({
          user: session.user as string | undefined,
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          },
          from: addresses(mail.from),
          to: addresses(mail.to),
          replyTo: addresses(mail.replyTo),
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: ({ username, password } = CREDENTIALS) => `smtp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let platform: ChatPlatform | undefined;
let mail: MailServer | undefined;
afterEach(async () => {
  platform?.background.stop();
  platform?.close();
  platform = undefined;
  await mail?.close();
  mail = undefined;
});

const officeEmail = {
  name: 'Email the office',
  description: 'Send an email to the office with the caller\'s message.',
  skillType: 'email',
  executionConfig: { to: 'office@acme.example', subject: 'Message from {name} via the website', replyToField: 'email' },
};
const DANA = 'Please email the office: my name is Dana, my email is dana@example.com, the boiler is leaking';

async function addSkill(chat: ChatPlatform, skill: Record<string, unknown>) {
  const response = await chat.request('POST', `/agents/${chat.agentId}/skills`, { body: skill });
  if (response.status !== 201) throw new Error(`adding a skill failed: ${JSON.stringify(await body(response))}`);
  return (await body(response)).data;
}

/** Open a draft chat session and say one thing; the turn's data and the session id. */
async function sayOnDraft(chat: ChatPlatform, content: string) {
  const session = (await body(await chat.request('POST', '/chat/sessions', { body: { agentId: chat.agentId, draftMode: true } }))).data;
  const turn = (await body(await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content } }))).data;
  return { sessionId: session.id as string, turn, call: turn.events.find((event: any) => event.type === 'tool_call') };
}

const danaBody = (conversationId: string) =>
  `Name: Dana\nEmail: dana@example.com\nMessage: ${DANA}\n\nConversation: ${conversationId}\n`;

describe('email skills', () => {
  it('keep the email in the stored outbox when no SMTP server is configured', async () => {
    platform = await createChatPlatform();
    const skill = await addSkill(platform, officeEmail);
    const { sessionId, call } = await sayOnDraft(platform, DANA);
    const outbox = platform.services.skills.outbox(platform.orgA.org.id);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      kind: 'email',
      agentId: platform.agentId,
      conversationId: sessionId,
      skillId: skill.id,
      recipient: 'office@acme.example',
      subject: 'Message from Dana via the website',
      body: danaBody(sessionId),
      data: { delivery: 'stored', replyTo: 'dana@example.com' },
    });
    expect(call.data).toMatchObject({
      name: 'email_the_office',
      ok: true,
      input: { name: 'Dana', email: 'dana@example.com', message: DANA },
      output: { messageId: outbox[0].id },
    });
  });

  it('deliver through the configured SMTP server, logged in with the URL\'s credentials, and record the delivery', async () => {
    mail = await startMailServer();
    platform = await createChatPlatform({ smtpUrl: mail.url() });
    await addSkill(platform, officeEmail);
    const { sessionId, turn, call } = await sayOnDraft(platform, DANA);
    expect(mail.logins).toEqual([CREDENTIALS]);
    expect(mail.received).toHaveLength(1);
    const [received] = mail.received;
    expect(received).toMatchObject({
      user: 'flowyte',
      envelope: { from: 'no-reply@localhost', to: ['office@acme.example'] },
      from: [{ address: 'no-reply@localhost', name: 'Flowyte' }],
      to: [{ address: 'office@acme.example', name: '' }],
      replyTo: [{ address: 'dana@example.com', name: '' }],
      subject: 'Message from Dana via the website',
      text: danaBody(sessionId),
    });
    const outbox = platform.services.skills.outbox(platform.orgA.org.id);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'email', recipient: 'office@acme.example', body: danaBody(sessionId) });
    expect(outbox[0].data).toEqual({ delivery: 'smtp', messageId: received.messageId, replyTo: 'dana@example.com' });
    expect(call.data).toMatchObject({ ok: true, output: { messageId: outbox[0].id } });
    expect(turn.messages[1].content).toMatch(/passed your message on/);
  });

  it('send from the configured address', async () => {
    mail = await startMailServer();
    platform = await createChatPlatform({ smtpUrl: mail.url(), emailFrom: 'Acme Front Desk <desk@acme.example>' });
    await addSkill(platform, officeEmail);
    await sayOnDraft(platform, DANA);
    expect(mail.received.map(({ envelope, from }) => ({ envelope, from }))).toEqual([
      { envelope: { from: 'desk@acme.example', to: ['office@acme.example'] }, from: [{ address: 'desk@acme.example', name: 'Acme Front Desk' }] },
    ]);
  });

  it('fill {placeholders} of the subject from the collected parameters, on one line', async () => {
    mail = await startMailServer();
    platform = await createChatPlatform({ smtpUrl: mail.url() });
    await addSkill(platform, { ...officeEmail, executionConfig: { to: 'office@acme.example', subject: 'Call back {name} <{email}> about {phone}' } });
    await sayOnDraft(platform, DANA);
    expect(mail.received.map((received) => received.subject)).toEqual(['Call back Dana <dana@example.com> about']);
    expect(mail.received[0].replyTo).toEqual([]);
  });

  it('answer gracefully when the SMTP server is down, and keep the email in the outbox as failed', async () => {
    mail = await startMailServer();
    const url = mail.url();
    await mail.close();
    mail = undefined;
    platform = await createChatPlatform({ smtpUrl: url });
    await addSkill(platform, officeEmail);
    const { sessionId, turn, call } = await sayOnDraft(platform, DANA);
    const outbox = platform.services.skills.outbox(platform.orgA.org.id);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'email', recipient: 'office@acme.example', subject: 'Message from Dana via the website', body: danaBody(sessionId) });
    expect(outbox[0].data).toMatchObject({ delivery: 'failed', error: expect.stringMatching(/ECONNREFUSED/) });
    expect(call.data).toMatchObject({ ok: false, output: { error: 'the email could not be sent', messageId: outbox[0].id } });
    expect(turn.messages[1].content).toMatch(/kept your message/);
  });

  it('answer gracefully when the SMTP server rejects the credentials, and keep the email in the outbox as failed', async () => {
    mail = await startMailServer();
    platform = await createChatPlatform({ smtpUrl: mail.url({ username: 'flowyte', password: 'wrong' }) });
    await addSkill(platform, officeEmail);
    const { call } = await sayOnDraft(platform, DANA);
    expect(mail.logins).toEqual([{ username: 'flowyte', password: 'wrong' }]);
    expect(mail.received).toEqual([]);
    const outbox = platform.services.skills.outbox(platform.orgA.org.id);
    expect(outbox.map((message) => [message.kind, message.data.delivery])).toEqual([['email', 'failed']]);
    expect(outbox[0].data.error).toMatch(/Invalid login: 535/);
    expect(call.data.ok).toBe(false);
  });

  it.each([
    [{ to: 'not an address', subject: 'Hello' }, 'executionConfig.to'],
    [{ subject: 'Hello' }, 'executionConfig.to'],
    [{ to: 'office@acme.example' }, 'executionConfig.subject'],
    [{ to: 'office@acme.example', subject: 'Hello', replyToField: 'e-mail' }, 'executionConfig.replyToField'],
  ])('refuse the settings %j with 400 naming %s', async (executionConfig, field) => {
    platform = await createChatPlatform();
    const response = await platform.request('POST', `/agents/${platform.agentId}/skills`, { body: { ...officeEmail, executionConfig } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors.map((error: any) => error.field)).toEqual([field]);
  });

  it('collect name, phone, email and message by default', async () => {
    platform = await createChatPlatform();
    const skill = await addSkill(platform, officeEmail);
    expect(skill.parametersSchema).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'The person\'s name' },
        phone: { type: 'string', description: 'A callback phone number' },
        email: { type: 'string', description: 'The person\'s email address, for a reply' },
        message: { type: 'string', description: 'What to tell the recipient' },
      },
      required: ['message'],
    });
  });
});

describe('take_message with emailTo', () => {
  const takeMessage = {
    name: 'Take a message',
    description: 'Take a message for the team so they can call back.',
    skillType: 'take_message',
    executionConfig: { recipient: 'front desk', emailTo: 'desk@acme.example' },
  };
  const SAID = 'Please take a message: my name is Dana Smith, call me back at 415-555-0199 about the leaking boiler';

  it('email the message as well as keeping it in the outbox', async () => {
    mail = await startMailServer();
    platform = await createChatPlatform({ smtpUrl: mail.url() });
    await addSkill(platform, takeMessage);
    const { sessionId, call } = await sayOnDraft(platform, SAID);
    const expectedBody = `Name: Dana Smith\nPhone: +14155550199\nMessage: ${SAID}\n\nConversation: ${sessionId}\n`;
    expect(mail.received.map(({ envelope, subject, text }) => ({ envelope, subject, text }))).toEqual([
      { envelope: { from: 'no-reply@localhost', to: ['desk@acme.example'] }, subject: 'Message from Dana Smith, +14155550199', text: expectedBody },
    ]);
    const outbox = platform.services.skills.outbox(platform.orgA.org.id);
    expect(outbox.map(({ kind, recipient, subject }) => ({ kind, recipient, subject }))).toEqual([
      { kind: 'message', recipient: 'front desk', subject: 'Message from Dana Smith, +14155550199' },
      { kind: 'email', recipient: 'desk@acme.example', subject: 'Message from Dana Smith, +14155550199' },
    ]);
    expect(outbox[1]).toMatchObject({ body: expectedBody, data: { delivery: 'smtp', messageId: mail.received[0].messageId } });
    expect(call.data).toMatchObject({ ok: true, output: { messageId: outbox[0].id, emailId: outbox[1].id } });
  });

  it('still take the message when the email cannot be sent', async () => {
    mail = await startMailServer();
    const url = mail.url();
    await mail.close();
    mail = undefined;
    platform = await createChatPlatform({ smtpUrl: url });
    await addSkill(platform, takeMessage);
    const { call } = await sayOnDraft(platform, SAID);
    const outbox = platform.services.skills.outbox(platform.orgA.org.id);
    expect(outbox.map((message) => [message.kind, message.data.delivery])).toEqual([['message', undefined], ['email', 'failed']]);
    expect(call.data).toMatchObject({ ok: true, output: { messageId: outbox[0].id, emailId: outbox[1].id } });
  });

  it('refuses an emailTo that is not an address with 400 naming executionConfig.emailTo', async () => {
    platform = await createChatPlatform();
    const response = await platform.request('POST', `/agents/${platform.agentId}/skills`, { body: { ...takeMessage, executionConfig: { emailTo: 'desk' } } });
    expect(response.status).toBe(400);
    expect((await body(response)).errors.map((error: any) => error.field)).toEqual(['executionConfig.emailTo']);
  });
});

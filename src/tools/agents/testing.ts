/** Testing an agent before (or after) publishing: simulated conversations and in-browser voice. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineTool, idField } from '../define.ts';
import { FlowyteError } from '../../errors.ts';
import { signToken } from '../../auth/signed-token.ts';
import { simulate, type ScriptStep } from '../../runtime/engine/simulate.ts';

const agentId = idField('The agent id (agt_…).');

const scriptStep = z.union([
  z.string().trim().min(1).max(4000).describe('Something the caller says.'),
  z
    .object({
      text: z.string().trim().min(1).max(4000).optional().describe('Something the caller says.'),
      dtmf: z.string().regex(/^[0-9*#]{1,32}$/, 'must be keypad digits 0-9, * or #').optional().describe('Keypad digits pressed (voice only).'),
      silenceSeconds: z.number().int().min(1).max(3600).optional().describe('The caller stays silent this long (voice only).'),
    })
    .refine((step) => [step.text, step.dtmf, step.silenceSeconds].filter((value) => value !== undefined).length === 1, {
      message: 'give exactly one of text, dtmf or silenceSeconds',
    }),
]);

export const simulateAgent = defineTool({
  name: 'simulate_agent',
  title: 'Simulate a conversation',
  description:
    'Runs a scripted conversation against the agent and streams every receipt event (user_utterance, agent_message, kb_retrieval, tool_call, guardrail, call_control, …), ending with done. Runs the draft by default (not billed); draftMode: false runs the live version. Voice mode also takes keypad digits and silences, and applies call control (idle reminders, no-response action, maximum length).',
  http: { method: 'POST', path: '/agents/{agentId}/simulate' },
  scope: 'agents:write',
  toolset: 'test',
  flags: { streaming: true, openWorld: true },
  input: z.object({
    agentId,
    mode: z.enum(['text', 'voice']).default('text').describe('text: the chat tester; voice: a simulated phone call.'),
    draftMode: z.boolean().default(true).describe('Run the current draft (default) or the live version.'),
    transcript: z.array(scriptStep).min(1).max(50).optional().describe('What the caller does, in order.'),
    message: z.string().trim().min(1).max(4000).optional().describe('A single message, instead of a transcript.'),
  }),
  output: z.object({
    conversationId: z.string().describe('The stored conversation (its receipt is the events streamed).'),
    mode: z.enum(['text', 'voice']),
    draftMode: z.boolean(),
    versionId: z.string().nullable().describe('The version run; null for the draft.'),
    turns: z.number().int().describe('Caller turns answered.'),
    outcome: z.string().nullable().describe('How it ended: answered, missed, contained, transferred or abandoned (rules: GET /conversations).'),
    durationSeconds: z.number().nullable().describe('Simulated call length (voice only).'),
    lastReply: z.string().nullable().describe('The agent\'s last words.'),
  }),
  untrusted: ['lastReply'],
  execute: async (input, context) => {
    const steps = input.transcript ?? (input.message ? [input.message] : []);
    if (steps.length === 0 || (input.transcript && input.message)) {
      throw new FlowyteError('validation_error', 'give either transcript or message', {
        errors: [{ field: 'transcript', message: 'give either a transcript or a single message' }],
      });
    }
    const script: ScriptStep[] = steps.map((step) =>
      typeof step === 'string' ? { text: step } : step.text ? { text: step.text } : step.dtmf ? { dtmf: step.dtmf } : { silenceSeconds: step.silenceSeconds! },
    );
    const voiceOnly = script.findIndex((step) => !('text' in step));
    if (input.mode === 'text' && voiceOnly >= 0) {
      throw new FlowyteError('validation_error', 'keypad digits and silences are only simulated in voice mode', {
        errors: [{ field: `transcript.${voiceOnly}`, message: 'dtmf and silenceSeconds need mode "voice"' }],
      });
    }
    const { engine } = context.services;
    const served = engine.serve(context.org.id, input.agentId, input.draftMode);
    const result = await simulate(engine, served, input.mode, script, {
      emit: (event) => context.emit({ type: event.type, data: { ...event.data, at: event.at } }),
      signal: context.signal,
      now: context.services.now,
    });
    return {
      conversationId: result.conversation.id,
      mode: input.mode,
      draftMode: served.draft,
      versionId: served.versionId,
      turns: result.turns,
      outcome: result.conversation.outcome,
      durationSeconds: result.durationSeconds,
      lastReply: result.lastReply,
    };
  },
});

const TALK_TOKEN_SECONDS = 600;
/** Where the browser opens the voice room (the sandbox WebSocket, src/http/talk.ts). */
export const TALK_PATH = '/talk';

export const createTalkToken = defineTool({
  name: 'create_talk_token',
  title: 'Start an in-browser voice test',
  description:
    'Dashboard only: credentials (url, token, room) for a real-time voice session in the browser. draftMode: true talks to the draft (not billed); otherwise the live version, which must exist.',
  http: { method: 'POST', path: '/agents/{agentId}/talk-token', successStatus: 201 },
  auth: 'session',
  toolset: 'test',
  input: z.object({ agentId, draftMode: z.boolean().default(false).describe('Talk to the draft instead of the live version.') }),
  output: z.object({
    url: z.string().describe('The WebSocket the browser opens, with ?token=… appended.'),
    token: z.string().describe('Short-lived credential that opens the room once.'),
    room: z.string().describe('The voice room.'),
    expiresAt: z.string().describe('When the token stops working.'),
    draftMode: z.boolean(),
    versionId: z.string().nullable().describe('The version the session runs; null for the draft.'),
  }),
  execute: async (input, context) => {
    const { services } = context;
    const served = services.engine.serve(context.org.id, input.agentId, input.draftMode);
    const room = `room_${randomBytes(12).toString('base64url')}`;
    const exp = Math.floor(services.now().getTime() / 1000) + TALK_TOKEN_SECONDS;
    const token = signToken(services.tokenSecret, {
      purpose: 'talk',
      exp,
      org: context.org.id,
      agent: served.agent.id,
      version: served.versionId,
      room,
      user: context.actor.id,
    });
    return {
      url: `${services.config.publicBaseUrl.replace(/^http/, 'ws')}${TALK_PATH}`,
      token,
      room,
      expiresAt: new Date(exp * 1000).toISOString(),
      draftMode: served.draft,
      versionId: served.versionId,
    };
  },
});

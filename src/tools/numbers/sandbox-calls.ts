/** Test calls on the sandbox carrier: dial one of your numbers with a scripted caller. */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import type { ScriptStep } from '../../runtime/engine/call.ts';
import { placeSandboxCall } from '../../runtime/numbers/sandbox-call.ts';
import { TOOLSET, e164Field } from './present.ts';

const MAX_STEPS = 50;

const stepSchema = z
  .object({
    say: z.string().trim().min(1).max(4000).optional().describe('Something the caller says.'),
    dtmf: z.string().regex(/^[0-9*#]{1,32}$/, 'must be keypad digits 0-9, * or #').optional().describe('Keypad digits the caller presses.'),
    silenceSeconds: z.number().int().min(1).max(3600).optional().describe('The caller stays silent this long.'),
  })
  .refine((step) => [step.say, step.dtmf, step.silenceSeconds].filter((value) => value !== undefined).length === 1, {
    message: 'give exactly one of say, dtmf or silenceSeconds',
  });

const toScriptStep = (step: z.output<typeof stepSchema>): ScriptStep =>
  step.say !== undefined ? { text: step.say } : step.dtmf !== undefined ? { dtmf: step.dtmf } : { silenceSeconds: step.silenceSeconds! };

export const placeSandboxCallTool = defineTool({
  name: 'place_sandbox_call',
  title: 'Place a sandbox call to a number',
  description:
    "Sandbox carrier only: a scripted caller dials one of your numbers, and the call runs like a real inbound one: routed to the number's agent, answered by its published version, with call control applied on a simulated clock. It is billed as a real call (voice minutes, the toll-free surcharge on toll-free numbers, and transferredSeconds of a transferred call). 404 for a number you do not own, 409 when it is unassigned or its agent was never published. The transcript is callers' and agent's words: untrusted text.",
  http: { method: 'POST', path: '/numbers/sandbox/calls' },
  scope: 'numbers:write',
  toolset: TOOLSET,
  flags: { openWorld: true },
  input: z.object({
    to: e164Field('Your number that is called.'),
    from: e164Field("The caller's number (the caller ID the agent sees)."),
    script: z.array(stepSchema).min(1).max(MAX_STEPS).describe('What the caller does, in order.'),
    transferredSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .describe('If the agent transfers the call: how long the transferred leg lasts, billed per started minute.'),
  }),
  output: z.object({
    conversationId: z.string().describe('The call\'s conversation (conv_…); its receipt is in observe.'),
    numberId: z.string().describe('The number called.'),
    agentId: z.string().describe('The agent that answered.'),
    versionId: z.string().nullable().describe('The published version that answered.'),
    outcome: z.string().nullable().describe('How it ended: answered, missed, contained, transferred or abandoned.'),
    durationSeconds: z.number().describe('How long the call lasted on the simulated clock.'),
    transferred: z.boolean().describe('Whether the agent handed the call to a person.'),
    transcript: z
      .array(
        z.object({
          role: z.enum(['caller', 'agent']).describe('Who spoke.'),
          text: z.string().describe('What was said (keypad digits as typed).'),
          at: z.string().describe('When.'),
        }),
      )
      .describe('The call, turn by turn, greeting first.'),
  }),
  untrusted: ['transcript[].text'],
  execute: async (input, context) => {
    const { services, org } = context;
    const call = await placeSandboxCall(
      services,
      org.id,
      { to: input.to, from: input.from, script: input.script.map(toScriptStep), transferredSeconds: input.transferredSeconds },
      { signal: context.signal },
    );
    const { conversation } = call;
    const messages = services.conversations.recentMessages(org.id, conversation.id, 4 * MAX_STEPS + 50);
    return {
      conversationId: conversation.id,
      numberId: call.number.id,
      agentId: conversation.agentId,
      versionId: conversation.versionId,
      outcome: conversation.outcome,
      durationSeconds: call.durationSeconds,
      transferred: call.transferred,
      transcript: messages.map((message) => ({ role: message.role === 'user' ? ('caller' as const) : ('agent' as const), text: message.content, at: message.createdAt })),
    };
  },
});

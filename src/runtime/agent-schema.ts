/** The agent's draft: every field a builder edits, validated once here for every face. */
import { z } from 'zod';
import { TRANSFER_DESTINATION_RULE, transferDestinationOf } from './transfer-destination.ts';

const text = (max: number) => z.string().max(max);

const languageCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 language code such as "en" or "pt-BR"')
  .max(35);

// Saved the way a transfer skill's destination is: E.164, a 10-digit US number normalized.
const phoneOrSip = z
  .string()
  .min(3)
  .max(200)
  .refine((value) => transferDestinationOf(value) !== null, TRANSFER_DESTINATION_RULE)
  .overwrite((value) => transferDestinationOf(value) ?? value);

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (24-hour)');

// Building an Intl.DateTimeFormat is slow, and every agent read validates its timezone: remember answers.
const knownTimeZones = new Map<string, boolean>();

function isTimeZone(value: string): boolean {
  let known = knownTimeZones.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      known = true;
    } catch {
      known = false;
    }
    if (knownTimeZones.size < 1000) knownTimeZones.set(value, known);
  }
  return known;
}

export const personaSchema = z
  .object({
    role: text(500).default('').describe('Who the agent is, in a sentence: "the front desk of Acme Plumbing".'),
    goals: z.array(text(300).describe('One goal.')).max(20).default([]).describe('What the agent tries to achieve.'),
    neverDo: z
      .array(text(300).describe('One thing the agent must never do.'))
      .max(20)
      .default([])
      .describe('Things the agent must never do or say.'),
    tone: text(200).default('').describe('How it sounds, e.g. "warm, brief, plain words".'),
  })
  .describe('The agent\'s persona.');

export const transferRuleSchema = z.object({
  label: text(100).min(1).describe('Short name of the rule, e.g. "Billing".'),
  when: text(500).min(1).describe('Plain-language situation the agent matches against.'),
  destination: phoneOrSip.describe('Where to transfer when the rule matches: a phone number, saved in E.164, or a sip: URI.'),
});

export const handoffConfigSchema = z
  .object({
    warm: z.boolean().default(false).describe('Summarize the caller and reason to the receiver before connecting.'),
    transferDestination: phoneOrSip.nullable().default(null).describe('Default destination when no rule matches: a phone number, saved in E.164, or a sip: URI.'),
    transferRules: z
      .array(transferRuleSchema.describe('One transfer-by-context rule.'))
      .max(50)
      .default([])
      .describe('Transfer-by-context table, checked in order.'),
  })
  .describe('How and where the agent hands a conversation to a person.');

const openingSchema = z
  .object({
    open: clockTime.describe('Opening time, HH:MM in the business timezone.'),
    close: clockTime.describe('Closing time, HH:MM; must be after open.'),
  })
  .refine((span) => span.open < span.close, { message: 'close must be after open', path: ['close'] });

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof DAYS)[number];

const weeklySchema = z
  .object(
    Object.fromEntries(
      // One wording for every day, so that MCP's lean input schemas say it once (see lean-schema.ts).
      DAYS.map((day) => [day, z.array(openingSchema.describe('One open span.')).max(6).default([]).describe('The open spans of this day; none means closed.')]),
    ) as Record<Weekday, z.ZodDefault<z.ZodArray<typeof openingSchema>>>,
  )
  .describe('The weekly open/closed grid.');

export const businessHoursSchema = z
  .object({
    timezone: z.string().max(64).refine(isTimeZone, 'must be an IANA timezone such as "America/New_York"').describe('IANA timezone the grid is in.'),
    weekly: weeklySchema,
    holidays: z
      .array(
        z
          .object({
            date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').describe('The closed day.'),
            label: text(100).default('').describe('What the day is.'),
          })
          .describe('A one-off closed day.'),
      )
      .max(100)
      .default([])
      .describe('One-off closed days.'),
  })
  .describe('When the business is open. Null means always open.');

export const afterHoursSchema = z
  .object({
    allowHumanTransfer: z.boolean().default(false).describe('Allow transfers to a person while closed (off by default).'),
    number: phoneOrSip.nullable().default(null).describe('Where after-hours transfers go: a phone number, saved in E.164, or a sip: URI.'),
    message: text(1000).default('').describe('What the agent says about being closed.'),
    urgentWhen: z
      .array(text(100).min(1).describe('A word or phrase.'))
      .max(50)
      .default([])
      .describe('Words that make a call urgent ("no heat", "leak"): while closed, such a call is still transferred to `number`, even with allowHumanTransfer off.'),
  })
  .describe('What changes while the business is closed.');

export const callControlSchema = z
  .object({
    maxDurationSeconds: z.number().int().min(30).max(14_400).default(1800).describe('Longest a call may run.'),
    idleReminderSeconds: z.number().int().min(3).max(120).default(10).describe('Silence before an "are you still there?".'),
    maxIdleReminders: z.number().int().min(0).max(10).default(2).describe('Reminders before acting on silence.'),
    onNoResponseAction: z.enum(['end', 'transfer']).default('end').describe('What to do when the caller stays silent.'),
  })
  .describe('Call length, idle reminders and what to do on silence.');

/** Every editable field of an agent's draft, with defaults. */
export const agentDraftShape = {
  name: text(120).min(1).describe('Display name of the agent.'),
  description: text(2000).default('').describe('Internal note on what this agent is for.'),
  persona: personaSchema.default({ role: '', goals: [], neverDo: [], tone: '' }),
  primaryLanguage: languageCode.default('en').describe('BCP-47 code of the language the agent opens in; a language of GET /meta/languages.'),
  languages: z
    .array(languageCode.describe('A BCP-47 language code.'))
    .min(1)
    .max(50)
    .optional()
    .describe('Languages the agent may mirror, each of GET /meta/languages; defaults to just the primary language.'),
  greeting: text(1000).default('').describe('First thing the agent says.'),
  voiceMap: z
    .record(languageCode, z.string().max(100).describe('A voice id from the catalog.'))
    .default({})
    .describe('Voice id per language code.'),
  defaultVoiceId: z.string().max(100).nullable().default(null).describe('Voice for the primary language.'),
  handoffConfig: handoffConfigSchema.default({ warm: false, transferDestination: null, transferRules: [] }),
  businessHours: businessHoursSchema.nullable().default(null).describe('When the business is open. Null means always open.'),
  afterHours: afterHoursSchema.default({ allowHumanTransfer: false, number: null, message: '', urgentWhen: [] }),
  callControl: callControlSchema.default({
    maxDurationSeconds: 1800,
    idleReminderSeconds: 10,
    maxIdleReminders: 2,
    onNoResponseAction: 'end',
  }),
};

export const agentDraftSchema = z.object(agentDraftShape);
export type AgentDraft = z.output<typeof agentDraftSchema> & { languages: string[] };

/** Fill derived defaults: `languages` always contains the primary language. */
export function normalizeDraft(draft: z.output<typeof agentDraftSchema>): AgentDraft {
  const languages = draft.languages ?? [draft.primaryLanguage];
  return {
    ...draft,
    languages: languages.includes(draft.primaryLanguage) ? languages : [draft.primaryLanguage, ...languages],
  };
}

/**
 * Google Calendar: open times on a day (freeBusy) and booking an appointment (events.insert),
 * read in the calendar's own time zone unless the operator sets one. Dates and times are wall
 * clock ("2025-03-14", "15:00") so that "3pm" means 3pm where the business is.
 */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import type { ActionDefinition, ConnectionContext, IntegrationProvider, ProviderResult } from '../provider.ts';
import { succeeded } from '../provider-fetch.ts';
import { googleApi, googleEndpoints, googleFailure, googleOAuth } from './google-oauth.ts';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const isTimeZone = (value: string) => !Number.isNaN(new TZDate(2025, 0, 1, 0, 0, value).getTime());

const settings = z.object({
  calendarId: z.string().trim().min(1).max(300).optional(),
  timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as "America/New_York"').optional(),
  openFrom: clockTime.optional(),
  openUntil: clockTime.optional(),
  durationMinutes: z.number().int().min(5).max(480).optional(),
  title: z.string().trim().min(1).max(100).optional(),
}).refine((hours) => (hours.openFrom ?? '09:00') < (hours.openUntil ?? '17:00'), { message: 'must be after openFrom', path: ['openUntil'] });
type CalendarSettings = z.output<typeof settings>;

const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The day, as YYYY-MM-DD' };
const time = { type: 'string', pattern: '^\\d{2}:\\d{2}$', description: 'The time of day, as HH:MM (24-hour)' };

const ACTIONS: ActionDefinition[] = [
  {
    slug: 'check_availability',
    name: 'Check availability',
    description: 'Check which appointment times are open on the calendar on a given day, or whether a preferred time is free.',
    parametersSchema: {
      type: 'object',
      properties: { date: day, time: { ...time, description: 'A preferred time of day, as HH:MM (24-hour), if the caller named one' } },
      required: ['date'],
    },
    important: true,
    readOnly: true,
    configNeeded: [],
    settings,
  },
  {
    slug: 'book_appointment',
    name: 'Book an appointment',
    description: 'Book an appointment on the calendar for the caller at a day and time, with their name and phone number.',
    parametersSchema: {
      type: 'object',
      properties: {
        caller_name: { type: 'string', description: "The caller's name" },
        caller_phone: { type: 'string', description: "The caller's phone number" },
        date: { ...day, description: 'The day of the appointment, as YYYY-MM-DD' },
        time: { ...time, description: 'The start time of the appointment, as HH:MM (24-hour)' },
        notes: { type: 'string', description: 'What the appointment is about, if the caller said' },
      },
      required: ['caller_name', 'caller_phone', 'date', 'time'],
    },
    important: true,
    readOnly: false,
    configNeeded: [],
    settings,
  },
];

/** The settings with their defaults, and the time zone (the calendar's own unless set). */
interface Calendar {
  id: string;
  timeZone: string;
  openFrom: string;
  openUntil: string;
  durationMinutes: number;
  title: string;
}

const calendarUrl = (context: ConnectionContext, path: string) => `${googleEndpoints(context.services.config).calendar}${path}`;

async function resolveCalendar(context: ConnectionContext, config: CalendarSettings): Promise<Calendar> {
  const id = config.calendarId ?? 'primary';
  let timeZone = config.timeZone;
  if (!timeZone) {
    const response = await googleApi(context, calendarUrl(context, `/calendars/${encodeURIComponent(id)}`));
    if (!succeeded(response)) throw googleFailure('Google Calendar', response);
    timeZone = String((response.body as { timeZone?: unknown }).timeZone ?? 'UTC');
  }
  return { id, timeZone, openFrom: config.openFrom ?? '09:00', openUntil: config.openUntil ?? '17:00', durationMinutes: config.durationMinutes ?? 30, title: config.title ?? 'Appointment' };
}

/** The instant a wall-clock date and time is in a time zone. */
function instant(date: string, clock: string, timeZone: string): Date {
  const [year, month, dayOfMonth] = date.split('-').map(Number);
  const [hour, minute] = clock.split(':').map(Number);
  return new Date(new TZDate(year, month - 1, dayOfMonth, hour, minute, timeZone).getTime());
}

const clockOf = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
const spokenTime = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
const spokenDay = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(at);

function spokenList(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

interface Interval {
  start: number;
  end: number;
}

/** The calendar's busy intervals between two instants (freeBusy). */
async function busyBetween(context: ConnectionContext, calendar: Calendar, from: Date, until: Date): Promise<Interval[]> {
  const response = await googleApi(context, calendarUrl(context, '/freeBusy'), {
    json: { timeMin: from.toISOString(), timeMax: until.toISOString(), timeZone: 'UTC', items: [{ id: calendar.id }] },
  });
  if (!succeeded(response)) throw googleFailure('Google Calendar', response);
  const entry = (response.body as { calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: { reason?: string }[] }> }).calendars?.[calendar.id];
  if (!entry || entry.errors?.length) throw new FlowyteError('integration_error', `Google Calendar could not read calendar ${calendar.id} (${entry?.errors?.[0]?.reason ?? 'not returned'})`);
  return (entry.busy ?? []).map((busy) => ({ start: Date.parse(busy.start), end: Date.parse(busy.end) }));
}

/** The day's open appointment starts: within opening hours, not in the past, not overlapping anything busy. */
async function openSlots(context: ConnectionContext, calendar: Calendar, date: string): Promise<Date[]> {
  const opens = instant(date, calendar.openFrom, calendar.timeZone);
  const closes = instant(date, calendar.openUntil, calendar.timeZone);
  const busy = await busyBetween(context, calendar, opens, closes);
  const length = calendar.durationMinutes * 60_000;
  const now = context.services.now().getTime();
  const slots: Date[] = [];
  for (let start = opens.getTime(); start + length <= closes.getTime(); start += length) {
    if (start >= now && !busy.some((interval) => interval.start < start + length && start < interval.end)) slots.push(new Date(start));
  }
  return slots;
}

/** The last open slot before `at` and the first after it (either may be missing). */
function nearest(slots: Date[], at: Date): Date[] {
  const before = slots.filter((slot) => slot.getTime() < at.getTime()).at(-1);
  const after = slots.find((slot) => slot.getTime() > at.getTime());
  return [before, after].filter((slot): slot is Date => slot !== undefined);
}

async function checkAvailability(context: ConnectionContext, input: Record<string, unknown>, config: CalendarSettings): Promise<ProviderResult> {
  const calendar = await resolveCalendar(context, config);
  const date = String(input.date);
  const slots = await openSlots(context, calendar, date);
  const dayName = spokenDay(instant(date, '12:00', calendar.timeZone), calendar.timeZone);
  const output = { date, timeZone: calendar.timeZone, openSlots: slots.map((slot) => clockOf(slot, calendar.timeZone)) };
  const say = (slots: Date[]) => spokenList(slots.map((slot) => spokenTime(slot, calendar.timeZone)));
  if (typeof input.time === 'string') {
    const wanted = instant(date, input.time, calendar.timeZone);
    const available = slots.some((slot) => slot.getTime() === wanted.getTime());
    const asked = `${spokenTime(wanted, calendar.timeZone)} on ${dayName}`;
    if (available) return { ok: true, output: { ...output, available, message: `Yes, ${asked} is open.` } };
    const alternatives = nearest(slots, wanted);
    const message = alternatives.length ? `${asked} is not available. The nearest openings are ${say(alternatives)}.` : `${asked} is not available, and ${dayName} has no other openings.`;
    return { ok: true, output: { ...output, available, message } };
  }
  const message = slots.length ? `On ${dayName} there are openings at ${say(slots.slice(0, 4))}${slots.length > 4 ? ', among others' : ''}.` : `There are no openings on ${dayName}. Would another day work?`;
  return { ok: true, output: { ...output, message } };
}

async function bookAppointment(context: ConnectionContext, input: Record<string, unknown>, config: CalendarSettings): Promise<ProviderResult> {
  const calendar = await resolveCalendar(context, config);
  const date = String(input.date);
  const start = instant(date, String(input.time), calendar.timeZone);
  const end = new Date(start.getTime() + calendar.durationMinutes * 60_000);
  const when = `${spokenTime(start, calendar.timeZone)} on ${spokenDay(start, calendar.timeZone)}`;
  const slots = await openSlots(context, calendar, date);
  if (!slots.some((slot) => slot.getTime() === start.getTime())) {
    const alternatives = nearest(slots, start).map((slot) => spokenTime(slot, calendar.timeZone));
    const offer = alternatives.length ? ` The nearest openings that day are ${spokenList(alternatives)}.` : ' There are no other openings that day.';
    return { ok: true, output: { booked: false, message: `${when} is not available.${offer}` } };
  }
  const description = [
    'Booked by the Flowyte agent.',
    `Name: ${String(input.caller_name)}`,
    `Phone: ${String(input.caller_phone)}`,
    ...(typeof input.notes === 'string' && input.notes ? [`Notes: ${input.notes}`] : []),
  ].join('\n');
  const response = await googleApi(context, calendarUrl(context, `/calendars/${encodeURIComponent(calendar.id)}/events`), {
    json: {
      summary: `${calendar.title}: ${String(input.caller_name)}`,
      description,
      start: { dateTime: start.toISOString(), timeZone: calendar.timeZone },
      end: { dateTime: end.toISOString(), timeZone: calendar.timeZone },
    },
  });
  if (!succeeded(response)) throw googleFailure('Google Calendar', response);
  const event = response.body as { id?: string };
  return { ok: true, output: { booked: true, eventId: event.id ?? null, date, time: clockOf(start, calendar.timeZone), message: `You're booked for ${when}.` } };
}

export const googleCalendar: IntegrationProvider = {
  kind: 'google_calendar',
  name: 'Google Calendar',
  category: 'calendar',
  description: 'Check open times and book appointments on a Google calendar during a conversation.',
  logo: 'google-calendar',
  auth: 'oauth',
  oauth: googleOAuth(['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.readonly']),
  actions: ACTIONS,
  async runAction(context, slug, input, config) {
    const checked = settings.parse(config);
    if (slug === 'check_availability') return checkAvailability(context, input, checked);
    if (slug === 'book_appointment') return bookAppointment(context, input, checked);
    throw new FlowyteError('integration_error', `Google Calendar has no action ${slug}`);
  },
};

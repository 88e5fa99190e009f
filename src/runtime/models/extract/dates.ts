/**
 * Dates and times in free text, via chrono: "next Tuesday at 3pm", "tomorrow", "March 14 at
 * 10:30". Relative phrases resolve against a reference instant, in the reference's UTC offset.
 */
import type * as Chrono from 'chrono-node';
import { lazyRequire } from '../../../lazy-require.ts';

// chrono takes ~200 ms to load: it loads on the first date extraction, not at start-up.
const chrono = lazyRequire<typeof Chrono>('chrono-node');

/** The instant relative dates resolve against, with the wall-clock offset it was written in. */
export interface DateReference {
  instant: Date;
  /** Minutes east of UTC, e.g. -300 for "2025-03-10T09:00:00-05:00". */
  offsetMinutes: number;
}

/** What one text says about a day and a time of day; either may be absent. */
export interface DateMention {
  /** YYYY-MM-DD when a day (or weekday) was said. */
  date?: string;
  /** HH:MM (24-hour) when an hour was said. */
  time?: string;
}

const OFFSET = /(?:Z|([+-])(\d{2}):?(\d{2}))$/i;

/** A reference from an ISO string (its offset kept; none means UTC), or from a Date in UTC. */
export function dateReference(now: string | Date): DateReference {
  if (now instanceof Date) return { instant: now, offsetMinutes: 0 };
  const instant = new Date(now);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an ISO date: ${now}`);
  const match = OFFSET.exec(now.trim());
  const offsetMinutes = match?.[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  return { instant, offsetMinutes };
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The first day and the first time of day mentioned in the text. */
export function extractDateMention(text: string, reference: DateReference): DateMention {
  const mention: DateMention = {};
  // forwardDate: "Friday" means the coming Friday, as a caller booking something means it.
  const results = chrono().parse(text, { instant: reference.instant, timezone: reference.offsetMinutes }, { forwardDate: true });
  for (const result of results) {
    const start = result.start;
    if (!mention.date && (start.isCertain('day') || start.isCertain('weekday'))) {
      mention.date = `${start.get('year')}-${pad(start.get('month') ?? 1)}-${pad(start.get('day') ?? 1)}`;
    }
    if (!mention.time && start.isCertain('hour')) mention.time = `${pad(start.get('hour') ?? 0)}:${pad(start.get('minute') ?? 0)}`;
    if (mention.date && mention.time) break;
  }
  return mention;
}

/** "2025-03-14" + "10:30" → "2025-03-14T10:30:00-05:00" in the reference's offset. */
export function combineDateTime(date: string, time: string, reference: DateReference): string {
  const offset = reference.offsetMinutes;
  if (offset === 0) return `${date}T${time}:00Z`;
  const sign = offset < 0 ? '-' : '+';
  const absolute = Math.abs(offset);
  return `${date}T${time}:00${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

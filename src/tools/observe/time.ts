/** The time-window fields observe tools share: an ISO date (midnight UTC) or a date-time with a zone. */
import { z } from 'zod';
import { FlowyteError } from '../../errors.ts';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** A calendar date, or a date-time with a zone (a zoneless time would depend on the server's zone). */
function isIsoTime(value: string): boolean {
  const match = ISO_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60 && !Number.isNaN(Date.parse(value));
}

/** An optional ISO time input; a zoneless date-time is refused (it would depend on the server's zone). */
export const timeField = (description: string) =>
  z
    .string()
    .max(40)
    .refine(isIsoTime, 'must be an ISO 8601 date (2025-03-01) or a date-time with a zone (2025-03-01T09:00:00Z)')
    .optional()
    .describe(description);


/** A window's bounds as UTC ISO strings; 400 validation_error when `to` is not later than `from`. */
export function isoWindow(input: { from?: string; to?: string }): { from?: string; to?: string } {
  const from = input.from && new Date(input.from).toISOString();
  const to = input.to && new Date(input.to).toISOString();
  if (from && to && to <= from) throw new FlowyteError('validation_error', 'to must be later than from', { errors: [{ field: 'to', message: 'must be later than from' }] });
  return { from: from || undefined, to: to || undefined };
}

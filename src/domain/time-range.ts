/**
 * The times Flywheel takes in: from 1980-01-01 (UTC) to one day after now. Every source's times
 * (webhooks, imports, Discord, admin forms, the CLI) and the days and months queries ask for are
 * checked against it before anything is written or computed.
 *
 * Why these bounds: the calendar code (periods, boards, period closing) works on days written
 * YYYY-MM-DD, and JavaScript dates end in the year 275760 (a larger time is a RangeError, not a
 * day); every period since a community's first day is judged, so a time decades off costs
 * thousands of empty periods. 1980 comes before any community archive worth
 * importing (mailing lists and Usenet groups moved into forums keep their 1980s dates), and still
 * refuses the usual mistakes: 0 or a missing value read as 1970, seconds sent as milliseconds
 * (early 1970). One day after now leaves room for clocks that disagree and time zones, and
 * refuses times that have not happened yet — a future activity would sit on boards nobody can
 * close and win periods that have not started.
 */
import { DomainError } from './errors.js';

export const EARLIEST_TIME = Date.UTC(1980, 0, 1);
export const FUTURE_MARGIN_MS = 86_400_000;
export const EARLIEST_DAY = '1980-01-01';

/** The latest time accepted at `now`. */
export const latestTime = (now: number): number => now + FUTURE_MARGIN_MS;

export const inTimeRange = (ms: number, now: number): boolean => Number.isFinite(ms) && ms >= EARLIEST_TIME && ms <= latestTime(now);

/** What a refusal says is expected, with the bounds spelled out. */
export const timeRangeText = (now: number): string => `a time from ${new Date(EARLIEST_TIME).toISOString()} to ${new Date(latestTime(now)).toISOString()} (one day after now)`;

/** The last calendar day a query may ask for at `now`: the day after the latest time, in UTC (ahead of any zone's). */
export const latestDay = (now: number): string => new Date(latestTime(now) + FUTURE_MARGIN_MS).toISOString().slice(0, 10);

/** A day 'YYYY-MM-DD' (or a month 'YYYY-MM') a query may ask for: none before 1980 or after tomorrow. */
export const dayInRange = (day: string, now: number): boolean => day >= EARLIEST_DAY.slice(0, day.length) && day <= latestDay(now).slice(0, day.length);

/** A day 'YYYY-MM-DD' or month 'YYYY-MM' a query asks for, or a 400 naming `field`. */
export function acceptedDay(field: string, day: string, now: number): string {
  if (!dayInRange(day, now)) throw new DomainError('invalid_parameter', `${field}: expected a ${day.length === 7 ? 'month' : 'day'} from ${EARLIEST_DAY.slice(0, day.length)} to ${latestDay(now).slice(0, day.length)}`);
  return day;
}

/** Whole epoch milliseconds from what adapters send: a Date, epoch milliseconds, or an ISO 8601 string. */
export function toMillis(value: unknown): number {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
          ? Date.parse(value)
          : Number.NaN;
  return Math.floor(ms);
}

/** `value` as epoch milliseconds inside the accepted range, or a 400 naming `field`. */
export function acceptedTime(field: string, value: unknown, now: number, code: 'invalid_parameter' | 'invalid_activity' = 'invalid_parameter'): number {
  const ms = toMillis(value);
  if (!inTimeRange(ms, now)) throw new DomainError(code, `${field}: expected ${timeRangeText(now)}, as an ISO 8601 date or epoch milliseconds`);
  return ms;
}

/**
 * The neighbours of a period (`from` its first day) a member can browse to, as days to ask for:
 * the previous one only if it has a day from 1980 on (a week straddling 1 January 1980 is asked
 * for by that day), the next one only once it has begun (`today`, the community's day): a link
 * either side of the accepted range would answer 400.
 */
export function browsableNeighbours(w: { from: string | null; previous: string | null; next: string | null }, today: string): { previous: string | null; next: string | null } {
  const previous = w.previous === null || w.from === null || w.from <= EARLIEST_DAY ? null : w.previous < EARLIEST_DAY ? EARLIEST_DAY : w.previous;
  const next = w.next !== null && w.next <= today ? w.next : null;
  return { previous, next };
}

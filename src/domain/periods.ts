/**
 * Calendar periods in the community's time zone. Days are plain 'YYYY-MM-DD' strings in that
 * zone; every period is identified by the day it starts on ('all' for all time). Weeks start on
 * Monday (ISO 8601).
 */
import { invalidParameter } from './errors.js';

export const PERIODS = ['all', 'year', 'quarter', 'month', 'week', 'day'] as const;
export type Period = (typeof PERIODS)[number];
export const ALL_TIME = 'all';

export const isPeriod = (value: string): value is Period => (PERIODS as readonly string[]).includes(value);

const DAY_MS = 86_400_000;
// Every zone offset in use is a multiple of 15 minutes, and so is every transition instant,
// so all instants in one 15-minute bucket share a local date.
const BUCKET_MS = 15 * 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `compute`, remembered per key (up to `limit` keys, then forgotten at once): the pipeline asks
 * the same few hundred days and zones over and over, and every answer here is a pure function.
 */
function memo<K, V>(limit: number, compute: (key: K) => V): (key: K) => V {
  const kept = new Map<K, V>();
  return (key) => {
    let value = kept.get(key);
    if (value === undefined) {
      if (kept.size >= limit) kept.clear();
      value = compute(key);
      kept.set(key, value);
    }
    return value;
  };
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar day of an instant. */
export function localDay(ms: number, timeZone: string): string {
  return localDayIn(timeZone)(Math.floor(ms / BUCKET_MS));
}

const localDayIn = memo(100, (timeZone: string) => memo(200_000, (bucket: number) => formatter(timeZone).format(new Date(bucket * BUCKET_MS))));

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(value: string): { y: number; m: number; d: number } | null {
  const match = DAY_RE.exec(value);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return { y, m, d };
}

/** A valid day, parsed (memoised: the ladder and badge streaks ask for the same days over and over). */
const requireDay = memo(50_000, (value: string): { y: number; m: number; d: number } => {
  const parsed = parseDay(value);
  if (!parsed) throw invalidParameter('day', 'a calendar date YYYY-MM-DD');
  return parsed;
});

const fmt = (y: number, m: number, d: number): string => {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.toISOString().slice(0, 10);
};

export function addDays(day: string, n: number): string {
  const { y, m, d } = requireDay(day);
  return fmt(y, m, d + n);
}

/** The day after `day` (memoised: streaks walk every active day of a member's history). */
export const nextDay = memo(50_000, (day: string): string => addDays(day, 1));

export function addMonths(day: string, n: number): string {
  const { y, m } = requireDay(day);
  return fmt(y, m + n, 1);
}

/** Months since year 0: consecutive calendar months differ by one. */
export function monthIndex(day: string): number {
  const { y, m } = requireDay(day);
  return y * 12 + (m - 1);
}

/** The start day of every period containing `day` (memoised: the pipeline asks per award). */
export const periodStartsOf = memo(50_000, (day: string): Record<Period, string> => {
  const { y, m, d } = requireDay(day);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return {
    all: ALL_TIME,
    year: fmt(y, 1, 1),
    quarter: fmt(y, m - ((m - 1) % 3), 1),
    month: fmt(y, m, 1),
    week: fmt(y, m, d - weekday),
    day,
  };
});

export function periodStart(period: Period, day: string): string {
  return periodStartsOf(day)[period];
}

/** Start of the period `n` periods after (or before, n < 0) the one starting at `start`. */
export function shiftPeriod(period: Period, start: string, n: number): string {
  switch (period) {
    case 'all':
      return ALL_TIME;
    case 'year':
      return addMonths(start, 12 * n);
    case 'quarter':
      return addMonths(start, 3 * n);
    case 'month':
      return addMonths(start, n);
    case 'week':
      return addDays(start, 7 * n);
    case 'day':
      return addDays(start, n);
  }
}

export interface PeriodWindow {
  period: Period;
  /** First day of the window, inclusive; null for all time. */
  from: string | null;
  /** Last day of the window, inclusive; null for all time. */
  to: string | null;
  /** Key under which scores for this window are stored. */
  start: string;
  previous: string | null;
  next: string | null;
}

/** The window of `period` that contains `day`, with the days that start its neighbours. */
export function periodWindow(period: Period, day: string): PeriodWindow {
  const start = periodStart(period, day);
  if (period === 'all') return { period, from: null, to: null, start, previous: null, next: null };
  const next = shiftPeriod(period, start, 1);
  return { period, from: start, to: addDays(next, -1), start, previous: shiftPeriod(period, start, -1), next };
}

/** The instant local midnight of `day` begins in `timeZone` (memoised: stage timelines ask per day they walk). */
export function startOfDayInstant(day: string, timeZone: string): number {
  return midnightsIn(timeZone)(day);
}

const midnightsIn = memo(100, (timeZone: string) => memo(100_000, (day: string) => computeStartOfDay(day, timeZone)));

function computeStartOfDay(day: string, timeZone: string): number {
  const { y, m, d } = requireDay(day);
  const utcMidnight = Date.UTC(y, m - 1, d);
  // Guess with the offset at UTC midnight, then correct once with the offset at the guess.
  let guess = utcMidnight - offsetAt(utcMidnight, timeZone);
  guess = utcMidnight - offsetAt(guess, timeZone);
  return guess;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetAt(ms: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

export const DAY_IN_MS = DAY_MS;

/** Handlebars helpers, registered from this one list. */
import { kindLabel } from '../domain/kind-texts.js';

export const viewHelpers: Record<string, (...args: unknown[]) => unknown> = {
  eq: (a: unknown, b: unknown) => a === b,
  number: (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? '')),
  /** An activity kind in words: "answer_accepted" → "an accepted answer". */
  kindLabel,
  /** A number with a unit, or — when there is none (0 is a value, not nothing). */
  orDash: (n: unknown, unit: unknown) => (typeof n === 'number' ? `${n}${typeof unit === 'string' ? unit : ''}` : '—'),
  /** A share (0–1) as a percentage; — when there is none. */
  pct: (n: unknown) => (typeof n === 'number' ? `${Math.round(n * 100)}%` : '—'),
  /** A date from ms since the epoch (UTC). */
  date: (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 10) : ''),
  datetime: (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : ''),
  /** The date part of an ISO timestamp. */
  day: (iso: unknown) => String(iso ?? '').slice(0, 10),
};

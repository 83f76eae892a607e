/** Handlebars helpers, registered from this one list. */
const KIND_LABEL: Record<string, string> = {
  answer_posted: 'an answer',
  answer_accepted: 'an accepted answer',
  thanks_received: 'a thank-you',
  thanks_given: 'thanking someone',
  question_asked: 'a question',
  content_published: 'a publication',
  event_spoke: 'a talk',
  feedback_submitted: 'feedback',
  member_referred: 'a referral',
  review_written: 'a review',
  event_attended: 'attending an event',
  manual_award: 'a manager’s award',
};

export const viewHelpers: Record<string, (...args: unknown[]) => unknown> = {
  eq: (a: unknown, b: unknown) => a === b,
  number: (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? '')),
  /** An activity kind in words: "answer_accepted" → "an accepted answer". */
  kindLabel: (kind: unknown) => KIND_LABEL[String(kind)] ?? String(kind).replace(/_/g, ' '),
  /** A number with a unit, or — when there is none (0 is a value, not nothing). */
  orDash: (n: unknown, unit: unknown) => (typeof n === 'number' ? `${n}${typeof unit === 'string' ? unit : ''}` : '—'),
  /** A share (0–1) as a percentage; — when there is none. */
  pct: (n: unknown) => (typeof n === 'number' ? `${Math.round(n * 100)}%` : '—'),
  /** A date from ms since the epoch (UTC). */
  date: (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 10) : ''),
  datetime: (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : ''),
  /** The date part of an ISO timestamp. */
  day: (iso: unknown) => String(iso ?? '').slice(0, 10),
  /** A code in words: "api_token_created" → "api token created". */
  words: (code: unknown) => String(code ?? '').replace(/_/g, ' '),
  /** A count with its noun: "1 member", "15 members" (never "15 member(s)"). */
  plural: (n: unknown, one: unknown, many: unknown) => `${typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? 0)} ${n === 1 ? String(one) : String(many)}`,
};

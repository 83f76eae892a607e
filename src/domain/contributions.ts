/**
 * Contributions that do not happen in chat — a post, a talk, an event, feedback, a referral, a
 * review — and what each needs as evidence. The natural key comes from the evidence, so the same
 * post or the same attendance recorded twice (a form and an upload, a retried API call, an
 * approved submission of something already recorded) counts once.
 */
import { createHash } from 'node:crypto';
import { DomainError } from './errors.js';
import type { Kind } from './kinds.js';
import { EARLIEST_DAY, latestTime } from './time-range.js';

export const RECORDABLE_KINDS = ['content_published', 'event_spoke', 'event_attended', 'feedback_submitted', 'member_referred', 'review_written'] as const;
export type RecordableKind = (typeof RECORDABLE_KINDS)[number];

/** What members may submit themselves, for a manager's approval. */
export const SUBMITTABLE_KINDS = ['content_published', 'event_spoke', 'review_written', 'feedback_submitted'] as const;
export type SubmittableKind = (typeof SUBMITTABLE_KINDS)[number];

/** What each kind is proved by. */
export type EvidenceNeed = 'url' | 'event' | 'title-or-url' | 'referred';

export const KIND_FORMS: Record<RecordableKind, { label: string; needs: EvidenceNeed; hint: string }> = {
  content_published: { label: 'Published content', needs: 'url', hint: 'a blog post, tutorial, video, talk recording or docs page: its link' },
  event_spoke: { label: 'Spoke at an event', needs: 'event', hint: 'the event (and a link to the talk, if there is one)' },
  event_attended: { label: 'Attended an event', needs: 'event', hint: 'the event and its date' },
  feedback_submitted: { label: 'Product feedback', needs: 'title-or-url', hint: 'what the idea or feedback was, or a link to it' },
  member_referred: { label: 'Referred a member', needs: 'referred', hint: 'the member they brought in' },
  review_written: { label: 'Wrote a review', needs: 'url', hint: 'the review’s link on the review site (G2, Capterra, …)' },
};

export const isRecordableKind = (k: string): k is RecordableKind => (RECORDABLE_KINDS as readonly string[]).includes(k);
export const isSubmittableKind = (k: string): k is SubmittableKind => (SUBMITTABLE_KINDS as readonly string[]).includes(k);

export interface Evidence {
  /** The day it happened, YYYY-MM-DD. */
  day: string;
  title?: string | undefined;
  url?: string | undefined;
  event?: string | undefined;
}

const bad = (field: string, expected: string): never => {
  throw new DomainError('invalid_parameter', `${field}: expected ${expected}`);
};

const text = (value: string | undefined, max: number): string | undefined => {
  const t = value?.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, max) : undefined;
};

/** Check the evidence a kind needs; `now` keeps dates out of the future (a day of slack for time zones). */
export function checkEvidence(kind: RecordableKind, raw: Partial<Evidence>, now: number): Evidence {
  const day = raw.day?.trim() ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day)
    bad('date', 'a day such as 2026-11-01');
  // The accepted time range, as a calendar day: from 1980-01-01 to the day one day after now reaches (UTC).
  const latest = new Date(latestTime(now)).toISOString().slice(0, 10);
  if (day < EARLIEST_DAY || day > latest) bad('date', `a day from ${EARLIEST_DAY} to ${latest}, not in the future`);
  const url = text(raw.url, 2000);
  if (url !== undefined && !/^https?:\/\/[^\s/]+\.[^\s]*$/i.test(url)) bad('url', 'a link starting with https://');
  const evidence: Evidence = { day, title: text(raw.title, 300), url, event: text(raw.event, 200) };
  const need = KIND_FORMS[kind].needs;
  if (need === 'url' && !evidence.url) bad('url', `the link to it (${KIND_FORMS[kind].hint})`);
  if (need === 'event' && !evidence.event) bad('event', 'the name of the event');
  if (need === 'title-or-url' && !evidence.title && !evidence.url) bad('title', 'what the feedback was, or a link to it');
  return evidence;
}

/**
 * When a contribution happened: noon UTC of its day, inside that day in nearly every time zone —
 * or now, for a day whose noon is still ahead (today or tomorrow in UTC, already today east of it).
 */
export const dayToMillis = (day: string, now: number): number => Math.min(Date.parse(`${day}T12:00:00Z`), now);

/** A link as the same page: scheme and host in lower case, no fragment, no trailing slash. */
export function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return url.trim();
  }
}

const digest = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 32);
const fold = (value: string): string => value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** What makes two records of a kind the same contribution (before the member is added). */
function subjectOf(kind: RecordableKind, e: Evidence, referred?: string): string {
  switch (KIND_FORMS[kind].needs) {
    case 'url':
      return `url:${normalizeUrl(e.url!)}`;
    case 'event':
      return `event:${fold(e.event!)}:${e.day}`;
    case 'title-or-url':
      return e.url ? `url:${normalizeUrl(e.url)}` : `title:${fold(e.title!)}:${e.day}`;
    case 'referred':
      return `referred:${referred}`;
  }
}

/**
 * The natural key of a contribution. `who` is the member's identity key ("discord|123"); a
 * referral is keyed by the member referred only, so a newcomer is brought in once.
 */
export function contributionKey(kind: RecordableKind, evidence: Evidence, who: string, referred?: string): string {
  if (kind === 'member_referred') {
    if (!referred) bad('referred', 'the member who was referred');
    return `contribution:${kind}:${digest(subjectOf(kind, evidence, referred))}`;
  }
  return `contribution:${kind}:${digest(subjectOf(kind, evidence))}:${who}`;
}

/** The evidence in a line, for audit notes and messages. */
export function describe(kind: Kind, e: Evidence): string {
  return [e.event, e.title, e.url, e.day].filter(Boolean).join(' · ') || kind;
}

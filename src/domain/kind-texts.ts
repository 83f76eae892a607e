/**
 * Every activity kind in words, one entry per kind: adding or renaming a kind in kinds.ts is a
 * compile error here until it has its texts. Kinds without a phrase of their own read as their
 * name with spaces, as they always did.
 */
import type { Kind, LedgerKind } from './kinds.js';

/** A kind as the thing a member did or got ("for an accepted answer"): member pages, admin queues. */
export const KIND_LABEL: Readonly<Record<LedgerKind, string>> = {
  member_joined: 'member joined',
  message_posted: 'message posted',
  question_asked: 'a question',
  answer_posted: 'an answer',
  answer_accepted: 'an accepted answer',
  thanks_received: 'a thank-you',
  thanks_given: 'thanking someone',
  reaction_received: 'reaction received',
  reaction_given: 'reaction given',
  topic_created: 'topic created',
  content_published: 'a publication',
  feedback_submitted: 'feedback',
  event_attended: 'attending an event',
  event_spoke: 'a talk',
  member_referred: 'a referral',
  review_written: 'a review',
  manual_award: 'a manager’s award',
  reversal: 'reversal',
};

/** A kind counted toward a badge, [one, many] ("1 accepted answer", "10 accepted answers"). */
export const KIND_COUNTED: Readonly<Record<Kind, readonly [one: string, many: string]>> = {
  member_joined: ['member joined', 'member joined'],
  message_posted: ['message', 'messages'],
  question_asked: ['question asked', 'questions asked'],
  answer_posted: ['answer to someone else’s question', 'answers to other people’s questions'],
  answer_accepted: ['accepted answer', 'accepted answers'],
  thanks_received: ['thank-you from another member', 'thank-yous from other members'],
  thanks_given: ['thank-you given', 'thank-yous given'],
  reaction_received: ['reaction received', 'reactions received'],
  reaction_given: ['reaction given', 'reaction given'],
  topic_created: ['topic started', 'topics started'],
  content_published: ['publication', 'publications'],
  feedback_submitted: ['piece of feedback', 'pieces of feedback'],
  event_attended: ['event attended', 'events attended'],
  event_spoke: ['talk at an event', 'talks at events'],
  member_referred: ['member brought in', 'members brought in'],
  review_written: ['review written', 'review written'],
  manual_award: ['manual award', 'manual award'],
};

/** The label of a value that may not be a kind (a template's input): unknown values read as themselves, spaced. */
export const kindLabel = (kind: unknown): string => (Object.hasOwn(KIND_LABEL, String(kind)) ? KIND_LABEL[String(kind) as LedgerKind] : String(kind).replace(/_/g, ' '));

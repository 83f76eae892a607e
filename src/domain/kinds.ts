/** Platform-neutral vocabulary of the ledger (see DESIGN.md, "Activity kinds"). */

export const PLATFORMS = ['discord', 'discourse', 'github', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const SPACES = ['support', 'product', 'acquisition', 'contribution', 'engagement', 'success'] as const;
export type Space = (typeof SPACES)[number];

export const ROLES = ['consumer', 'participant', 'producer'] as const;
export type Role = (typeof ROLES)[number];

export const KINDS = [
  'member_joined',
  'message_posted',
  'question_asked',
  'answer_posted',
  'answer_accepted',
  'thanks_received',
  'thanks_given',
  'reaction_received',
  'reaction_given',
  'topic_created',
  'content_published',
  'feedback_submitted',
  'event_attended',
  'event_spoke',
  'member_referred',
  'review_written',
  'manual_award',
] as const;
export type Kind = (typeof KINDS)[number];

/** A reversal is its own ledger entry: it cancels what an earlier source earned. */
export const REVERSAL = 'reversal' as const;
export type LedgerKind = Kind | typeof REVERSAL;

export interface KindRule {
  points: number;
  space: Space;
  role: Role;
  /** Counts toward the daily cap. Accepted answers and manager-recorded kinds are exempt. */
  capped: boolean;
}

export const DEFAULT_KIND_RULES: Record<Kind, KindRule> = {
  member_joined: { points: 0, space: 'engagement', role: 'consumer', capped: true },
  message_posted: { points: 1, space: 'engagement', role: 'participant', capped: true },
  question_asked: { points: 2, space: 'support', role: 'consumer', capped: true },
  answer_posted: { points: 5, space: 'support', role: 'producer', capped: true },
  answer_accepted: { points: 15, space: 'support', role: 'producer', capped: false },
  thanks_received: { points: 5, space: 'support', role: 'producer', capped: true },
  thanks_given: { points: 1, space: 'engagement', role: 'participant', capped: true },
  reaction_received: { points: 1, space: 'engagement', role: 'producer', capped: true },
  reaction_given: { points: 0, space: 'engagement', role: 'consumer', capped: true },
  topic_created: { points: 5, space: 'contribution', role: 'producer', capped: true },
  content_published: { points: 25, space: 'contribution', role: 'producer', capped: false },
  // Recorded by the community team (a form, a list, the API, an approved submission): exempt from the daily cap.
  feedback_submitted: { points: 5, space: 'product', role: 'producer', capped: false },
  event_attended: { points: 3, space: 'engagement', role: 'consumer', capped: false },
  event_spoke: { points: 30, space: 'contribution', role: 'producer', capped: false },
  member_referred: { points: 10, space: 'acquisition', role: 'producer', capped: false },
  // A public review on a review site (G2 and the like): recorded when a manager approves it.
  review_written: { points: 15, space: 'acquisition', role: 'producer', capped: false },
  manual_award: { points: 0, space: 'success', role: 'producer', capped: false },
};

/** Kinds where the counterpart being the actor makes the award a self-award (worth 0). */
export const SELF_SENSITIVE: ReadonlySet<Kind> = new Set<Kind>([
  'answer_posted',
  'answer_accepted',
  'thanks_received',
  'thanks_given',
  'reaction_received',
  'reaction_given',
  'member_referred',
]);

/** Kinds that help a *specific* other member: they count toward reach. */
export const HELPING_KINDS: ReadonlySet<Kind> = new Set<Kind>(['answer_posted', 'answer_accepted', 'thanks_received']);

/** Asking counts as taking part even though it consumes help (DESIGN.md, the ladder). */
/** Kinds the pair cooldown watches, per pair of members. */
export const THANKS_KINDS: readonly Kind[] = ['thanks_given', 'thanks_received'];

export const PARTICIPATING_CONSUMER_KINDS: ReadonlySet<Kind> = new Set<Kind>(['question_asked']);

export const isKind = (value: string): value is Kind => (KINDS as readonly string[]).includes(value);
export const isSpace = (value: string): value is Space => (SPACES as readonly string[]).includes(value);
export const isPlatform = (value: string): value is Platform => (PLATFORMS as readonly string[]).includes(value);

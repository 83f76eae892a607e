/** The shapes that flow through the pipeline: what adapters send, what the ledger holds, what rules decide. */
import type { Kind, LedgerKind, Platform, Role, Space } from './kinds.js';

/** One account on one platform, as an adapter sees it. */
export interface IdentityRef {
  platform: Platform;
  externalId: string;
  username?: string | undefined;
  displayName?: string | undefined;
  /** The avatar as the platform gives it (a Discord hash, a Discourse avatar_template); null: none set. */
  avatar?: string | null | undefined;
  isBot?: boolean | undefined;
  isStaff?: boolean | undefined;
}

/** What an adapter hands to `ingest`: a fact, with a natural key that makes redelivery a no-op. */
export interface ActivityInput {
  key: string;
  kind: LedgerKind;
  platform: Platform;
  actor: IdentityRef;
  /** The other member involved: who was thanked, whose question was answered, who thanked. */
  counterpart?: IdentityRef | undefined;
  occurredAt: Date | string | number;
  /** Groups the activities one source produced (a message that answers and thanks); reversals target it. Defaults to `key`. */
  source?: string | undefined;
  /** What the activity is about, e.g. the question an answer replies to. */
  subject?: string | undefined;
  /** For `reversal`: the source whose awards this cancels. */
  reverses?: string | undefined;
  url?: string | undefined;
  payload?: Record<string, unknown> | undefined;
  /** For `manual_award`: the points given (may be negative). */
  points?: number | undefined;
  /** For `manual_award`: the space the points count in. */
  space?: Space | undefined;
  /** For `manual_award`: why. */
  reason?: string | undefined;
}

/** One row of the immutable ledger, with its member ids resolved. */
export interface LedgerActivity {
  id: number;
  key: string;
  kind: LedgerKind;
  platform: Platform;
  memberId: number;
  counterpartId: number | null;
  occurredAt: number;
  sourceRef: string;
  subjectRef: string | null;
  reverses: string | null;
  /** Given points (manual awards only). */
  points: number | null;
  /** Given space (manual awards only); other kinds take the space of the current rules. */
  space: Space | null;
}

export type AwardReason =
  | 'awarded'
  | 'self_award'
  | 'bot'
  | 'no_points'
  | 'message_cooldown'
  | 'pair_cooldown'
  | 'daily_cap'
  | 'repeat_answer'
  | 'pair_limit'
  | 'unendorsed'
  | 'reversed'
  | 'reversal'
  | 'reversal_target_missing';

/** What the rules decided for one activity (or, for a reversal, for one activity it cancels). */
export interface AwardRow {
  activityId: number;
  memberId: number;
  counterpartId: number | null;
  /** The kind that earned (for a reversal row: the kind it cancels). */
  kind: Kind;
  platform: Platform;
  space: Space;
  role: Role;
  points: number;
  reason: AwardReason;
  capped: boolean;
  occurredAt: number;
  day: string;
  /** Set on reversal rows: the activity whose award this cancels. */
  cancelsActivityId: number | null;
  sourceRef: string;
  subjectRef: string | null;
  /** Produced value for someone else (drives the contributor stage). */
  production: boolean;
  /** Took part beyond consuming (drives the participant stage). */
  participation: boolean;
  /**
   * Set on the row that pays an answer when it is first endorsed: a second row of the answer's
   * activity, dated at the endorsement (not a new activity).
   */
  release?: boolean;
}

export type Outcome =
  | { key: string; status: 'awarded'; points: number; reason: AwardReason; activityId: number; memberId: number }
  | { key: string; status: 'duplicate' };

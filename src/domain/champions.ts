/**
 * The champion program's rules (DESIGN.md, "Champions"), as pure decisions: where a new
 * nomination goes, what a decision may do, how long terms run, and who the data suggests.
 */
import { DomainError } from './errors.js';

export type NominationKind = 'nomination' | 'suggestion' | 'renewal';
export type NominationStatus = 'pending' | 'approved' | 'declined';

/** What is already known about the nominee when a nomination comes in. */
export interface NomineeState {
  nomineeId: number;
  nominatorId: number;
  /** Their nomination waiting for review, if any. */
  pending: { id: number } | null;
  /** Their current term, if they serve. */
  activeTerm: { id: number } | null;
}

export type Placement = { action: 'create'; kind: NominationKind } | { action: 'endorse'; nominationId: number };

/** A reason says why in at least a sentence: a few words, not a single "yes". */
export function reasonProblem(reason: string): string | null {
  const text = reason.trim();
  if (text.length < 15 || text.split(/\s+/).length < 3) return 'reason: expected at least a sentence on why (15 characters, 3 words)';
  if (text.length > 2000) return 'reason: expected at most 2000 characters';
  return null;
}

export function placeNomination(requested: 'nomination' | 'suggestion', state: NomineeState): Placement {
  if (state.nomineeId === state.nominatorId) throw new DomainError('invalid_parameter', 'member: nobody nominates themself');
  // A second nomination in the same round adds its voice to the first instead of queueing twice.
  if (state.pending) return { action: 'endorse', nominationId: state.pending.id };
  // A serving champion can only be put forward for another term.
  if (state.activeTerm) return { action: 'create', kind: 'renewal' };
  return { action: 'create', kind: requested };
}

export function assertPending(status: NominationStatus): void {
  if (status !== 'pending') throw new DomainError('conflict', `this nomination was already ${status}; decisions are final`);
}

/** The end of a term that starts at `start` and runs `months` calendar months (UTC). */
export function termEnd(start: number, months: number): number {
  const d = new Date(start);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // Clamp to the month's last day (a term from 31 January ends on the last day of its month).
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

export const RENEWAL_WINDOW_MS = 30 * 86_400_000;

/** Terms within 30 days of their end come up for renewal. */
export const dueForRenewal = (term: { termEnd: number }, now: number): boolean => term.termEnd - now <= RENEWAL_WINDOW_MS;

/** What the data says about a possible champion. */
export interface CandidateFacts {
  memberId: number;
  acceptedAnswers: number;
  /** Distinct members helped. */
  reach: number;
  /** Calendar months with a production for someone else, of the last six. */
  activeMonths: number;
  /** Share of this member's producing activity in the last six months that answered questions (0–1). */
  supportShare: number;
}

export interface Candidate extends CandidateFacts {
  score: number;
  reasons: string[];
}

/**
 * Rank candidates: reach (how many people they helped) weighs most, then consistency (active
 * months) and accepted answers; affinity to helping (answers among their contributions) breaks ties.
 */
export function rankCandidates(facts: readonly CandidateFacts[], limit: number): Candidate[] {
  return facts
    .filter((f) => f.reach > 0 || f.acceptedAnswers > 0)
    .map((f) => {
      const score = Math.log2(1 + f.reach) * 3 + f.activeMonths * 2 + Math.log2(1 + f.acceptedAnswers) * 2 + f.supportShare;
      const reasons: string[] = [];
      if (f.reach > 0) reasons.push(`helped ${f.reach} different member${f.reach === 1 ? '' : 's'}`);
      if (f.acceptedAnswers > 0) reasons.push(`${f.acceptedAnswers} accepted answer${f.acceptedAnswers === 1 ? '' : 's'}`);
      if (f.activeMonths > 0) reasons.push(`active in ${f.activeMonths} of the last 6 months`);
      if (f.supportShare >= 0.5) reasons.push('mostly answers questions');
      return { ...f, score: Math.round(score * 100) / 100, reasons };
    })
    .sort((a, b) => b.score - a.score || a.memberId - b.memberId)
    .slice(0, limit);
}

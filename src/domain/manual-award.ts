/**
 * The rules of a manager's manual award, wherever it is given (Discord's /award, the site, the
 * CLI): one limit, a reason on record, nobody awards themselves, bots earn nothing, 0 changes nothing.
 */
import { DomainError } from './errors.js';

/** The most points one award may give or take back. A bigger correction is several awards, each with its reason. */
export const AWARD_LIMIT = 1000;
export const REASON_MIN = 3;
export const REASON_MAX = 300;

export interface ManualAwardRequest {
  points: number;
  reason: string;
  /** The manager and the member are the same person. */
  self: boolean;
  /** The member is a bot. */
  bot: boolean;
}

/** Refuse an award the rules do not allow; returns the trimmed reason. */
export function checkManualAward(r: ManualAwardRequest): string {
  if (r.bot) throw new DomainError('invalid_parameter', 'member: bots cannot receive points');
  if (r.self) throw new DomainError('forbidden', 'managers cannot award themselves; ask another manager');
  if (!Number.isSafeInteger(r.points) || Math.abs(r.points) > AWARD_LIMIT)
    throw new DomainError('invalid_parameter', `points: expected a whole number between -${AWARD_LIMIT} and ${AWARD_LIMIT}`);
  if (r.points === 0) throw new DomainError('invalid_parameter', 'points: an award of 0 points changes nothing');
  const reason = r.reason.replace(/\s+/g, ' ').trim();
  if (reason.length < REASON_MIN || reason.length > REASON_MAX)
    throw new DomainError('invalid_parameter', `reason: expected ${REASON_MIN} to ${REASON_MAX} characters saying why`);
  return reason;
}

/** /nominate and "Nominate as champion" answer alike. */
import type { NominateResult } from '../../app/champions.js';
import { name } from '../presenters.js';

export function nominationReply(displayName: string, result: NominateResult): string {
  const who = name(displayName);
  if (result.outcome === 'duplicate') return `That nomination of ${who} was already recorded.`;
  if (result.outcome === 'endorsed') return `${who} is already waiting for review — your words were added to that nomination as an endorsement.`;
  if (result.kind === 'renewal') return `${who} is serving as a champion — put forward for another term, for review.`;
  if (result.kind === 'suggestion') return `Thank you — ${who} is suggested as a champion; the community team will review it.`;
  return `Nominated ${who} as a champion. The community team will review it.`;
}

/**
 * Redelivery: platforms deliver the same events again (Discord after a resume, Discourse on every
 * retry). A scenario's events, delivered three more times in shuffled order, must change nothing a
 * member would notice.
 */
import { rng } from '../../src/app/demo-community.js';
import type { Db } from '../../src/db/knex.js';
import { stateOf } from './ledger.js';

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Send `events` three more times, each round shuffled (the seed is named if it fails), wait for
 * them to be taken in, and throw naming what changed.
 */
export async function replayThriceChangesNothing<E>(db: Db, events: readonly E[], send: (event: E) => Promise<void> | void, settle: () => Promise<void> = async () => {}): Promise<void> {
  const before = await stateOf(db);
  const seed = Math.floor(Math.random() * 2 ** 31);
  const random = rng(seed);
  for (let round = 0; round < 3; round++) for (const event of shuffled(events, random)) await send(event);
  await settle();
  const after = await stateOf(db);
  const changed = (Object.keys(before) as Array<keyof typeof before>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length > 0) throw new Error(`delivering ${events.length} events three more times (shuffle seed ${seed}) changed: ${changed.join(', ')}`);
}

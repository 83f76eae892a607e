/**
 * Whom a thank-you message thanks — one rule for the live bot and the history import, each
 * handing over what it can read: the member it replies to and the members it mentions; else, in
 * the asker's own help thread, the one helper who spoke since the asker last did.
 */
import type { Person } from './activities.js';
import { implicitThanksTarget } from './thanks-text.js';

/** How many earlier messages the implicit thanks looks at. */
export const THANKS_HISTORY = 50;

export interface Someone {
  isBot: boolean;
  person: () => Person | Promise<Person>;
}

export interface ThanksFacts {
  authorId: string;
  /** The asker of the help thread the message is in, if it is in one. */
  askerId: string | null;
  /** The author of the message it replies to (null when it replies to nothing, or that message is gone). */
  repliedTo: () => Promise<(Someone & { id: string }) | null>;
  mentioned: ReadonlyArray<Someone & { id: string }>;
  /** Earlier messages in the channel, newest first (null when they cannot be read). */
  earlier: () => Promise<Array<Someone & { authorId: string }> | null>;
}

export async function thankedBy(f: ThanksFacts): Promise<Person[]> {
  const people = new Map<string, Person>();
  const replied = await f.repliedTo();
  if (replied && !replied.isBot) people.set(replied.id, await replied.person());
  for (const user of f.mentioned) if (!user.isBot && !people.has(user.id)) people.set(user.id, await user.person());
  if (people.size > 0 || f.askerId !== f.authorId) return [...people.values()];

  const history = await f.earlier();
  if (!history) return [];
  const target = implicitThanksTarget(history, f.authorId);
  return target ? [await target.person()] : [];
}

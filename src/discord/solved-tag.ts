/** Marking an answer also tags its forum post "Solved" (Discord allows at most 5 applied tags). */
import type { AnyThreadChannel } from 'discord.js';
import type { Logger } from '../logger.js';

const MAX_TAGS = 5;

export function withSolvedTag(applied: readonly string[], solvedId: string): string[] | null {
  if (applied.includes(solvedId)) return null;
  // Keep the newest tags the post already had, and make room for Solved.
  return [...applied.slice(Math.max(0, applied.length - (MAX_TAGS - 1))), solvedId];
}

export async function applySolvedTag(thread: AnyThreadChannel, tagName: string | null, log: Logger): Promise<void> {
  if (!tagName || !thread.parent || !('availableTags' in thread.parent)) return;
  const wanted = tagName.toLowerCase();
  const tag = thread.parent.availableTags.find((t) => t.id === tagName || t.name.toLowerCase() === wanted);
  if (!tag) {
    log.warn({ forum: thread.parent.id, tag: tagName }, 'forum has no "Solved" tag to apply; create it or set discord.solvedTag');
    return;
  }
  const tags = withSolvedTag(thread.appliedTags, tag.id);
  if (tags) await thread.setAppliedTags(tags, 'answer marked as the solution');
}

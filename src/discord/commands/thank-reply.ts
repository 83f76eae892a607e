/** /thanks and "Thank author" record the same thank-you and answer alike. */
import type { User } from 'discord.js';
import type { Outcome } from '../../domain/activity.js';
import { thanksPair, type Person } from '../activities.js';
import { refuse, type Reply } from '../command.js';
import type { BotContext } from '../context.js';
import { name, points } from '../presenters.js';

export async function thank(ctx: BotContext, source: string, from: Person, to: Person, toUser: User, url?: string, reason?: string): Promise<Reply> {
  if (toUser.bot) return refuse('Bots do not collect thanks — thank the people who helped.');
  if (from.externalId === to.externalId) {
    // Recorded like any thanks (the ledger keeps it, worth 0), but said plainly.
    await ctx.queue.submit(thanksPair(source, from, to, ctx.fw.now(), url, reason));
    return refuse('Thanking yourself earns no points — thank someone who helped you instead.');
  }
  const [, received] = await ctx.queue.submit(thanksPair(source, from, to, ctx.fw.now(), url, reason));
  return answer(received!, from, to, reason, ctx.config.rules.pairCooldownMs);
}

function answer(received: Outcome, from: Person, to: Person, reason: string | undefined, cooldownMs: number): Reply {
  const them = name(to.displayName ?? to.externalId);
  if (received.status === 'duplicate') return refuse(`You already thanked ${them} for this.`);
  if (received.reason === 'pair_cooldown')
    return refuse(`You thanked ${them} less than ${Math.round(cooldownMs / 60_000)} minutes ago. This one is noted, but earns no more points.`);
  const because = reason ? `: “${reason.replace(/[\r\n]+/g, ' ').slice(0, 200)}”` : '';
  const earned = received.points > 0 ? ` (${points(received.points)} to them)` : '';
  return { content: `${name(from.displayName ?? from.externalId)} thanked ${them}${because}${earned}` };
}

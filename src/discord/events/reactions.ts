/**
 * Reactions. The accept emoji from the asker (or a moderator) on a reply in a help thread marks it
 * as the solution; any other reaction is a reaction given and received. Removing one reverses it.
 */
import { Events, type Message, type MessageReaction, type PartialMessageReaction, type PartialUser, type User } from 'discord.js';
import type { ActivityInput } from '../../domain/activity.js';
import { reversalKey } from '../../app/reversals.js';
import { acceptanceSource, emojiKey, reactionActivities, reactionSource, type HelpThread } from '../activities.js';
import { defineEvent, type BotContext } from '../context.js';
import { acceptsAnswer, helpThreadOf, isModerator, personOf } from '../people.js';
import { applySolvedTag } from '../solved-tag.js';

interface Resolved {
  message: Message<true>;
  user: User;
  helpThread: HelpThread | null;
  /** The reaction marks (or unmarks) the answer: accept emoji, by the asker or a moderator, on a reply. */
  accepts: boolean;
}

async function resolve(ctx: BotContext, reaction: MessageReaction | PartialMessageReaction, partialUser: User | PartialUser): Promise<Resolved | null> {
  const user = partialUser.partial ? await partialUser.fetch() : partialUser;
  if (user.bot) return null;
  // After a restart the message is not cached: the event arrives partial and is fetched.
  const message = reaction.message.partial ? await reaction.message.fetch().catch(() => null) : reaction.message;
  if (!message?.inGuild() || message.guildId !== ctx.discord.guildId || message.author.bot || message.system) return null;
  const helpThread = helpThreadOf(message.channel, ctx.discord);
  const accepts = await acceptsAnswer({ messageId: message.id, reactorId: user.id, emoji: reaction.emoji, helpThread }, ctx.discord.acceptEmoji, async () => {
    const member = await message.guild.members.fetch(user.id).catch(() => null);
    return member !== null && isModerator(member, member.permissionsIn(message.channel), ctx.discord);
  });
  return { message, user, helpThread, accepts };
}

export const reactionAdd = defineEvent({
  name: Events.MessageReactionAdd,
  async activities(ctx, reaction, partialUser) {
    const r = await resolve(ctx, reaction, partialUser);
    if (!r) return [];
    const staff = ctx.config.staff.discordRoleIds;
    const reactor = personOf(r.user, r.message.guild.members.cache.get(r.user.id), staff);
    const author = personOf(r.message.author, r.message.member, staff);
    if (r.accepts && r.helpThread) {
      const thread = r.message.channel;
      if (thread.isThread()) applySolvedTag(thread, ctx.discord.solvedTag, ctx.log).catch((err: unknown) => ctx.log.warn({ err }, 'could not tag the post as solved'));
    }
    return reactionActivities({ messageId: r.message.id, reactor, author, emoji: reaction.emoji, helpThread: r.helpThread, accepts: r.accepts, at: ctx.fw.now(), url: r.message.url });
  },
});

export const reactionRemove = defineEvent({
  name: Events.MessageReactionRemove,
  async activities(ctx, reaction, partialUser): Promise<ActivityInput[]> {
    const r = await resolve(ctx, reaction, partialUser);
    if (!r) return [];
    const source = r.accepts ? acceptanceSource(r.message.id) : reactionSource(r.message.id, r.user.id, emojiKey(reaction.emoji));
    const actor = personOf(r.user, null, []);
    return [{ key: reversalKey(source), kind: 'reversal', platform: 'discord', actor, occurredAt: ctx.fw.now(), reverses: source }];
  },
});

/** A message: a question (forum post starter), an answer (reply in someone's help thread), or chat; and maybe a thank-you. */
import { Events, type Message } from 'discord.js';
import { messageActivities, type Person } from '../activities.js';
import { defineEvent, type BotContext } from '../context.js';
import { helpThreadOf, personOf } from '../people.js';
import { saysThanks } from '../thanks-text.js';
import { THANKS_HISTORY, thankedBy } from '../thanked.js';


export default defineEvent({
  name: Events.MessageCreate,
  async activities(ctx, message: Message) {
    if (message.author.bot || message.system || !message.inGuild() || message.guildId !== ctx.discord.guildId) return [];
    const staff = ctx.config.staff.discordRoleIds;
    const author = personOf(message.author, message.member, staff);
    const helpThread = helpThreadOf(message.channel, ctx.discord);
    const thanked = saysThanks(message.content, ctx.thanks) ? await thankedIn(ctx, message, helpThread?.ownerId ?? null) : [];
    return messageActivities({ id: message.id, at: message.createdTimestamp, url: message.url, author, helpThread, thanked });
  },
});

/** Who a thank-you message thanks, read from discord.js (the rule itself is shared with the history import). */
function thankedIn(ctx: BotContext, message: Message<true>, askerId: string | null): Promise<Person[]> {
  const staff = ctx.config.staff.discordRoleIds;
  return thankedBy({
    authorId: message.author.id,
    askerId,
    repliedTo: async () => {
      if (!message.reference?.messageId) return null;
      const replied = await message.fetchReference().catch(() => null);
      return replied && { id: replied.author.id, isBot: replied.author.bot, person: () => personOf(replied.author, replied.member, staff) };
    },
    mentioned: [...message.mentions.users.values()].map((user) => ({
      id: user.id,
      isBot: user.bot,
      person: () => personOf(user, message.mentions.members?.get(user.id), staff),
    })),
    earlier: async () => {
      const history = await message.channel.messages.fetch({ before: message.id, limit: THANKS_HISTORY }).catch(() => null);
      if (!history) return null;
      return [...history.values()]
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
        .map((m) => ({ authorId: m.author.id, isBot: m.author.bot, person: () => personOf(m.author, m.member, staff) }));
    },
  });
}

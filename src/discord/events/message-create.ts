/** A message: a question (forum post starter), an answer (reply in someone's help thread), or chat; and maybe a thank-you. */
import { Events, type Message } from 'discord.js';
import { messageActivities, type Person } from '../activities.js';
import { defineEvent, type BotContext } from '../context.js';
import { helpThreadOf, personOf } from '../people.js';
import { implicitThanksTarget, saysThanks } from '../thanks-text.js';

const HISTORY = 50;

export default defineEvent({
  name: Events.MessageCreate,
  async activities(ctx, message: Message) {
    if (message.author.bot || message.system || !message.inGuild() || message.guildId !== ctx.discord.guildId) return [];
    const staff = ctx.config.staff.discordRoleIds;
    const author = personOf(message.author, message.member, staff);
    const helpThread = helpThreadOf(message.channel, ctx.discord);
    const thanked = saysThanks(message.content, ctx.thanks) ? await thankedBy(ctx, message, helpThread?.ownerId ?? null) : [];
    return messageActivities({ id: message.id, at: message.createdTimestamp, url: message.url, author, helpThread, thanked });
  },
});

/** Who a thank-you message thanks: the member it replies to and the members it mentions; else, in a help thread, the one helper. */
async function thankedBy(ctx: BotContext, message: Message<true>, askerId: string | null): Promise<Person[]> {
  const staff = ctx.config.staff.discordRoleIds;
  const people = new Map<string, Person>();
  if (message.reference?.messageId) {
    const replied = await message.fetchReference().catch(() => null);
    if (replied && !replied.author.bot) people.set(replied.author.id, personOf(replied.author, replied.member, staff));
  }
  for (const user of message.mentions.users.values())
    if (!user.bot && !people.has(user.id)) people.set(user.id, personOf(user, message.mentions.members?.get(user.id), staff));
  if (people.size > 0 || askerId !== message.author.id) return [...people.values()];

  const history = await message.channel.messages.fetch({ before: message.id, limit: HISTORY }).catch(() => null);
  if (!history) return [];
  const target = implicitThanksTarget(
    [...history.values()]
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      .map((m) => ({ authorId: m.author.id, isBot: m.author.bot, message: m })),
    message.author.id,
  );
  return target ? [personOf(target.message.author, target.message.member, staff)] : [];
}

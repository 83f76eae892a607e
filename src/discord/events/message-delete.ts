/** A deleted message takes back everything it earned: itself, thanks it gave, thanks, reactions and acceptance it received. */
import { Events, type Message, type PartialMessage, type ReadonlyCollection } from 'discord.js';
import { messageRef } from '../activities.js';
import { defineEvent, type BotContext } from '../context.js';

const reversalsOf = (ctx: BotContext, messageIds: readonly string[]) =>
  Promise.all(messageIds.map((id) => ctx.fw.ledger.reversalsUnder(messageRef(id), 'discord', ctx.fw.now()))).then((lists) => lists.flat());

export const messageDelete = defineEvent({
  name: Events.MessageDelete,
  async activities(ctx, message: Message | PartialMessage) {
    if (message.guildId !== ctx.discord.guildId) return [];
    return reversalsOf(ctx, [message.id]);
  },
});

export const messageBulkDelete = defineEvent({
  name: Events.MessageBulkDelete,
  async activities(ctx, messages: ReadonlyCollection<string, Message | PartialMessage>) {
    return reversalsOf(ctx, [...messages.values()].filter((m) => m.guildId === ctx.discord.guildId).map((m) => m.id));
  },
});

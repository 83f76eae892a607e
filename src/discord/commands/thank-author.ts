/** "Thank author" on a message: thanks its author for that message (once per member and message). */
import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType } from 'discord.js';
import { messageRef } from '../activities.js';
import type { MessageMenuCommand } from '../command.js';
import { personOf } from '../people.js';
import { thank } from './thank-reply.js';

export default {
  kind: 'message',
  data: new ContextMenuCommandBuilder().setName('Thank author').setType(ApplicationCommandType.Message).setContexts(InteractionContextType.Guild).toJSON(),
  async run(ctx, interaction) {
    const staff = ctx.config.staff.discordRoleIds;
    const message = interaction.targetMessage;
    const from = personOf(interaction.user, interaction.member, staff);
    const to = personOf(message.author, message.member, staff);
    // Under the message's reference: deleting the message takes the thanks back too.
    return thank(ctx, `${messageRef(message.id)}:thanked-by:${interaction.user.id}`, from, to, message.author, message.url);
  },
} satisfies MessageMenuCommand;

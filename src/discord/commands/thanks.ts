/** /thanks member [reason] — an explicit thank-you, under the same rules as thanks in chat. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../command.js';
import { personOf } from '../people.js';
import { thank } from './thank-reply.js';

export default {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('thanks')
    .setDescription('Thank a member who helped you')
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Who helped you').setRequired(true))
    .addStringOption((o) => o.setName('reason').setDescription('What for (optional)').setMaxLength(200))
    .toJSON(),
  async run(ctx, interaction) {
    const staff = ctx.config.staff.discordRoleIds;
    const user = interaction.options.getUser('member', true);
    const from = personOf(interaction.user, interaction.member, staff);
    const to = personOf(user, interaction.options.getMember('member'), staff);
    const reason = interaction.options.getString('reason')?.trim() || undefined;
    return thank(ctx, `discord:interaction:${interaction.id}`, from, to, user, undefined, reason);
  },
} satisfies SlashCommand;

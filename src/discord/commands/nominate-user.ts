/**
 * "Nominate as champion" on a member: asks for the reason in a modal, then records a nomination
 * (managers) or a suggestion (members, when the community takes them).
 */
import { ActionRowBuilder, ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import { refuse, type UserMenuCommand } from '../command.js';
import type { BotContext } from '../context.js';
import { isManager, personOf, type AnyMember } from '../people.js';
import { nominationReply } from './nomination-reply.js';

const PREFIX = 'nominate';

function mayNominate(ctx: BotContext, member: AnyMember, permissions: Parameters<typeof isManager>[1]): 'nomination' | 'suggestion' | null {
  if (isManager(member, permissions, ctx.discord)) return 'nomination';
  return ctx.config.champions.memberSuggestions ? 'suggestion' : null;
}

export default {
  kind: 'user',
  modalPrefix: PREFIX,
  data: new ContextMenuCommandBuilder().setName('Nominate as champion').setType(ApplicationCommandType.User).setContexts(InteractionContextType.Guild).toJSON(),
  async run(ctx, interaction) {
    const target = interaction.targetUser;
    if (!mayNominate(ctx, interaction.member, interaction.memberPermissions)) return refuse('Only the community team nominates champions here.');
    if (target.bot) return refuse('Bots cannot be champions.');
    if (target.id === interaction.user.id) return refuse('Nobody nominates themself — but thank you for wanting to help!');
    const modal = new ModalBuilder()
      .setCustomId(`${PREFIX}:${target.id}`)
      .setTitle(`Nominate ${target.displayName}`.slice(0, 45))
      .addComponents(
        new ActionRowBuilder<TextInputBuilder>().addComponents(
          new TextInputBuilder().setCustomId('reason').setLabel('Why should they be a champion?').setStyle(TextInputStyle.Paragraph).setMinLength(15).setMaxLength(1000).setRequired(true),
        ),
      );
    await interaction.showModal(modal);
    return null;
  },
  async submit(ctx, interaction) {
    const as = mayNominate(ctx, interaction.member, interaction.memberPermissions);
    if (!as) return refuse('Only the community team nominates champions here.');
    const targetId = interaction.customId.slice(PREFIX.length + 1);
    const user = await ctx.client.users.fetch(targetId);
    const member = await interaction.guild.members.fetch(targetId).catch(() => null);
    const staff = ctx.config.staff.discordRoleIds;
    const result = await ctx.fw.champions.nominate({
      member: personOf(user, member, staff),
      by: personOf(interaction.user, interaction.member, staff),
      as,
      reason: interaction.fields.getTextInputValue('reason'),
      space: 'support',
      evidence: [],
      origin: `discord:interaction:${interaction.id}`,
    });
    return refuse(nominationReply(member?.displayName ?? user.displayName, result));
  },
} satisfies UserMenuCommand;

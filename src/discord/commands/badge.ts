/** /badge member badge reason — a manager grants a manual badge (such as champion) with a reason. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';
import { name } from '../presenters.js';

export default {
  kind: 'slash',
  managersOnly: true,
  data: new SlashCommandBuilder()
    .setName('badge')
    .setDescription('Managers: grant a badge that is given by hand')
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Who').setRequired(true))
    .addStringOption((o) => o.setName('badge').setDescription('The badge id, e.g. champion').setRequired(true).setMaxLength(60))
    .addStringOption((o) => o.setName('reason').setDescription('Why — kept with the award').setRequired(true).setMinLength(3).setMaxLength(300))
    .toJSON(),
  async run(ctx, interaction) {
    const staff = ctx.config.staff.discordRoleIds;
    const user = interaction.options.getUser('member', true);
    if (user.bot) return refuse('Bots cannot hold badges.');
    const member = personOf(user, interaction.options.getMember('member'), staff);
    const grant = await ctx.fw.badges.grant({
      badgeId: interaction.options.getString('badge', true).trim().toLowerCase(),
      member,
      by: personOf(interaction.user, interaction.member, staff),
      reason: interaction.options.getString('reason', true).trim(),
      origin: `discord:interaction:${interaction.id}`,
    });
    if (!grant) return refuse('That grant was already recorded.');
    await ctx.publish({ moves: [], grants: [grant] });
    const badge = ctx.fw.badges.catalog().find((b) => b.id === grant.badgeId)!;
    return refuse(`Granted **${badge.name}** to ${name(member.displayName ?? user.username)}.`);
  },
} satisfies SlashCommand;

/** /privacy [visibility] — show or hide me on public leaderboards and pages. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';

export default {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('privacy')
    .setDescription('Show or hide yourself on public leaderboards and pages')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName('visibility')
        .setDescription('Leave empty to see your current setting')
        .addChoices({ name: 'show me', value: 'show' }, { name: 'hide me', value: 'hide' }),
    )
    .toJSON(),
  async run(ctx, interaction) {
    const choice = interaction.options.getString('visibility');
    if (!choice) {
      const standing = await ctx.fw.members.standing('discord', interaction.user.id);
      const hidden = standing?.hidden ?? ctx.config.community.hiddenByDefault;
      return refuse(
        hidden
          ? 'You are **hidden**: you keep earning points, but public leaderboards and pages do not show you. `/privacy show me` to appear.'
          : 'You are **shown** on public leaderboards and pages. `/privacy hide me` to disappear from them (you keep your points).',
      );
    }
    const hidden = choice === 'hide';
    await ctx.fw.members.setHidden(personOf(interaction.user, interaction.member, ctx.config.staff.discordRoleIds), hidden);
    return refuse(
      hidden
        ? 'Done — you are now hidden from public leaderboards and pages. Your points keep counting; `/privacy show me` brings you back.'
        : 'Done — you now appear on public leaderboards and pages.',
    );
  },
} satisfies SlashCommand;

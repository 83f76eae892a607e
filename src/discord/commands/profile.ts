/** /profile — a link to my page on the community site. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { refuse, type SlashCommand } from '../command.js';

export default {
  kind: 'slash',
  data: new SlashCommandBuilder().setName('profile').setDescription('A link to your page on the community site').setContexts(InteractionContextType.Guild).toJSON(),
  async run(ctx, interaction) {
    const standing = await ctx.fw.members.standing('discord', interaction.user.id);
    if (!standing) return refuse('You have no page yet — it appears with your first recorded activity.');
    if (standing.hidden) return refuse('Your page is hidden because you chose privacy. `/privacy show me` publishes it.');
    return refuse(`Your page: ${ctx.config.community.siteUrl.replace(/\/$/, '')}/members/${standing.memberId}`);
  },
} satisfies SlashCommand;

/** /link — a short-lived code that proves this Discord account, to enter on the site after signing in to the forum. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';

export default {
  kind: 'slash',
  data: new SlashCommandBuilder().setName('link').setDescription('Link your forum account to this Discord account').setContexts(InteractionContextType.Guild).toJSON(),
  async run(ctx, interaction) {
    const { code } = await ctx.fw.links.issueCode(personOf(interaction.user, interaction.member, ctx.config.staff.discordRoleIds));
    const site = ctx.config.community.siteUrl.replace(/\/$/, '');
    // Ephemeral: the code is a key to this account, for this member's eyes only.
    return refuse(`Your code: **${code}** (valid for 15 minutes, once). Open ${site}/link, sign in with your forum account, and enter it.`);
  },
} satisfies SlashCommand;

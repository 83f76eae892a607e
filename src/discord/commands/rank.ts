/** /rank [member] — points this month and all time, rank, stage and newest badges. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { refuse, type SlashCommand } from '../command.js';
import { name, points, rank, stageLabel } from '../presenters.js';

export default {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('rank')
    .setDescription('Points, rank and stage — yours or another member’s')
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Whose rank (default: yours)'))
    .toJSON(),
  async run(ctx, interaction) {
    const user = interaction.options.getUser('member') ?? interaction.user;
    const self = user.id === interaction.user.id;
    const standing = await ctx.fw.members.standing('discord', user.id);
    if (!standing)
      return refuse(self ? 'Nothing recorded for you yet — answer a question or thank someone who helped you.' : `Nothing recorded for ${name(user.displayName)} yet.`);
    // Privacy: a hidden member's numbers are theirs alone.
    if (standing.hidden && !self) return refuse(`${name(user.displayName)} keeps their profile private.`);
    const lines = [
      `${name(standing.displayName)} — ${stageLabel(standing.stage)}`,
      `This month: ${points(standing.month.points)} (${rank(standing.month.rank)})`,
      `All time: ${points(standing.all.points)} (${rank(standing.all.rank)})`,
      `Newest badges: ${standing.newestBadges.map((b) => `${b.name} (${b.tier})`).join(', ') || 'none yet'}`,
    ];
    if (standing.hidden) lines.push('You are hidden from public boards and pages (`/privacy` to change).');
    return { content: lines.join('\n'), ephemeral: standing.hidden };
  },
} satisfies SlashCommand;

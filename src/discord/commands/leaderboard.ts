/** /leaderboard [period] [space] — the top ten, without pinging anyone. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { SPACES, type Space } from '../../domain/kinds.js';
import type { Period } from '../../domain/periods.js';
import type { SlashCommand } from '../command.js';
import { name, PERIOD_LABEL, points } from '../presenters.js';

const PERIODS = ['week', 'month', 'quarter', 'year', 'all'] as const satisfies readonly Period[];
const TOP = 10;

export default {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('leaderboard')
    .setDescription('Who helped most')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName('period')
        .setDescription('Which period (default: this month)')
        .addChoices(PERIODS.map((p) => ({ name: PERIOD_LABEL[p], value: p }))),
    )
    .addStringOption((o) =>
      o
        .setName('space')
        .setDescription('Only points from one space')
        .addChoices(SPACES.map((s) => ({ name: s, value: s }))),
    )
    .toJSON(),
  async run(ctx, interaction) {
    const period = (interaction.options.getString('period') ?? 'month') as Period;
    const space = (interaction.options.getString('space') as Space | null) ?? null;
    const board = await ctx.fw.boards.leaderboard({ period, space, limit: TOP });
    const title = `**${ctx.config.community.name} leaderboard — ${PERIOD_LABEL[period as keyof typeof PERIOD_LABEL]}${space ? ` (${space})` : ''}**`;
    if (board.entries.length === 0) return { content: `${title}\nNo points yet. Answer a question to be first!` };
    const lines = board.entries.map((e) => `\`#${e.rank}\` ${name(e.member.displayName)} — ${points(e.points)}`);
    return { content: [title, ...lines].join('\n') };
  },
} satisfies SlashCommand;

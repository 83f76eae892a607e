/** /rank [member] — points this month and all time, rank, stage and newest badges, with the member's rank card. */
import { InteractionContextType, SlashCommandBuilder, type User } from 'discord.js';
import { refuse, type Reply, type SlashCommand } from '../command.js';
import type { BotContext } from '../context.js';
import { communityAvatars, type AvatarFetcher } from '../../images/avatars.js';
import { rankCardPng } from '../../images/rank-card.js';
import { name, points, rank, stageLabel } from '../presenters.js';

const fetchers = new WeakMap<object, AvatarFetcher>();
const avatarsOf = (ctx: BotContext): AvatarFetcher => {
  let fetcher = fetchers.get(ctx.config);
  // A second at most: the interaction must be answered within three.
  if (!fetcher) fetchers.set(ctx.config, (fetcher = communityAvatars(ctx.config.discourse.url, { timeoutMs: 1_000 })));
  return fetcher;
};

/** The card as a PNG attachment; it is a public picture, so a hidden member's reply has none. */
async function cardOf(ctx: BotContext, memberId: number, user: User): Promise<NonNullable<Reply['files']>> {
  const card = await ctx.fw.members.rankCard(memberId);
  const avatar = await avatarsOf(ctx)(card.avatarUrl ?? user.avatarURL({ extension: 'png', size: 256 }));
  return [{ name: 'rank.png', data: rankCardPng(card, avatar, { community: ctx.config.community.name }), description: `Rank card of ${card.displayName}` }];
}

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
    return { content: lines.join('\n'), ephemeral: standing.hidden, ...(standing.hidden ? {} : { files: await cardOf(ctx, standing.memberId, user) }) };
  },
} satisfies SlashCommand;

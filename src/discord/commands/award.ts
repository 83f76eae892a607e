/** /award member points reason [space] — a manager's grant (may be negative); the rules live in the award use case. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { SPACES, type Space } from '../../domain/kinds.js';
import { AWARD_LIMIT, REASON_MAX, REASON_MIN } from '../../domain/manual-award.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';
import { name, points, signed } from '../presenters.js';

export default {
  kind: 'slash',
  managersOnly: true,
  data: new SlashCommandBuilder()
    .setName('award')
    .setDescription('Managers: grant (or take back) points, with a reason')
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Who').setRequired(true))
    .addIntegerOption((o) => o.setName('points').setDescription('Points (negative to take back)').setRequired(true).setMinValue(-AWARD_LIMIT).setMaxValue(AWARD_LIMIT))
    .addStringOption((o) => o.setName('reason').setDescription('Why — shown on the record').setRequired(true).setMinLength(REASON_MIN).setMaxLength(REASON_MAX))
    .addStringOption((o) =>
      o
        .setName('space')
        .setDescription('Where the points count (default: success)')
        .addChoices(SPACES.map((s) => ({ name: s, value: s }))),
    )
    .toJSON(),
  async run(ctx, interaction) {
    const staff = ctx.config.staff.discordRoleIds;
    const user = interaction.options.getUser('member', true);
    const member = personOf(user, interaction.options.getMember('member'), staff);
    const manager = personOf(interaction.user, interaction.member, staff);
    const result = await ctx.fw.contributions.award({
      member,
      by: { memberId: await ctx.fw.members.resolve(manager), label: `discord:${interaction.user.id}`, identity: manager },
      points: interaction.options.getInteger('points', true),
      reason: interaction.options.getString('reason', true),
      space: (interaction.options.getString('space') as Space | null) ?? undefined,
      origin: `interaction:${interaction.id}`,
      platform: 'discord',
    });
    if (result.status === 'already_recorded') return refuse('That award was already recorded.');
    return refuse(`Recorded ${signed(result.points)} (${points(Math.abs(result.points))}, ${result.space}) for ${name(member.displayName ?? user.username)}: “${result.reason}”.`);
  },
} satisfies SlashCommand;

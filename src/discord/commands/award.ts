/** /award member points reason [space] — a manager's grant (may be negative), with the reason on record. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { SPACES, type Space } from '../../domain/kinds.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';
import { name, points, signed } from '../presenters.js';

export const AWARD_LIMIT = 1000;

export default {
  kind: 'slash',
  managersOnly: true,
  data: new SlashCommandBuilder()
    .setName('award')
    .setDescription('Managers: grant (or take back) points, with a reason')
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Who').setRequired(true))
    .addIntegerOption((o) => o.setName('points').setDescription('Points (negative to take back)').setRequired(true).setMinValue(-AWARD_LIMIT).setMaxValue(AWARD_LIMIT))
    .addStringOption((o) => o.setName('reason').setDescription('Why — shown on the record').setRequired(true).setMinLength(3).setMaxLength(300))
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
    const amount = interaction.options.getInteger('points', true);
    const reason = interaction.options.getString('reason', true).trim();
    if (user.bot) return refuse('Bots cannot receive points.');
    if (user.id === interaction.user.id) return refuse('Managers cannot award themselves; ask another manager.');
    if (amount === 0) return refuse('An award of 0 points changes nothing.');
    const space = (interaction.options.getString('space') as Space | null) ?? ctx.config.rules.kinds.manual_award.space;
    const member = personOf(user, interaction.options.getMember('member'), staff);
    const [outcome] = await ctx.queue.submit([
      {
        key: `discord:interaction:${interaction.id}`,
        kind: 'manual_award',
        platform: 'discord',
        actor: member,
        counterpart: personOf(interaction.user, interaction.member, staff),
        occurredAt: ctx.fw.now(),
        points: amount,
        space,
        reason,
      },
    ]);
    if (outcome!.status === 'duplicate') return refuse('That award was already recorded.');
    return refuse(`Recorded ${signed(amount)} (${points(Math.abs(amount))}, ${space}) for ${name(member.displayName ?? user.username)}: “${reason}”.`);
  },
} satisfies SlashCommand;

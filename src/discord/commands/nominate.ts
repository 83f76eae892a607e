/** /nominate member reason [space] [evidence] — a manager puts a member forward as a champion, for review. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { DomainError } from '../../domain/errors.js';
import { nominationReply } from './nomination-reply.js';
import { SPACES, type Space } from '../../domain/kinds.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';

export default {
  kind: 'slash',
  managersOnly: true,
  data: new SlashCommandBuilder()
    .setName('nominate')
    .setDescription('Managers: nominate a member as a champion')
    .setContexts(InteractionContextType.Guild)
    .addUserOption((o) => o.setName('member').setDescription('Who').setRequired(true))
    .addStringOption((o) => o.setName('reason').setDescription('Why they should be a champion').setRequired(true).setMinLength(3).setMaxLength(1000))
    .addStringOption((o) =>
      o
        .setName('space')
        .setDescription('Where they shine (default: support)')
        .addChoices(SPACES.map((s) => ({ name: s, value: s }))),
    )
    .addStringOption((o) => o.setName('evidence').setDescription('A link that shows it (optional)').setMaxLength(500))
    .toJSON(),
  async run(ctx, interaction) {
    const staff = ctx.config.staff.discordRoleIds;
    const user = interaction.options.getUser('member', true);
    if (user.bot) return refuse('Bots cannot be champions.');
    const evidence = interaction.options.getString('evidence')?.trim();
    if (evidence && !URL.canParse(evidence)) throw new DomainError('invalid_parameter', 'evidence: expected a link (https://…)');
    const member = personOf(user, interaction.options.getMember('member'), staff);
    const result = await ctx.fw.champions.nominate({
      member,
      by: personOf(interaction.user, interaction.member, staff),
      as: 'nomination',
      reason: interaction.options.getString('reason', true),
      space: (interaction.options.getString('space') as Space | null) ?? 'support',
      evidence: evidence ? [evidence] : [],
      origin: `discord:interaction:${interaction.id}`,
    });
    return refuse(nominationReply(member.displayName ?? user.username, result));
  },
} satisfies SlashCommand;

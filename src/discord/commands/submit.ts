/** /submit what date [link] [event] [title] [note] — a member tells the community team about a talk, a post, a review or feedback, for approval. */
import { InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { KIND_FORMS, SUBMITTABLE_KINDS } from '../../domain/contributions.js';
import { refuse, type SlashCommand } from '../command.js';
import { personOf } from '../people.js';

export default {
  kind: 'slash',
  data: new SlashCommandBuilder()
    .setName('submit')
    .setDescription('Tell the community team about a talk, a post, a review or feedback you gave')
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName('what')
        .setDescription('What you did')
        .setRequired(true)
        .addChoices(SUBMITTABLE_KINDS.map((k) => ({ name: KIND_FORMS[k].label, value: k }))),
    )
    .addStringOption((o) => o.setName('date').setDescription('When (YYYY-MM-DD)').setRequired(true).setMinLength(10).setMaxLength(10))
    .addStringOption((o) => o.setName('link').setDescription('A link to it (needed for posts and reviews)').setMaxLength(2000))
    .addStringOption((o) => o.setName('event').setDescription('The event (for a talk)').setMaxLength(200))
    .addStringOption((o) => o.setName('title').setDescription('Its title, or the feedback in a line').setMaxLength(300))
    .addStringOption((o) => o.setName('note').setDescription('Anything the team should know').setMaxLength(1000))
    .toJSON(),
  async run(ctx, interaction) {
    const person = personOf(interaction.user, interaction.member, ctx.config.staff.discordRoleIds);
    const text = (name: string) => interaction.options.getString(name) ?? undefined;
    const { id } = await ctx.fw.contributions.submit({
      memberId: await ctx.fw.members.resolve(person),
      kind: interaction.options.getString('what', true),
      evidence: { day: interaction.options.getString('date', true), url: text('link'), event: text('event'), title: text('title') },
      note: text('note'),
      origin: `discord:interaction:${interaction.id}`,
    });
    if (id === null) return refuse('That was already submitted.');
    return refuse('Thank you — the community team will review it. You will hear back here in a direct message, and on your page on the site.');
  },
} satisfies SlashCommand;

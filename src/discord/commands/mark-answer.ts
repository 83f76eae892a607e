/** "Mark as answer": the asker (or a moderator) marks a reply in a help thread as the solution, and the post is tagged Solved. */
import { ApplicationCommandType, ContextMenuCommandBuilder, InteractionContextType } from 'discord.js';
import { acceptance } from '../activities.js';
import { refuse, type MessageMenuCommand } from '../command.js';
import { helpThreadOf, isModerator, personOf } from '../people.js';
import { name, points } from '../presenters.js';
import { applySolvedTag } from '../solved-tag.js';

export default {
  kind: 'message',
  data: new ContextMenuCommandBuilder().setName('Mark as answer').setType(ApplicationCommandType.Message).setContexts(InteractionContextType.Guild).toJSON(),
  async run(ctx, interaction) {
    const message = interaction.targetMessage;
    const thread = message.channel;
    const help = helpThreadOf(thread, ctx.discord);
    if (!help || !thread.isThread()) return refuse('Answers can be marked in help-forum posts only.');
    if (message.id === help.id) return refuse('That is the question itself — mark a reply that answered it.');
    if (message.author.bot) return refuse('Mark the reply of the member who helped, not a bot message.');
    if (interaction.user.id !== help.ownerId && !isModerator(interaction.member, interaction.memberPermissions, ctx.discord))
      return refuse('Only the member who asked (or a moderator) can mark the answer.');

    const author = personOf(message.author, message.member, ctx.config.staff.discordRoleIds);
    const [outcome] = await ctx.queue.submit([acceptance(message.id, author, help, ctx.fw.now(), message.url)]);
    await applySolvedTag(thread, ctx.discord.solvedTag, ctx.log).catch((err: unknown) => ctx.log.warn({ err }, 'could not tag the post as solved'));
    if (outcome!.status === 'duplicate') return refuse('That reply is already marked as the answer.');
    if (outcome!.reason === 'self_award') return { content: 'Marked as the solution. (Answering your own question earns no points.)' };
    const earned = outcome!.points > 0 ? ` (${points(outcome!.points)})` : '';
    return { content: `Marked ${name(author.displayName ?? author.externalId)}'s reply as the solution${earned}. Thank you for helping!` };
  },
} satisfies MessageMenuCommand;

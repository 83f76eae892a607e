/** A slash command or message context menu: its definition for Discord, and what it answers. */
import type {
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from './context.js';

export interface Reply {
  content: string;
  /** Only the member who asked sees it: errors, refusals, private information. */
  ephemeral?: boolean;
}

interface CommandBase {
  /** Only members holding the manager role (or, without one configured, Manage Server) may run it. */
  managersOnly?: boolean;
}

export interface SlashCommand extends CommandBase {
  kind: 'slash';
  data: RESTPostAPIApplicationCommandsJSONBody & { name: string };
  run(ctx: BotContext, interaction: ChatInputCommandInteraction<'cached'>): Promise<Reply>;
}

export interface MessageMenuCommand extends CommandBase {
  kind: 'message';
  data: RESTPostAPIApplicationCommandsJSONBody & { name: string };
  run(ctx: BotContext, interaction: MessageContextMenuCommandInteraction<'cached'>): Promise<Reply>;
}

export type BotCommand = SlashCommand | MessageMenuCommand;

export const refuse = (content: string): Reply => ({ content, ephemeral: true });

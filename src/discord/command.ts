/** A slash command or message context menu: its definition for Discord, and what it answers. */
import type {
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
  UserContextMenuCommandInteraction,
} from 'discord.js';
import type { BotContext } from './context.js';

export interface Reply {
  content: string;
  /** Only the member who asked sees it: errors, refusals, private information. */
  ephemeral?: boolean;
  /** Files attached to the reply (a rank card). */
  files?: Array<{ name: string; data: Buffer; description: string }>;
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

/** A user context menu; it may answer with a modal (null: already answered) and take the modal's submission. */
export interface UserMenuCommand extends CommandBase {
  kind: 'user';
  data: RESTPostAPIApplicationCommandsJSONBody & { name: string };
  run(ctx: BotContext, interaction: UserContextMenuCommandInteraction<'cached'>): Promise<Reply | null>;
  /** Modal submissions whose custom id starts with `${modalPrefix}:`. */
  modalPrefix: string;
  submit(ctx: BotContext, interaction: ModalSubmitInteraction<'cached'>): Promise<Reply>;
}

export type BotCommand = SlashCommand | MessageMenuCommand | UserMenuCommand;

export const refuse = (content: string): Reply => ({ content, ephemeral: true });

/** Every gateway event the bot records, in one explicit list. */
import type { BotEvent } from '../context.js';
import memberJoin from './member-join.js';
import messageCreate from './message-create.js';
import { messageBulkDelete, messageDelete } from './message-delete.js';
import { reactionAdd, reactionRemove } from './reactions.js';

export const EVENTS: readonly BotEvent[] = [messageCreate, reactionAdd, reactionRemove, messageDelete, messageBulkDelete, memberJoin];

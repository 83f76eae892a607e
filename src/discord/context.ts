/** What every bot handler receives: the application, the configuration, a logger, the client. */
import type { Client, ClientEvents } from 'discord.js';
import type { Flywheel } from '../app/flywheel.js';
import type { IngestQueue } from '../app/ingest-queue.js';
import type { BotConfig, DiscordConfig } from '../config.js';
import type { ActivityInput } from '../domain/activity.js';
import type { Logger } from '../logger.js';
import type { News } from '../app/news.js';
import type { ThanksVocabulary } from './thanks-text.js';

export interface BotContext {
  fw: Flywheel;
  config: BotConfig;
  discord: DiscordConfig;
  log: Logger;
  client: Client;
  queue: IngestQueue;
  thanks: ThanksVocabulary;
  /** Announce badges and promotions that did not come out of the queue's batches. */
  publish(news: News): Promise<void>;
}

/** A gateway event that records activities. Handlers run one at a time, in arrival order. */
export interface BotEvent {
  name: keyof ClientEvents;
  activities(ctx: BotContext, ...args: unknown[]): Promise<ActivityInput[]>;
}

/** Typed where it is written; stored untyped in the list the client registers. */
export const defineEvent = <K extends keyof ClientEvents>(event: {
  name: K;
  activities(ctx: BotContext, ...args: ClientEvents[K]): Promise<ActivityInput[]>;
}): BotEvent => event as unknown as BotEvent;

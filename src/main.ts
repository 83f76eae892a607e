/**
 * Composition root: config → database → application → web site (+ Discord bot), and a
 * graceful shutdown. Everything else receives what it needs from here.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createFlywheel, type Flywheel } from './app/flywheel.js';
import type { Election } from './app/election.js';
import { createDb, createReadDb, type Db, type WriterOptions } from './db/knex.js';
import type { Logger } from './logger.js';
import { buildWebApp } from './web/app.js';
import { startDiscordBot, type DiscordBot } from './discord/bot.js';
import { startWriteBack } from './discourse/write-back.js';

// Monthly stage reviews and period closings happen at most hourly after the moment they are due.
const HOUSEKEEPING_EVERY_MS = 3_600_000;
// A server writes small batches (webhooks, the bot) and reads through its own connections: a
// smaller writer cache keeps its memory flat after the monthly review walks every contributor.
const SERVE_WRITER: WriterOptions = { cacheMiB: 16 };
/** The election that decides which instance opens the Discord gateway. */
const GATEWAY = 'discord-gateway';

export async function openFlywheel(config: Config, logger: Logger, writer: WriterOptions = {}): Promise<Flywheel> {
  return (await openWithDatabase(config, logger, writer)).fw;
}

/** The application and the writer's handle on its database, for tools that read rows themselves (bench, load checks); adapters get `fw` only. */
export async function openWithDatabase(config: Config, logger: Logger, writer: WriterOptions = {}): Promise<{ fw: Flywheel; db: Db }> {
  const db = createDb(config.database, writer);
  const fw = createFlywheel(db, config, Date.now, createReadDb(config.database, db));
  const applied = await fw.maintenance.migrate();
  const where = config.database.client === 'sqlite' ? `SQLite ${config.database.filename}` : 'PostgreSQL';
  logger.info({ migrations: applied }, `database ready (${where}${applied.length ? `, applied ${applied.length} migration(s)` : ''})`);
  return { fw, db };
}

export interface ServeOptions {
  web: boolean;
  bot: boolean;
}

export async function serve(config: Config, logger: Logger, options: ServeOptions): Promise<void> {
  let shuttingDown = false;
  const fw = await openFlywheel(config, logger, SERVE_WRITER);
  // Follow other instances' commits and stand for ingester of the inbox (see src/app/inbox.ts).
  await fw.inbox.start(logger);
  fw.news.start(logger);
  let app: FastifyInstance | null = null;

  if (options.web) {
    if (!config.community.email) logger.warn('Open Badges 2.0 is not published until community.email is set (2.0 requires an issuer contact email); 3.0 credentials are unaffected');
    app = await buildWebApp(fw, config, logger);
    await app.listen({ port: config.port, host: config.host });
    logger.info(`Flywheel site on http://localhost:${config.port} (API: /api/v1/leaderboard)`);
  }

  let bot: DiscordBot | null = null;
  let gateway: Election | null = null;
  if (!options.bot) logger.info('Discord bot not started (--no-bot)');
  else if (!config.discord.token) logger.info('Discord bot is off until DISCORD_TOKEN is set (see README, "Discord")');
  else {
    // One gateway session for the whole community, however many instances run: elected through the database.
    let started = false;
    gateway = await fw.instance.elect(GATEWAY, {
      onElected: async () => {
        if (started) logger.info('this instance now holds the Discord gateway');
        bot = await startDiscordBot(fw, config, logger);
      },
      onDeposed: async () => {
        const stopping = bot;
        bot = null;
        if (!stopping) return;
        if (!shuttingDown) logger.warn('this instance no longer holds the Discord gateway; the bot stops here');
        await stopping.stop();
      },
      onError: (err) => logger.error({ err }, 'Discord gateway election: the database did not answer; will try again'),
    });
    started = true;
    if (!gateway.leading) logger.info('another instance holds the Discord gateway; serving the web only');
  }

  const stopWriteBack = startWriteBack(fw, config, logger);

  const housekeeping = async () => {
    const { moves, grants, revoked } = await fw.maintenance.housekeeping();
    if (moves.length > 0 || grants.length > 0 || revoked.length > 0)
      logger.info({ stageChanges: moves.length, badges: grants.length, termsEnded: revoked.length }, 'housekeeping: terms, stage review, closed periods');
  };
  const run = () => void housekeeping().catch((err: unknown) => logger.error({ err }, 'housekeeping failed'));
  run();
  const review = setInterval(run, HOUSEKEEPING_EVERY_MS);
  review.unref();

  const stop = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info(`${signal}: shutting down`);
    clearInterval(review);
    await stopWriteBack();
    await app?.close();
    // Stops the bot and hands the gateway to another instance at once.
    await gateway?.stop();
    await fw.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

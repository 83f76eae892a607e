/**
 * The `flywheel` command: serve, migrate, recompute, demo, deploy-commands. Bad configuration ends the program
 * with a message naming the key — never a stack trace.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type Config, type ForumConfig } from './config.js';
import { demoCommunity } from './app/demo-community.js';
import { DomainError } from './domain/errors.js';
import { isPlatform, PLATFORMS } from './domain/kinds.js';
import { createLogger, type Logger } from './logger.js';
import type { Flywheel } from './app/flywheel.js';
import { openFlywheel, serve } from './main.js';
import { deployCommands } from './discord/deploy-commands.js';
import { importHistory } from './discourse/import.js';
import { discordRest } from './discord/bot.js';
import { importDiscordHistory } from './discord/import.js';
import { syncBadges } from './discourse/sync-badges.js';
import { forumSender } from './discourse/write-back.js';
import { registerRecordCommands } from './cli-record.js';

const DEMO_BATCH = 1000;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function isoDate(value: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new InvalidArgumentError('expected a date such as 2026-11-01');
  return ms;
}

async function withConfig(run: (config: Config, logger: Logger) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof DomainError) {
      process.stderr.write(`flywheel: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, config.logFormat);
  try {
    await run(config, logger);
  } catch (error) {
    // One line the operator can read: which command failed and why, in the cause's own words. The
    // whole error (statement, stack) is logged at debug level.
    logger.debug({ err: error }, `${running} failed`);
    process.stderr.write(`flywheel ${running} failed: ${reasonOf(error)}\n`);
    process.exit(1);
  }
}

/** The command being run, e.g. "members merge" (set before its action runs). */
let running = 'command';

/** An error and its causes' messages on one line (a refused connection has only a code). */
function reasonOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const { message, code, errors, cause } = e as { message?: unknown; code?: unknown; errors?: unknown; cause?: unknown };
    const text = typeof message === 'string' && message ? message : typeof code === 'string' ? code : e instanceof Error ? e.name : String(e);
    if (!parts.some((p) => p.includes(text))) parts.push(text);
    e = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return parts.join(': ').replace(/\s+/g, ' ').trim();
}

/**
 * Open the application for a one-shot command, and always close the database after it. The command
 * gets the whole configuration (the CLI is a composition root, as main.ts is) and hands each adapter its slice.
 */
const withFlywheel = (run: (fw: Flywheel, logger: Logger, config: Config) => Promise<void>) =>
  withConfig(async (config, logger) => {
    const fw = await openFlywheel(config, logger);
    try {
      await run(fw, logger, config);
    } finally {
      await fw.close();
    }
  });

const idList = (value: string, previous: string[] = []): string[] => {
  const ids = value.split(/[\s,]+/).filter(Boolean);
  if (ids.some((id) => !/^\d{17,20}$/.test(id))) throw new InvalidArgumentError('expected Discord channel ids, separated by commas');
  return [...previous, ...ids];
};

const program = new Command('flywheel').description('Points, badges, leaderboards and champions for communities that help each other.');
program.hook('preAction', (_root, action) => {
  const names: string[] = [];
  for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
  running = names.join(' ');
});

program
  .command('serve')
  .description('run the web site and, when DISCORD_TOKEN is set, the Discord bot')
  .option('--no-bot', 'do not start the Discord bot')
  .option('--no-web', 'do not start the web site')
  .action((opts: { bot: boolean; web: boolean }) => withConfig((config, logger) => serve(config, logger, opts)));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() => withFlywheel(async () => {}));

program
  .command('recompute')
  .description('rebuild awards, scores and stages from the activity ledger (after a rule change)')
  .action(() =>
    withFlywheel(async (fw, logger) => {
      const started = Date.now();
      const result = await fw.maintenance.recompute((done) => done % 50_000 === 0 && logger.info({ done }, 'recomputing'));
      logger.info({ ...result, seconds: (Date.now() - started) / 1000 }, 'recompute finished');
    }),
  );

program
  .command('demo')
  .description('fill the database with a deterministic synthetic community')
  .option('--members <n>', 'members in the community', positiveInt, 300)
  .option('--months <n>', 'months of history', positiveInt, 6)
  .option('--seed <n>', 'random seed', positiveInt, 42)
  .option('--end <date>', 'when the history ends (default: now); with a fixed end, runs are identical', isoDate)
  .action((opts: { members: number; months: number; seed: number; end?: number }) =>
    withFlywheel(async (fw, logger) => {
      const activities = demoCommunity({ ...opts, end: opts.end ?? Date.now() });
      const started = Date.now();
      let fresh = 0;
      for (let i = 0; i < activities.length; i += DEMO_BATCH) {
        const { outcomes } = await fw.ingest(activities.slice(i, i + DEMO_BATCH));
        fresh += outcomes.filter((o) => o.status !== 'duplicate').length;
      }
      // The demo's history spans closed weeks and months: grant their top-of-period badges.
      await fw.maintenance.closePeriods();
      const seconds = (Date.now() - started) / 1000;
      logger.info(
        { activities: activities.length, recorded: fresh, seconds, perSecond: Math.round(activities.length / seconds) },
        fresh ? 'demo community recorded — now run `npm start` and open http://localhost:3000' : 'demo community was already recorded (nothing new)',
      );
    }),
  );

program
  .command('deploy-commands')
  .description("register the bot's slash commands and context menus with Discord (run after install and after upgrades)")
  .option('--global', 'register for every server the bot is in (takes up to an hour to spread) instead of DISCORD_GUILD_ID')
  .action((opts: { global?: boolean }) =>
    withConfig(async (config, logger) => {
      const result = await deployCommands(config, opts.global ? 'global' : 'guild');
      logger.info(result, `registered ${result.names.length} commands (${result.scope})`);
    }),
  );

const importer = program.command('import').description('import history from another platform (a re-run changes nothing)');

importer
  .command('discourse')
  .description("backfill the forum's topics, posts, likes and solutions, page by page; resumes where an interrupted run stopped")
  .option('--url <url>', 'the forum (default DISCOURSE_URL)')
  .option('--api-key <key>', 'an API key (default DISCOURSE_API_KEY)')
  .option('--api-username <name>', 'the API user (default DISCOURSE_API_USERNAME)')
  .option('--restart', 'start again from the first page')
  .action((opts: { url?: string; apiKey?: string; apiUsername?: string; restart?: boolean }) =>
    withFlywheel(async (fw, logger, config) => {
      const forum: ForumConfig = {
        discourse: {
          ...config.discourse,
          ...(opts.url ? { url: opts.url.replace(/\/+$/, '') } : {}),
          ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
          ...(opts.apiUsername ? { apiUsername: opts.apiUsername } : {}),
        },
      };
      if (!forum.discourse.url || !forum.discourse.apiKey) throw new DomainError('invalid_config', 'DISCOURSE_URL and DISCOURSE_API_KEY (or --url and --api-key): needed to import');
      const { SingleBar, Presets } = await import('cli-progress');
      const bar = new SingleBar({ format: 'topics {bar} {value}/{total} · {activities} activities', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
      bar.start(1, 0, { activities: 0 });
      const result = await importHistory(fw, forum, {
        restart: opts.restart,
        onProgress: (p) => {
          bar.setTotal(Math.max(p.total ?? p.topics, p.topics));
          bar.update(p.topics, { activities: p.activities });
        },
      });
      bar.stop();
      logger.info(result, 'Discourse history imported');
    }),
  );

importer
  .command('discord')
  .description("backfill the server's channels, forum posts and threads (messages, thanks, reactions) as the bot records them; resumes where an interrupted run stopped")
  .option('--channels <ids>', 'only these channels (ids, comma-separated), with their threads and posts', idList)
  .option('--since <date>', 'only messages from this date on', isoDate)
  .option('--restart', 'read every channel from its start again')
  .action((opts: { channels?: string[]; since?: number; restart?: boolean }) =>
    withFlywheel(async (fw, logger, config) => {
      const { SingleBar, Presets } = await import('cli-progress');
      const bar = new SingleBar({ format: 'channels and threads {bar} {value}/{total} · {members} members · {messages} messages · {activities} activities', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
      bar.start(1, 0, { members: 0, messages: 0, activities: 0 });
      const result = await importDiscordHistory(fw, config, discordRest(config), {
        ...opts,
        onProgress: (p) => {
          bar.setTotal(Math.max(p.total, 1));
          bar.update(p.done, { members: p.members, messages: p.messages, activities: p.activities });
        },
      }).finally(() => bar.stop());
      logger.info(result, 'Discord history imported');
    }),
  );

program
  .command('backup <file>')
  .description('a consistent copy of the live SQLite database (safe while Flywheel runs); on PostgreSQL use pg_dump')
  .action((file: string) =>
    withFlywheel(async (fw, logger) => {
      await fw.maintenance.backup(file);
      logger.info({ file }, 'backup written');
    }),
  );

const members = program.command('members').description('one member across platforms');

members
  .command('suggest')
  .description('members on different platforms who share a username (never merged by themselves)')
  .action(() =>
    withFlywheel(async (fw, logger) => {
      const suggestions = await fw.links.suggestions();
      logger.info({ suggestions }, `${suggestions.length} possible match(es); merge with: flywheel members merge <keep id> <other id>`);
    }),
  );

members
  .command('merge <keep> <other>')
  .description("join two members (the second's accounts, activities and badges move to the first) and rebuild their numbers")
  .action((keep: string, other: string) =>
    withFlywheel(async (fw, logger) => {
      logger.info(await fw.links.merge(positiveInt(keep), positiveInt(other)), 'members merged');
    }),
  );

members
  .command('unmerge <member> <platform>')
  .description("split a member's account on one platform (and its activities) off into a member of its own")
  .action((member: string, platform: string) =>
    withFlywheel(async (fw, logger) => {
      if (!isPlatform(platform)) throw new DomainError('invalid_parameter', `platform: expected one of ${PLATFORMS.join(', ')}`);
      logger.info(await fw.links.unmerge(positiveInt(member), platform), 'member split');
    }),
  );

const discourse = program.command('discourse').description('the Discourse forum: badges back out');

discourse
  .command('sync-badges')
  .description('create on the forum the badges the catalog maps with `discourse: sync`')
  .action(() =>
    withFlywheel(async (fw, logger, config) => {
      logger.info(await syncBadges(fw, config), 'badges synced with the forum');
    }),
  );

discourse
  .command('deliver')
  .description('grant on the forum the badges that are due now (serve does this every 15 s)')
  .action(() =>
    withFlywheel(async (fw, logger, config) => {
      logger.info({ delivered: await fw.badges.deliverOutbox(forumSender(config)) }, 'outbox delivered');
    }),
  );

registerRecordCommands(program, withFlywheel);

await program.parseAsync(process.argv);

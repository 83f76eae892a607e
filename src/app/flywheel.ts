/**
 * The application: every use case over one database, with the rules from the config, grouped by
 * what people do (members, boards, badges, champions, contributions, links, fair play, insights)
 * plus what adapters need to translate (ingest, queue, inbox, ledger, sessions, rate limits) and
 * what runs unasked (maintenance, instance, telemetry). Each group is built in the src/app file
 * named for it; this file only composes them and is the one place that reads the whole Config.
 * Adapters hold a Flywheel and their own slice of the configuration (WebConfig, BotConfig,
 * ForumConfig), never the database.
 */
import type { Config } from '../config.js';
import { ping, type Db } from '../db/knex.js';
import { timeQueries } from '../db/query-timing.js';
import type { PipelineRules, StageMove } from './award-pipeline.js';
import type { BadgeGrant } from './badge-awarding.js';
import { badgesUseCases, type Badges } from './badges.js';
import { credentialsUseCases, type Credentials } from './credentials.js';
import { createIngest, type Ingest } from './ingest.js';
import { createIngestQueue, type IngestQueue } from './ingest-queue.js';
import { createInbox, type Inbox } from './inbox.js';
import { instanceUseCases, type Instance } from './instance.js';
import { boardsUseCases, type Boards } from './leaderboards.js';
import { membersUseCases, type Members } from './members.js';
import { championsUseCases, type Champions } from './champions.js';
import { contributionsUseCases, type Contributions } from './contributions.js';
import { insightsUseCases, type InsightsUseCases } from './insights.js';
import { memberLinks, type MemberLinks } from './member-links.js';
import { NewsBus } from './news.js';
import { Peers } from './peers.js';
import { rateLimits, type RateLimits } from './rate-limits.js';
import { settingsUseCases, type Settings } from './settings.js';
import { noncesUseCases, sessionsUseCases, type Nonces, type Sessions } from './sessions.js';
import { ledgerUseCases, type Ledger } from './ledger.js';
import { maintenanceUseCases, type Maintenance } from './maintenance.js';
import { fairPlayUseCases, type FairPlay } from './fair-play.js';
import { telemetry, type Telemetry } from './telemetry.js';
import { WriteLock } from './write-lock.js';

export interface Flywheel {
  // What members see and do.
  /** One member: profile, rank card, standing, privacy, consent, their own data, their accounts on a platform. */
  members: Members;
  /** Leaderboards (and finding someone on one), the ladder of stages, the answer share, how points and badges are earned. */
  boards: Boards;
  /** The catalog, badge pages, newest awards, manual grants, and sending grants to the forum (the outbox). */
  badges: Badges;
  /** Open Badges documents for sharing awards. */
  credentials: Credentials;
  /** One member across platforms: link codes, merge, unmerge, suggestions. */
  links: MemberLinks;
  /** Contributions beyond chat (forms, attendee lists, API, approved submissions) and manual awards. */
  contributions: Contributions;

  // What managers and the community team do.
  /** The champion program: nominations, review, terms, roster, audit. */
  champions: Champions;
  /** The managers' fair-play queue, and exclusion from boards and badges. */
  fairPlay: FairPlay;
  /** The community team's numbers, and the CRM export. */
  insights: InsightsUseCases;

  // What adapters use to translate a platform's events and sign people in.
  /** The one door for activities: rules, awards, scores, stages, badges in one transaction. */
  ingest: Ingest;
  /** The one in-process queue live sources (the Discord gateway) submit to: batched, news published. */
  queue: IngestQueue;
  /** Webhook deliveries: stored durably by any instance, ingested by the one elected ingester. */
  inbox: Inbox;
  /** What adapters ask of recorded activities: reversals, restorations, authors, recorded keys. */
  ledger: Ledger;
  /** News (stage moves, badges, champions) from every instance, stored until the bot's instance announces it. */
  news: NewsBus;
  /** Signed-in sessions, kept in the database so they can be ended. */
  sessions: Sessions;
  /** One-time values a sign-in hands out and takes back once (DiscourseConnect). */
  nonces: Nonces;
  /** Rate-limit counters in the database, shared by every instance over it. */
  rateLimits: RateLimits;
  /** Values kept for the application itself: import cursors, forum badge ids, generated secrets. */
  settings: Settings;

  // Running it.
  /** Migrations, backup, recompute, and the hourly housekeeping (terms, stage review, closed periods). */
  maintenance: Maintenance;
  /** This process among the instances over one database: its name, and elections for jobs only one may do. */
  instance: Instance;
  /** What this process has done (ingest, database time), for GET /metrics. */
  telemetry: Telemetry;
  /** The application's clock (tests set it). */
  now: () => number;
  /** How many writes this process has committed: read caches compare against it. */
  writes(): number;
  /** Reach the database the way reads do (health checks: never queued behind a long write). */
  ping(): Promise<void>;
  /** Close every database connection. */
  close(): Promise<void>;
}

/**
 * `db` is the writer (every write goes through the write lock on it); `reads` serves everything
 * read outside a write — on a SQLite file, read-only connections that never wait for a write.
 */
export function createFlywheel(db: Db, config: Config, now: () => number = Date.now, reads: Db = db): Flywheel {
  const lock = new WriteLock(db);
  const rules: PipelineRules = { rules: config.rules, stages: config.stages, badges: config.badges };
  const tz = config.community.timeZone;
  const forumUrl = config.discourse.url;
  const memberOptions = () => ({ hiddenByDefault: config.community.hiddenByDefault, now: now() });
  const watch = telemetry();
  for (const connections of new Set([db, reads])) timeQueries(connections, watch.query);
  const ingest = watch.observe(createIngest({ lock, config: { ...rules, hiddenByDefault: config.community.hiddenByDefault }, now }));
  const instance = instanceUseCases(db, now);
  // Other instances' commits move this one's read caches; a broken link might have missed some.
  const peers = new Peers(db, () => lock.moved());
  peers.subscribe((signal) => signal === 'commit' && lock.moved());
  const news = new NewsBus({ db, peers, now, claimant: instance.name });
  const publishBatch = (result: { stageMoves: StageMove[]; badgeGrants: BadgeGrant[] }) => news.publish({ moves: result.stageMoves, grants: result.badgeGrants });
  const inbox = createInbox({ db, reads, ingest, peers, kinds: config.rules.kinds, now, onBatch: publishBatch });
  const champions = championsUseCases(reads, { lock, rules, termMonths: config.champions.termMonths, memberOptions });
  return {
    members: membersUseCases(reads, { lock, badges: config.badges, stages: config.stages, forumUrl, timeZone: tz, memberOptions, now }),
    boards: boardsUseCases(reads, { rules, forumUrl, timeZone: tz, now, generation: () => lock.generation }),
    badges: badgesUseCases({ writer: db, reads, claimant: instance.name }, { lock, badges: config.badges, memberOptions, now }),
    credentials: credentialsUseCases(reads, { lock, config, now }),
    links: memberLinks(reads, { lock, rules, memberOptions }),
    contributions: contributionsUseCases({ reads, lock, ingest, news, now, manualAwardSpace: config.rules.kinds.manual_award.space, forumUrl }),

    champions,
    fairPlay: fairPlayUseCases(reads, { lock, rules: config.rules.fairPlay, badges: config.badges, now }),
    insights: insightsUseCases(reads, { timeZone: tz, leadAffinity: config.insights.leadAffinity, now }),

    ingest,
    queue: createIngestQueue(ingest, publishBatch),
    inbox,
    ledger: ledgerUseCases(reads),
    news,
    sessions: sessionsUseCases(db, reads, now),
    nonces: noncesUseCases(db, now),
    rateLimits: rateLimits(db, now),
    settings: settingsUseCases(reads, lock),

    maintenance: maintenanceUseCases(db, { lock, rules, champions, news, timeZone: tz, now }),
    instance,
    telemetry: watch,
    now,
    writes: () => lock.generation,
    ping: () => ping(reads),
    close: async () => {
      await news.stop();
      await inbox.stop();
      await peers.stop();
      if (reads !== db) await reads.destroy();
      await db.destroy();
    },
  };
}

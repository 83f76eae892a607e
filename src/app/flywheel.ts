/**
 * The application: every use case over one database, with the rules from the config.
 * Adapters (web, Discord, Discourse, CLI) hold one of these and only translate.
 */
import type { Config } from '../config.js';
import type { ActivityInput, IdentityRef } from '../domain/activity.js';
import type { Tier } from '../domain/badges.js';
import { DomainError } from '../domain/errors.js';
import type { Platform } from '../domain/kinds.js';
import { badgeHolders } from '../db/badges-repo.js';
import { authorOfActivity, identityKey, membersOnPlatform, resolveMembers, type MemberOnPlatform } from '../db/identities-repo.js';
import { ping, type Db } from '../db/knex.js';
import { setShareConsent, shareConsentOf } from '../db/members-repo.js';
import { readSetting, writeSetting } from '../db/settings-repo.js';
import { migrateLatest } from '../db/migrate.js';
import { existingKeys } from '../db/ledger-repo.js';
import type { PipelineRules, StageMove } from './award-pipeline.js';
import { closePeriods, grantManualBadge, type BadgeGrant } from './badge-awarding.js';
import * as ob from './credentials.js';
import type { AwardRecord } from './credentials.js';
import { createIngest, type Ingest } from './ingest.js';
import { boardCaches, findOnBoard, getLeaderboard, type FoundPlace, type Leaderboard, type LeaderboardQuery } from './leaderboards.js';
import { getMember, lookupMember, standingOf, type MemberProfile, type Standing } from './members.js';
import { rankCardOf, type RankCard } from './rank-card.js';
import { championsUseCases, type Champions } from './champions.js';
import { contributionsUseCases, type Contributions } from './contributions.js';
import { answerShare, badgeDetail, howToEarn, newestAwards, type AnswerShare, type BadgeDetail, type RecentAward } from './community.js';
import { funnel, type FunnelStep } from '../domain/insights.js';
import { stageCounts } from '../db/insights-repo.js';
import { exportMembers, insights, type ExportRow, type Insights, type InsightsQuery } from './insights.js';
import { memberLinks, type MemberLinks } from './member-links.js';
import { NewsBus } from './news.js';
import { deliverOutbox, type Sender } from './outbox.js';
import { deleteMember, exportMember } from './personal-data.js';
import { randomSecret, setting } from './settings.js';
import { setHidden } from './privacy.js';
import { recompute, reviewStages, type RecomputeResult } from './recompute.js';
import { noncesUseCases, sessionsUseCases, type Nonces, type Sessions } from './sessions.js';
import { replacedAcceptances, restorationsUnder, reversalsUnder, type RestoreOptions, type WithdrawOptions } from './reversals.js';
import { fairPlayUseCases, type FairPlay } from './fair-play.js';
import { WriteLock } from './write-lock.js';
import { instanceName } from './instance.js';
import { rateLimits, type RateLimits } from './rate-limits.js';
import { telemetry, type Telemetry } from './telemetry.js';
import { timeQueries } from '../db/query-timing.js';
import { outboxBacklog, type OutboxBacklog } from '../db/outbox-repo.js';
import { runForElection, type Election, type ElectionHandlers } from './election.js';
import { createIngestQueue, type IngestQueue } from './ingest-queue.js';
import { createInbox, type Inbox } from './inbox.js';
import { Peers } from './peers.js';

export interface Flywheel {
  /** This process's name in claims and elections (host, pid and a random part): unique per start. */
  instance: string;
  /** How many writes this process has committed: read caches compare against it. */
  writes(): number;
  /** The writer's connection (migrations, backups, tests); use cases read through their own. */
  db: Db;
  /** Close every database connection. */
  close(): Promise<void>;
  /** Reach the database the way reads do (health checks: never queued behind a long write). */
  ping(): Promise<void>;
  config: Config;
  now: () => number;
  ingest: Ingest;
  /** The one in-process queue live sources (the Discord gateway) submit to: batched, news published. */
  queue: IngestQueue;
  /** Webhook deliveries: stored durably by any instance, ingested by the one elected ingester. */
  inbox: Inbox;
  recompute(onProgress?: (done: number) => void): Promise<RecomputeResult>;
  reviewStages(): Promise<StageMove[]>;
  /** A manager grants a manual badge (e.g. champion) with a reason; null when that grant was already recorded. */
  grantBadge(grant: { badgeId: string; member: IdentityRef; by: IdentityRef; reason: string; origin: string }): Promise<BadgeGrant | null>;
  /** A badge award as shared publicly (hidden members' awards are not found). */
  award(id: number): Promise<AwardRecord>;
  /** Open Badges documents for sharing awards. */
  credentials: Credentials;
  /** Grant top-of-period badges for periods that have ended. */
  closePeriods(): Promise<BadgeGrant[]>;
  leaderboard(q: LeaderboardQuery): Promise<Leaderboard>;
  /** Where a member (by id) or members (by name) stand on a board, and the page of `pageSize` rows that shows each. */
  findOnBoard(q: Omit<LeaderboardQuery, 'limit' | 'offset'>, what: { memberId: number } | { name: string }, pageSize: number): Promise<FoundPlace[]>;
  member(id: number): Promise<MemberProfile>;
  /** What a member's rank card shows (hidden members are not found). */
  rankCard(id: number): Promise<RankCard>;
  lookupMember(platform: Platform, externalId: string): Promise<MemberProfile>;
  standing(platform: Platform, externalId: string): Promise<Standing | null>;
  /** The catalog, with how many visible members hold each badge. */
  badges(): Promise<Array<{ id: string; name: string; tier: Tier; description: string; howToEarn: string; holders: number }>>;
  badge(id: string): Promise<BadgeDetail>;
  newestAwards(limit: number): Promise<RecentAward[]>;
  answerShare(): Promise<AnswerShare>;
  setHidden(identity: IdentityRef, hidden: boolean): Promise<number>;
  /** One member across platforms: link codes, merge, unmerge, suggestions. */
  links: MemberLinks;
  /** The champion program: nominations, review, terms, roster, audit. */
  champions: Champions;
  /** The managers' fair-play queue, and exclusion from boards and badges. */
  fairPlay: FairPlay;
  /** Contributions beyond chat (forms, attendee lists, API, approved submissions) and manual awards. */
  contributions: Contributions;
  /** How many community members stand on each step of the ladder (the public summary). */
  ladder(): Promise<FunnelStep[]>;
  /** The community team's numbers: funnel, cohorts, producers, concentration, responsiveness, flow. */
  insights(q: InsightsQuery): Promise<Insights>;
  /** Members for a CRM (by default only those who agreed and are not hidden); `leadsAbove` keeps the engaged. */
  exportMembers(options: { everyone: boolean; leadsAbove?: number }): Promise<ExportRow[]>;
  /** A member's agreement to be shared with the business (CRM exports). */
  setShareConsent(memberId: number, consent: boolean): Promise<void>;
  shareConsent(memberId: number): Promise<boolean>;
  /** Everything held about a member, for them to download. */
  exportMember(memberId: number): Promise<Record<string, unknown>>;
  /** Delete a member's identities and personal fields; anonymous counts stay. */
  deleteMember(memberId: number): Promise<void>;
  /** The member behind an identity, created if new (sign-in). */
  memberFor(identity: IdentityRef): Promise<number>;
  getSetting(key: string): Promise<string | null>;
  /** Store a setting (e.g. the forum's id of a synced badge). */
  setSetting(key: string, value: string): Promise<void>;
  /** What this process has done (ingest, database time), for GET /metrics. */
  telemetry: Telemetry;
  /** What the outbox owes and how much of it is failing (every instance's). */
  outboxBacklog(): Promise<OutboxBacklog>;
  /** Rate-limit counters in the database, shared by every instance over it. */
  rateLimits: RateLimits;
  /** Run for a job only one instance may do (e.g. the Discord gateway), elected through the database. */
  elect(name: string, handlers: ElectionHandlers, options?: { leaseMs?: number; everyMs?: number }): Promise<Election>;
  /** Send the forum the badge grants that are due (never blocks ingestion; retries later on failure). */
  deliverOutbox(send: Sender): Promise<number>;
  /** A secret kept in the database, created on first use (e.g. for signing session cookies). */
  secret(key: string): Promise<string>;
  /** Where announcements that do not come out of ingestion are published (the bot subscribes). */
  news: NewsBus;
  /** Signed-in sessions, kept in the database so they can be ended. */
  sessions: Sessions;
  /** One-time values a sign-in hands out and takes back once (DiscourseConnect). */
  nonces: Nonces;
  reversalsUnder(ref: string, platform: Platform, at: number, options?: WithdrawOptions): Promise<ActivityInput[]>;
  /** What gives back what the delete of `ref` withdrew, as a new generation (see reversals.ts). */
  restorationsUnder(ref: string, platform: Platform, restoredAt: number, options?: RestoreOptions): Promise<ActivityInput[]>;
  /** Reversals of the standing acceptances on `subject` other than `keep`'s. */
  replacedAcceptances(subject: string, keep: string, platform: Platform, at: number): Promise<ActivityInput[]>;
  /** The platform identity of whoever recorded the activity with this natural key (e.g. a topic's author). */
  authorOf(key: string, platform: Platform): Promise<IdentityRef | null>;
  membersOnPlatform(memberIds: readonly number[], platform: Platform): Promise<MemberOnPlatform[]>;
  /** Which of these natural keys are already recorded (an import leaves alone what the live adapter recorded). */
  recordedKeys(keys: readonly string[]): Promise<Set<string>>;
  migrate(): Promise<string[]>;
}

export interface Credentials {
  ob2Issuer(): object;
  ob2BadgeClass(badgeId: string): object;
  ob2Assertion(awardId: number): Promise<{ revoked: boolean; document: object }>;
  ob3Issuer(): object;
  ob3Achievement(badgeId: string): object;
  ob3Credential(awardId: number): Promise<object>;
  /** The credential as a VC-JWT signed with the community's key. */
  signedCredential(awardId: number): Promise<string>;
  /** The 1EdTech Revocation List every credential's `credentialStatus` points at. */
  revocationList(): Promise<object>;
  jwks(): Promise<object>;
}

/**
 * `db` is the writer (every write goes through the write lock on it); `reads` serves everything
 * read outside a write — on a SQLite file, read-only connections that never wait for a write.
 */
export function createFlywheel(db: Db, config: Config, now: () => number = Date.now, reads: Db = db): Flywheel {
  const lock = new WriteLock(db);
  const boards = boardCaches(() => lock.generation);
  const rules: PipelineRules = { rules: config.rules, stages: config.stages, badges: config.badges };
  const tz = config.community.timeZone;
  const memberOptions = () => ({ hiddenByDefault: config.community.hiddenByDefault, now: now() });
  const watch = telemetry();
  for (const connections of new Set([db, reads])) timeQueries(connections, watch.query);
  const ingest = watch.observe(createIngest({ lock, config: { ...rules, hiddenByDefault: config.community.hiddenByDefault }, now }));
  const news = new NewsBus();
  const instance = instanceName();
  const publishBatch = (result: { stageMoves: StageMove[]; badgeGrants: BadgeGrant[] }) => news.publish({ moves: result.stageMoves, grants: result.badgeGrants });
  // Other instances' commits move this one's read caches; a broken link might have missed some.
  const peers = new Peers(db, () => lock.moved());
  peers.subscribe((signal) => signal === 'commit' && lock.moved());
  const inbox = createInbox({ db, reads, ingest, peers, kinds: config.rules.kinds, now, onBatch: publishBatch });
  return {
    instance,
    db,
    close: async () => {
      await inbox.stop();
      await peers.stop();
      if (reads !== db) await reads.destroy();
      await db.destroy();
    },
    ping: () => ping(reads),
    config,
    now,
    ingest,
    queue: createIngestQueue(ingest, publishBatch),
    inbox,
    recompute: (onProgress) => recompute(lock, rules, now(), onProgress),
    reviewStages: () => reviewStages(lock, rules, now()),
    grantBadge: ({ member, by, ...grant }) =>
      lock.run(async (trx) => {
        const ids = await resolveMembers(trx, [member, by], memberOptions());
        return grantManualBadge(trx, config.badges, { ...grant, memberId: ids.get(identityKey(member))!, grantedBy: ids.get(identityKey(by))!, at: now() });
      }),
    award: (id) => ob.findAward(reads, config.badges, id),
    credentials: credentialsOf(reads, lock, config, now),
    closePeriods: () => lock.run((trx) => closePeriods(trx, config.badges, tz, now())),
    writes: () => lock.generation,
    leaderboard: (q) => getLeaderboard(reads, q, tz, now(), boards, { forumUrl: config.discourse.url }),
    findOnBoard: (q, what, pageSize) => findOnBoard(reads, q, what, pageSize, tz, now()),
    member: (id) => getMember(reads, id, tz, now(), config.badges, { forumUrl: config.discourse.url, stages: config.stages }),
    lookupMember: (platform, externalId) => lookupMember(reads, platform, externalId, tz, now(), config.badges, { forumUrl: config.discourse.url, stages: config.stages }),
    rankCard: (id) => rankCardOf(reads, id, tz, now(), config.badges, config.stages, config.discourse.url),
    standing: (platform, externalId) => standingOf(reads, platform, externalId, tz, now(), config.badges),
    badges: async () => {
      const holders = await badgeHolders(reads);
      return config.badges.map((b) => ({ id: b.id, name: b.name, tier: b.tier, description: b.description, howToEarn: howToEarn(b), holders: holders.get(b.id) ?? 0 }));
    },
    badge: async (id) => badgeDetail(reads, config.badges, id, await badgeHolders(reads)),
    newestAwards: (limit) => newestAwards(reads, config.badges, limit),
    answerShare: () => answerShare(reads, tz, now()),
    setHidden: (identity, hidden) => setHidden(lock, identity, hidden, memberOptions()),
    links: memberLinks(reads, { lock, rules, memberOptions }),
    fairPlay: fairPlayUseCases(reads, { lock, rules: config.rules.fairPlay, badges: config.badges, now }),
    champions: championsUseCases(reads, { lock, rules, termMonths: config.champions.termMonths, memberOptions }),
    contributions: contributionsUseCases({ reads, lock, ingest, news, now, manualAwardSpace: config.rules.kinds.manual_award.space }),
    news,
    sessions: sessionsUseCases(db, reads, now),
    nonces: noncesUseCases(db, now),
    secret: (key) => setting(lock, key, randomSecret),
    getSetting: (key) => readSetting(reads, key),
    setSetting: (key, value) => lock.run((trx) => writeSetting(trx, key, value)),
    rateLimits: rateLimits(db, now),
    telemetry: watch,
    outboxBacklog: () => outboxBacklog(reads, now()),
    elect: (name, handlers, options) => runForElection(db, name, instance, handlers, { now, ...options }),
    deliverOutbox: (send) => deliverOutbox({ writer: db, reads, claimant: instance }, config.badges, send, now),
    insights: (q) => insights(reads, q, tz, now()),
    ladder: async () => funnel(await stageCounts(reads)),
    exportMembers: (options) => exportMembers(reads, tz, now(), options),
    setShareConsent: (memberId, consent) => lock.run((trx) => setShareConsent(trx, memberId, consent)),
    shareConsent: (memberId) => shareConsentOf(reads, memberId),
    exportMember: (memberId) => exportMember(reads, memberId),
    deleteMember: (memberId) => deleteMember(lock, memberId, now()),
    memberFor: (identity) => lock.run(async (trx) => (await resolveMembers(trx, [identity], memberOptions())).get(identityKey(identity))!),
    reversalsUnder: (ref, platform, at, options) => reversalsUnder(reads, ref, platform, at, options),
    restorationsUnder: (ref, platform, restoredAt, options) => restorationsUnder(reads, ref, platform, restoredAt, options),
    replacedAcceptances: (subject, keep, platform, at) => replacedAcceptances(reads, subject, keep, platform, at),
    authorOf: (key, platform) => authorOfActivity(reads, key, platform),
    membersOnPlatform: (memberIds, platform) => membersOnPlatform(reads, memberIds, platform),
    recordedKeys: (keys) => existingKeys(reads, keys),
    migrate: () => migrateLatest(db),
  };
}

function credentialsOf(db: Db, lock: WriteLock, config: Config, now: () => number): Credentials {
  const badge = (id: string) => {
    const found = config.badges.find((b) => b.id === id);
    if (!found) throw new DomainError('not_found', 'badge not found');
    return found;
  };
  // The signing key is created (once, under the write lock) before anything derives from it.
  let keyReady: Promise<object> | null = null;
  const ready = () => (keyReady ??= ob.jwks(lock, now()));
  const award = async (id: number) => {
    await ready();
    return ob.findAward(db, config.badges, id);
  };
  return {
    ob2Issuer: () => ob.ob2Issuer(config),
    ob2BadgeClass: (id) => ob.ob2BadgeClass(config, badge(id)),
    ob2Assertion: async (id) => {
      const a = await award(id);
      return { revoked: a.revokedAt !== null, document: await ob.ob2Assertion(db, config, a, now()) };
    },
    ob3Issuer: () => ob.ob3Issuer(config),
    ob3Achievement: (id) => ob.ob3Achievement(config, badge(id)),
    ob3Credential: async (id) => ob.ob3Credential(db, config, await award(id), now()),
    signedCredential: async (id) => ob.signedCredential(db, config, await award(id), now()),
    revocationList: () => ob.revocationList(db, config),
    jwks: () => ready(),
  };
}

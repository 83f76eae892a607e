/**
 * The application: every use case over one database, with the rules from the config.
 * Adapters (web, Discord, Discourse, CLI) hold one of these and only translate.
 */
import type { Config } from '../config.js';
import type { Platform } from '../domain/kinds.js';
import type { Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import type { PipelineRules, StageMove } from './award-pipeline.js';
import { createIngest, type Ingest } from './ingest.js';
import { getLeaderboard, type Leaderboard, type LeaderboardQuery } from './leaderboards.js';
import type { IdentityRef, ActivityInput } from '../domain/activity.js';
import { membersOnPlatform, type MemberOnPlatform } from '../db/identities-repo.js';
import { getMember, lookupMember, standingOf, type MemberProfile, type Standing } from './members.js';
import { nominate, type NominationInput, type NominationResult } from './nominations.js';
import { setHidden } from './privacy.js';
import { closePeriods, grantManualBadge, type BadgeGrant } from './badge-awarding.js';
import { identityKey, resolveMembers } from '../db/identities-repo.js';
import { badgeHolders } from '../db/badges-repo.js';
import type { Tier } from '../domain/badges.js';
import { reversalsUnder } from './reversals.js';
import { recompute, reviewStages, type RecomputeResult } from './recompute.js';
import { WriteLock } from './write-lock.js';

export interface Flywheel {
  db: Db;
  config: Config;
  now: () => number;
  ingest: Ingest;
  recompute(onProgress?: (done: number) => void): Promise<RecomputeResult>;
  reviewStages(): Promise<StageMove[]>;
  /** A manager grants a manual badge (e.g. champion) with a reason; null when that grant was already recorded. */
  grantBadge(grant: { badgeId: string; member: IdentityRef; by: IdentityRef; reason: string; origin: string }): Promise<BadgeGrant | null>;
  /** Grant top-of-period badges for periods that have ended. */
  closePeriods(): Promise<BadgeGrant[]>;
  leaderboard(q: LeaderboardQuery): Promise<Leaderboard>;
  member(id: number): Promise<MemberProfile>;
  lookupMember(platform: Platform, externalId: string): Promise<MemberProfile>;
  standing(platform: Platform, externalId: string): Promise<Standing | null>;
  /** The catalog, with how many visible members hold each badge. */
  badges(): Promise<Array<{ id: string; name: string; tier: Tier; description: string; holders: number }>>;
  setHidden(identity: IdentityRef, hidden: boolean): Promise<number>;
  nominate(input: NominationInput): Promise<NominationResult>;
  reversalsUnder(ref: string, platform: Platform, at: number): Promise<ActivityInput[]>;
  membersOnPlatform(memberIds: readonly number[], platform: Platform): Promise<MemberOnPlatform[]>;
  migrate(): Promise<string[]>;
}

export function createFlywheel(db: Db, config: Config, now: () => number = Date.now): Flywheel {
  const lock = new WriteLock(db);
  const rules: PipelineRules = { rules: config.rules, stages: config.stages, badges: config.badges };
  const tz = config.community.timeZone;
  const memberOptions = () => ({ hiddenByDefault: config.community.hiddenByDefault, now: now() });
  return {
    db,
    config,
    now,
    ingest: createIngest({ lock, config: { ...rules, hiddenByDefault: config.community.hiddenByDefault }, now }),
    recompute: (onProgress) => recompute(lock, rules, now(), onProgress),
    reviewStages: () => reviewStages(lock, rules, now()),
    grantBadge: ({ member, by, ...grant }) =>
      lock.run(async (trx) => {
        const ids = await resolveMembers(trx, [member, by], memberOptions());
        return grantManualBadge(trx, config.badges, { ...grant, memberId: ids.get(identityKey(member))!, grantedBy: ids.get(identityKey(by))!, at: now() });
      }),
    closePeriods: () => lock.run((trx) => closePeriods(trx, config.badges, tz, now())),
    leaderboard: (q) => getLeaderboard(db, q, tz, now()),
    member: (id) => getMember(db, id, tz, now(), config.badges),
    lookupMember: (platform, externalId) => lookupMember(db, platform, externalId, tz, now(), config.badges),
    standing: (platform, externalId) => standingOf(db, platform, externalId, tz, now(), config.badges),
    badges: async () => {
      const holders = await badgeHolders(db);
      return config.badges.map((b) => ({ id: b.id, name: b.name, tier: b.tier, description: b.description, holders: holders.get(b.id) ?? 0 }));
    },
    setHidden: (identity, hidden) => setHidden(lock, identity, hidden, memberOptions()),
    nominate: (input) => nominate(lock, input, memberOptions()),
    reversalsUnder: (ref, platform, at) => reversalsUnder(db, ref, platform, at),
    membersOnPlatform: (memberIds, platform) => membersOnPlatform(db, memberIds, platform),
    migrate: () => migrateLatest(db),
  };
}

/**
 * Work nobody asks for by clicking (Flywheel's `maintenance`): schema migrations, a backup, the
 * rebuild after a rule change, and the hourly housekeeping — champion terms that ended, the
 * monthly stage review, top-of-period badges for closed periods — whose news is published.
 */
import { backupDatabase } from '../db/backup.js';
import type { Db } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import type { PipelineRules, StageMove } from './award-pipeline.js';
import { closePeriods, type BadgeGrant } from './badge-awarding.js';
import type { Champions } from './champions.js';
import type { NewsBus } from './news.js';
import { recompute, reviewStages, type RecomputeResult } from './recompute.js';
import type { WriteLock } from './write-lock.js';

export interface Housekeeping {
  moves: StageMove[];
  grants: BadgeGrant[];
  revoked: Array<{ memberId: number; badgeId: string }>;
}

export interface Maintenance {
  migrate(): Promise<string[]>;
  /** A consistent copy of the live SQLite database (PostgreSQL: use pg_dump). */
  backup(file: string): Promise<void>;
  /** Rebuild awards, scores and stages from the activity ledger (after a rule change). */
  recompute(onProgress?: (done: number) => void): Promise<RecomputeResult>;
  reviewStages(): Promise<StageMove[]>;
  /** Grant top-of-period badges for periods that have ended. */
  closePeriods(): Promise<BadgeGrant[]>;
  /** End champion terms that ran out, review stages, close periods; publish what changed. */
  housekeeping(): Promise<Housekeeping>;
}

export interface MaintenanceDeps {
  lock: WriteLock;
  rules: PipelineRules;
  champions: Champions;
  news: NewsBus;
  timeZone: string;
  now: () => number;
}

/** `db` is the writer's connection: migrations and backups run on it. */
export function maintenanceUseCases(db: Db, { lock, rules, champions, news, timeZone, now }: MaintenanceDeps): Maintenance {
  const periods = () => lock.run((trx) => closePeriods(trx, rules.badges, timeZone, now()));
  const stages = () => reviewStages(lock, rules, now());
  return {
    migrate: () => migrateLatest(db),
    backup: (file) => backupDatabase(db, file),
    recompute: (onProgress) => recompute(lock, rules, now(), onProgress),
    reviewStages: stages,
    closePeriods: periods,
    async housekeeping() {
      const ended = await champions.expireTerms();
      const moves = [...ended.moves, ...(await stages())];
      const grants = await periods();
      await news.publish({ moves, grants, revoked: ended.revoked });
      return { moves, grants, revoked: ended.revoked };
    },
  };
}

/**
 * What adapters ask of the recorded activities while translating a platform's events (Flywheel's
 * `ledger`): what a delete withdraws and a restore gives back, whose post a reaction is on, which
 * keys an import can leave alone. Adapters build activities from the answers; ingest records them.
 */
import type { ActivityInput, IdentityRef } from '../domain/activity.js';
import type { Platform } from '../domain/kinds.js';
import { authorOfActivity } from '../db/identities-repo.js';
import type { Tx } from '../db/knex.js';
import { existingKeys } from '../db/ledger-repo.js';
import { replacedAcceptances, restorationsUnder, reversalsUnder, type RestoreOptions, type WithdrawOptions } from './reversals.js';

export interface Ledger {
  reversalsUnder(ref: string, platform: Platform, at: number, options?: WithdrawOptions): Promise<ActivityInput[]>;
  /** What gives back what the delete of `ref` withdrew, as a new generation (see reversals.ts). */
  restorationsUnder(ref: string, platform: Platform, restoredAt: number, options?: RestoreOptions): Promise<ActivityInput[]>;
  /** Reversals of the standing acceptances on `subject` other than `keep`'s. */
  replacedAcceptances(subject: string, keep: string, platform: Platform, at: number): Promise<ActivityInput[]>;
  /** The platform identity of whoever recorded the activity with this natural key (e.g. a topic's author). */
  authorOf(key: string, platform: Platform): Promise<IdentityRef | null>;
  /** Which of these natural keys are already recorded (an import leaves alone what the live adapter recorded). */
  recordedKeys(keys: readonly string[]): Promise<Set<string>>;
}

export function ledgerUseCases(reads: Tx): Ledger {
  return {
    reversalsUnder: (ref, platform, at, options) => reversalsUnder(reads, ref, platform, at, options),
    restorationsUnder: (ref, platform, restoredAt, options) => restorationsUnder(reads, ref, platform, restoredAt, options),
    replacedAcceptances: (subject, keep, platform, at) => replacedAcceptances(reads, subject, keep, platform, at),
    authorOf: (key, platform) => authorOfActivity(reads, key, platform),
    recordedKeys: (keys) => existingKeys(reads, keys),
  };
}

/** Values the application keeps for itself in the database (so they survive restarts without configuration). */
import { randomBytes } from 'node:crypto';
import type { Tx } from '../db/knex.js';
import { insertSetting, readSetting, writeSetting } from '../db/settings-repo.js';
import type { WriteLock } from './write-lock.js';

/** The stored value of `key`, created by `make` the first time (under the write lock, so two starts agree). */
export function setting(lock: WriteLock, key: string, make: () => string): Promise<string> {
  return lock.run(async (trx) => {
    const stored = await readSetting(trx, key);
    if (stored !== null) return stored;
    const value = make();
    await insertSetting(trx, key, value);
    return value;
  });
}

export const randomSecret = (): string => randomBytes(48).toString('base64url');

/** Flywheel's `settings`: import cursors, the forum's ids of synced badges, generated secrets. */
export interface Settings {
  get(key: string): Promise<string | null>;
  /** Store a setting (e.g. the forum's id of a synced badge). */
  set(key: string, value: string): Promise<void>;
  /** A secret kept in the database, created on first use (e.g. for signing session cookies). */
  secret(key: string): Promise<string>;
}

export function settingsUseCases(reads: Tx, lock: WriteLock): Settings {
  return {
    get: (key) => readSetting(reads, key),
    set: (key, value) => lock.run((trx) => writeSetting(trx, key, value)),
    secret: (key) => setting(lock, key, randomSecret),
  };
}

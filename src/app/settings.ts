/** Values the application keeps for itself in the database (so they survive restarts without configuration). */
import { randomBytes } from 'node:crypto';
import { insertSetting, readSetting } from '../db/settings-repo.js';
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

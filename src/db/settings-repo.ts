/** The `settings` table: values the application keeps for itself (secrets, switches set at run time). */
import type { Tx } from './knex.js';

export async function getSetting(db: Tx, key: string): Promise<string | null> {
  const row = await db('settings').select('value').where({ key }).first();
  return (row?.value as string | undefined) ?? null;
}

/** Set `key`, replacing its value. */
export async function putSetting(db: Tx, key: string, value: string): Promise<void> {
  await db('settings').insert({ key, value }).onConflict('key').merge();
}

/** Add `key` (it must not exist yet: a caller that creates a value once checks first, under the write lock). */
export async function insertSetting(db: Tx, key: string, value: string): Promise<void> {
  await db('settings').insert({ key, value });
}

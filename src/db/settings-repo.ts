/** settings: values the application keeps for itself (cursors, forum badge ids, generated secrets). */
import type { Tx } from './knex.js';

export async function readSetting(db: Tx, key: string): Promise<string | null> {
  return ((await db('settings').select('value').where({ key }).first())?.value as string | undefined) ?? null;
}

export async function writeSetting(db: Tx, key: string, value: string): Promise<void> {
  await db('settings').insert({ key, value }).onConflict('key').merge();
}

/** Stores `value` unless the key already has one. */
export async function insertSetting(db: Tx, key: string, value: string): Promise<void> {
  await db('settings').insert({ key, value });
}

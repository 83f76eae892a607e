/**
 * One member across platforms: link codes, and the `members` and `identities` rows a merge, a
 * split and the username suggestions read and write (the member's other rows move by
 * member-rows.ts, following member-tables.ts).
 */
import type { Tx } from './knex.js';

export interface LinkCode {
  codeHash: string;
  memberId: number;
  usedAt: number | null;
  expiresAt: number;
}

export async function insertLinkCode(db: Tx, codeHash: string, memberId: number, expiresAt: number): Promise<void> {
  await db('link_codes').insert({ code_hash: codeHash, member_id: memberId, expires_at: expiresAt });
}

export async function findLinkCode(db: Tx, codeHash: string): Promise<LinkCode | null> {
  const row = await db('link_codes').where({ code_hash: codeHash }).first();
  if (!row) return null;
  return { codeHash: row.code_hash, memberId: row.member_id, usedAt: row.used_at === null ? null : Number(row.used_at), expiresAt: Number(row.expires_at) };
}

export async function markLinkCodeUsed(db: Tx, codeHash: string, at: number): Promise<void> {
  await db('link_codes').where({ code_hash: codeHash }).update({ used_at: at });
}

/** The platforms the member has an account on. */
export async function platformsOf(db: Tx, memberId: number): Promise<string[]> {
  return (await db('identities').select('platform').where({ member_id: memberId })).map((r: { platform: string }) => r.platform);
}

/** The member `id` now is: the one it was merged into, or itself. */
export async function memberNow(db: Tx, id: number): Promise<number> {
  const m = await db('members').select('id', 'merged_into').where({ id }).first();
  return m.merged_into ?? m.id;
}

/** How many of `ids` exist and are not merged away. */
export async function countUnmerged(db: Tx, ids: readonly number[]): Promise<number> {
  return (await db('members').select('id').whereIn('id', ids).whereNull('merged_into')).length;
}

/** `gone` points at `keep` from now on: hidden, named for it, its natural key freed. */
export async function markMergedInto(db: Tx, gone: number, keep: number): Promise<void> {
  await db('members').where({ id: gone }).update({ merged_into: keep, hidden: true, display_name: `Merged into #${keep}`, origin: `merged:${gone}` });
}

export interface AccountOfMember {
  platform: string;
  externalId: string;
  displayName: string | null;
  username: string | null;
}

export async function accountsOfMember(db: Tx, memberId: number): Promise<AccountOfMember[]> {
  const rows = await db('identities').select('id', 'platform', 'external_id', 'display_name', 'username').where({ member_id: memberId });
  return rows.map((i: { platform: string; external_id: string; display_name: string | null; username: string | null }) => ({
    platform: i.platform,
    externalId: i.external_id,
    displayName: i.display_name,
    username: i.username,
  }));
}

/** A new member for an account split off another; returns its id. */
export async function insertSplitMember(db: Tx, m: { origin: string; displayName: string; hidden: boolean; createdAt: number }): Promise<number> {
  const [row] = await db('members').insert({ origin: m.origin, display_name: m.displayName, hidden: m.hidden, created_at: m.createdAt }).returning('id');
  return typeof row === 'object' ? row.id : row;
}

/** Accounts of different (unmerged) members sharing a username, ordered by username then member. */
export async function sharedUsernames(db: Tx): Promise<Array<{ username: string; platform: string; memberId: number; displayName: string }>> {
  const rows = await db('identities as i')
    .join('members as m', 'm.id', 'i.member_id')
    .select('i.username', 'i.platform', 'm.id', 'm.display_name')
    .whereNotNull('i.username')
    .whereNull('m.merged_into')
    .whereIn(
      db.raw('LOWER(i.username)') as never,
      db('identities').select(db.raw('LOWER(username)')).whereNotNull('username').groupBy(db.raw('LOWER(username)')).havingRaw('COUNT(DISTINCT member_id) > 1'),
    )
    .orderBy([{ column: 'i.username' }, { column: 'm.id' }]);
  return rows.map((r: { username: string; platform: string; id: number; display_name: string }) => ({ username: r.username, platform: r.platform, memberId: r.id, displayName: r.display_name }));
}

/** Identities → members, resolved for a whole batch in a handful of statements. */
import type { AvatarSource } from '../domain/avatars.js';
import type { Platform } from '../domain/kinds.js';
import type { IdentityRef } from '../domain/activity.js';
import { inChunks, insertRows, rowsOf } from './bulk.js';
import type { Tx } from './knex.js';

export const identityKey = (ref: Pick<IdentityRef, 'platform' | 'externalId'>): string => `${ref.platform}|${ref.externalId}`;

interface IdentityRow {
  id: number;
  member_id: number;
  platform: string;
  external_id: string;
  username: string | null;
  display_name: string | null;
  avatar: string | null;
  is_bot: number | boolean;
  is_staff: number | boolean;
}

/** Merge repeated refs of one account: the latest names win, flags stick once seen. */
function mergeRefs(refs: readonly IdentityRef[]): Map<string, IdentityRef> {
  const merged = new Map<string, IdentityRef>();
  for (const ref of refs) {
    const key = identityKey(ref);
    const prev = merged.get(key);
    merged.set(
      key,
      prev
        ? {
            ...prev,
            username: ref.username ?? prev.username,
            displayName: ref.displayName ?? prev.displayName,
            avatar: ref.avatar !== undefined ? ref.avatar : prev.avatar,
            isBot: ref.isBot ?? prev.isBot,
            isStaff: ref.isStaff ?? prev.isStaff,
          }
        : ref,
    );
  }
  return merged;
}

// Platforms' avatar values are short; anything longer is not one, and must not cost the activity.
const avatarOf = (ref: IdentityRef): string | null => (ref.avatar && ref.avatar.length <= 500 ? ref.avatar : null);
const nameOf = (ref: IdentityRef): string => (ref.displayName || ref.username || ref.externalId).slice(0, 200);

/**
 * Find or create the member behind every identity in `refs`, and bring names and bot/staff flags
 * up to date. Returns identity key → member id.
 */
export async function resolveMembers(
  db: Tx,
  refs: readonly IdentityRef[],
  options: { hiddenByDefault: boolean; now: number },
): Promise<Map<string, number>> {
  const wanted = mergeRefs(refs);
  const keys = [...wanted.values()];
  const existing = await inChunks(keys, 2000, (chunk) =>
    db<IdentityRow>('identities')
      .select('id', 'member_id', 'platform', 'external_id', 'username', 'display_name', 'avatar', 'is_bot', 'is_staff')
      .whereIn(
        ['platform', 'external_id'],
        chunk.map((r) => [r.platform, r.externalId]),
      ),
  );

  const members = new Map<string, number>();
  const changedMembers = new Set<number>();
  for (const row of existing) {
    const key = `${row.platform}|${row.external_id}`;
    members.set(key, row.member_id);
    const ref = wanted.get(key)!;
    const patch: Record<string, unknown> = {};
    if (ref.username !== undefined && ref.username !== row.username) patch.username = ref.username;
    if (ref.displayName !== undefined && ref.displayName !== row.display_name) patch.display_name = ref.displayName;
    if (ref.avatar !== undefined && ref.avatar !== row.avatar) patch.avatar = avatarOf(ref);
    if (ref.isBot !== undefined && ref.isBot !== Boolean(row.is_bot)) patch.is_bot = ref.isBot;
    if (ref.isStaff !== undefined && ref.isStaff !== Boolean(row.is_staff)) patch.is_staff = ref.isStaff;
    if (Object.keys(patch).length > 0) {
      await db('identities').where({ id: row.id }).update(patch);
      changedMembers.add(row.member_id);
    }
  }

  const missing = keys.filter((ref) => !members.has(identityKey(ref)));
  if (missing.length > 0) {
    const created = await insertRows<{ id: number; origin: string }>(
      db,
      'members',
      ['origin', 'display_name', 'is_bot', 'is_staff', 'hidden', 'created_at'],
      missing.map((ref) => [identityKey(ref), nameOf(ref), ref.isBot ?? false, ref.isStaff ?? false, options.hiddenByDefault, options.now]),
      { returning: ['id', 'origin'] },
    );
    for (const row of created) members.set(row.origin, row.id);
    await insertRows(
      db,
      'identities',
      ['member_id', 'platform', 'external_id', 'username', 'display_name', 'avatar', 'is_bot', 'is_staff', 'created_at'],
      missing.map((ref) => [
        members.get(identityKey(ref)),
        ref.platform,
        ref.externalId,
        ref.username ?? null,
        ref.displayName ?? null,
        avatarOf(ref),
        ref.isBot ?? false,
        ref.isStaff ?? false,
        options.now,
      ]),
    );
  }

  if (changedMembers.size > 0) await refreshMemberFlags(db, [...changedMembers]);
  return members;
}

/** The member behind a platform identity, as a scalar subquery bound as `[platform, externalId]`. */
export const MEMBER_OF_IDENTITY = '(SELECT member_id FROM identities WHERE platform = ? AND external_id = ?)';

export async function memberIdOfIdentity(db: Tx, platform: string, externalId: string): Promise<number | null> {
  const [row] = rowsOf<{ id: number | null }>(await db.raw(`SELECT ${MEMBER_OF_IDENTITY} AS id`, [platform, externalId]));
  return row?.id ?? null;
}

/** A member is a bot or staff when any of their identities is; their name follows their first identity. */
export async function refreshMemberFlags(db: Tx, memberIds: readonly number[]): Promise<void> {
  await inChunks(memberIds, 500, async (chunk) => {
    await db('members')
      .whereIn('id', chunk)
      .update({
        is_bot: db.raw('EXISTS (SELECT 1 FROM identities i WHERE i.member_id = members.id AND i.is_bot = ?)', [true]),
        is_staff: db.raw('EXISTS (SELECT 1 FROM identities i WHERE i.member_id = members.id AND i.is_staff = ?)', [true]),
        display_name: db.raw(
          `COALESCE((SELECT COALESCE(i.display_name, i.username) FROM identities i
             WHERE i.member_id = members.id ORDER BY i.id LIMIT 1), members.display_name)`,
        ),
      });
    return [];
  });
}

export async function botMembers(db: Tx, memberIds: readonly number[]): Promise<Set<number>> {
  const rows = await inChunks(memberIds, 2000, (chunk) =>
    db('members').select('id').whereIn('id', chunk).andWhere('is_bot', true),
  );
  return new Set(rows.map((r: { id: number }) => r.id));
}

export interface MemberOnPlatform {
  memberId: number;
  externalId: string;
  displayName: string;
  hidden: boolean;
  stage: string | null;
}

/** The platform account of each member that has one (the oldest, if several). */
export async function membersOnPlatform(db: Tx, memberIds: readonly number[], platform: string): Promise<MemberOnPlatform[]> {
  const rows = await inChunks(memberIds, 2000, (chunk) =>
    db('identities as i')
      .join('members as m', 'm.id', 'i.member_id')
      .select('i.member_id', 'i.external_id', 'm.display_name', 'm.hidden', 'm.stage')
      .whereIn('i.member_id', chunk)
      .andWhere('i.platform', platform)
      .orderBy('i.id'),
  );
  const byMember = new Map<number, MemberOnPlatform>();
  for (const r of rows)
    if (!byMember.has(r.member_id))
      byMember.set(r.member_id, { memberId: r.member_id, externalId: r.external_id, displayName: r.display_name, hidden: Boolean(r.hidden), stage: r.stage });
  return [...byMember.values()];
}

/** The platform identity of the member who recorded the activity with natural key `key`. */
export async function authorOfActivity(db: Tx, key: string, platform: string): Promise<{ platform: 'discourse' | 'discord'; externalId: string; username?: string } | null> {
  const row = await db('activities as a')
    .join('identities as i', function () {
      this.on('i.member_id', '=', 'a.member_id').andOn('i.platform', '=', db.raw('?', [platform]));
    })
    .select('i.external_id', 'i.username')
    .where('a.natural_key', key)
    .first();
  return row ? { platform: platform as 'discourse' | 'discord', externalId: row.external_id, ...(row.username ? { username: row.username } : {}) } : null;
}

/** Each member's identities with their avatars, oldest identity first (profiles, boards, cards). */
export async function identitiesOf(db: Tx, memberIds: readonly number[]): Promise<Map<number, AvatarSource[]>> {
  const rows = await inChunks(memberIds, 1000, (chunk) =>
    db('identities').select('member_id', 'platform', 'external_id', 'username', 'avatar').whereIn('member_id', chunk).orderBy('id'),
  );
  const out = new Map<number, AvatarSource[]>();
  for (const r of rows as Array<{ member_id: number; platform: Platform; external_id: string; username: string | null; avatar: string | null }>) {
    const list = out.get(r.member_id) ?? [];
    list.push({ platform: r.platform, externalId: r.external_id, username: r.username, avatar: r.avatar });
    out.set(r.member_id, list);
  }
  return out;
}

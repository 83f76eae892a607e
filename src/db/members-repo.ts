/** The `members` table's own columns: visibility, consent, the profile row, merges and deletion. */
import type { Stage } from '../domain/stages.js';
import type { Tx } from './knex.js';

export async function memberExists(db: Tx, id: number): Promise<boolean> {
  return Boolean(await db('members').select('id').where({ id }).first());
}

/** Every member id, in order (merged-away and deleted members included: a rebuild covers them all). */
export async function allMemberIds(db: Tx): Promise<number[]> {
  return (await db('members').select('id').orderBy('id')).map((r: { id: number }) => r.id);
}

export async function setMemberHidden(db: Tx, id: number, hidden: boolean): Promise<void> {
  await db('members').where({ id }).update({ hidden });
}

export async function isMemberHidden(db: Tx, id: number): Promise<boolean> {
  return Boolean((await db('members').select('hidden').where({ id }).first())?.hidden);
}

export async function setShareConsent(db: Tx, id: number, consent: boolean): Promise<void> {
  await db('members').where({ id }).update({ share_consent: consent });
}

export async function shareConsentOf(db: Tx, id: number): Promise<boolean> {
  return Boolean((await db('members').select('share_consent').where({ id }).first())?.share_consent);
}

/** The member's own row as the personal-data export shows it (column names as stored). */
export async function memberRecord(db: Tx, id: number): Promise<Record<string, unknown> | undefined> {
  return db('members')
    .select('id', 'display_name', 'hidden', 'excluded', 'stage', 'stage_since', 'first_seen_at', 'first_participated_at', 'created_at')
    .where({ id })
    .first();
}

/** What is left of a member deleted on request: a hidden, nameless row that anonymous counts point at. */
export async function markMemberDeleted(db: Tx, id: number): Promise<void> {
  await db('members').where({ id }).update({ display_name: 'Deleted member', origin: `deleted:${id}`, hidden: true });
}

export interface MemberProfileRow {
  id: number;
  displayName: string;
  stage: Stage | null;
  hidden: boolean;
  isStaff: boolean;
  isBot: boolean;
  firstSeenAt: number | null;
}

/** What a member's profile shows from their own row; null when there is no such member. */
export async function memberProfileRow(db: Tx, id: number): Promise<MemberProfileRow | null> {
  const m = await db('members').where({ id }).first();
  if (!m) return null;
  return {
    id: m.id,
    displayName: m.display_name,
    stage: m.stage,
    hidden: Boolean(m.hidden),
    isStaff: Boolean(m.is_staff),
    isBot: Boolean(m.is_bot),
    firstSeenAt: m.first_seen_at === null ? null : Number(m.first_seen_at),
  };
}

/** Whether the member exists, is a bot, is hidden (merged-away and deleted members are hidden). */
export async function memberFlags(db: Tx, id: number): Promise<{ isBot: boolean; hidden: boolean } | null> {
  const m = await db('members').select('id', 'is_bot', 'hidden').where({ id }).first();
  return m ? { isBot: Boolean(m.is_bot), hidden: Boolean(m.hidden) } : null;
}

/** Display names of these members (hidden ones included), for a short list. */
export async function displayNames(db: Tx, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await db('members').select('id', 'display_name').whereIn('id', ids);
  return new Map(rows.map((m: { id: number; display_name: string }) => [m.id, m.display_name]));
}

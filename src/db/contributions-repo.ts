/** Finding members for a manager (by name, by an attendee list's columns), submissions, API tokens, audit entries. */
import type { IdentityRef } from '../domain/activity.js';
import type { Platform } from '../domain/kinds.js';
import { inChunks, insertRows } from './bulk.js';
import type { Tx } from './knex.js';

export interface MemberMatch {
  id: number;
  displayName: string;
  hidden: boolean;
  /** "discord: ana · discourse: ana_w" — enough to tell two namesakes apart. */
  accounts: string;
}

/** Who is searching: a manager finds every member; a member (`visible`) only those shown publicly. */
export type MemberSearch = 'all' | 'visible';

/** The account a member's activities are recorded under (their oldest), bots flagged. */
export type MemberIdentity = IdentityRef & { memberId: number; isBot: boolean };

export async function memberIdentities(db: Tx, memberIds: readonly number[]): Promise<Map<number, MemberIdentity>> {
  const rows = await inChunks([...new Set(memberIds)], 2000, (chunk) =>
    db('identities as i')
      .join('members as m', 'm.id', 'i.member_id')
      .select('i.member_id', 'i.platform', 'i.external_id', 'i.username', 'm.display_name', 'm.is_bot')
      .whereIn('i.member_id', chunk)
      .whereNull('m.merged_into')
      .orderBy('i.id'),
  );
  const out = new Map<number, MemberIdentity>();
  for (const r of rows)
    if (!out.has(r.member_id))
      out.set(r.member_id, { memberId: r.member_id, platform: r.platform as Platform, externalId: r.external_id, username: r.username ?? undefined, displayName: r.display_name, isBot: Boolean(r.is_bot) });
  return out;
}

async function describeMembers(db: Tx, ids: readonly number[]): Promise<MemberMatch[]> {
  if (ids.length === 0) return [];
  const rows = await db('members as m')
    .leftJoin('identities as i', 'i.member_id', 'm.id')
    .select('m.id', 'm.display_name', 'm.hidden', 'i.platform', 'i.username', 'i.external_id')
    .whereIn('m.id', ids)
    .orderBy('m.id')
    .orderBy('i.id');
  const byId = new Map<number, MemberMatch>();
  for (const r of rows) {
    const m = byId.get(r.id) ?? { id: r.id, displayName: r.display_name, hidden: Boolean(r.hidden), accounts: '' };
    if (r.platform) m.accounts = [m.accounts, `${r.platform}: ${r.username ?? r.external_id}`].filter(Boolean).join(' · ');
    byId.set(r.id, m);
  }
  return [...byId.values()];
}

/**
 * Members someone may mean by `name`: display names and usernames equal to it (any case), or,
 * when none is, those that contain it. Merged-away members are never offered, and hidden ones
 * only to a manager (`all`).
 */
export async function membersNamed(db: Tx, name: string, limit: number, search: MemberSearch = 'all'): Promise<MemberMatch[]> {
  const folded = name.trim().replace(/^@/, '').toLowerCase();
  if (!folded) return [];
  const find = async (op: '=' | 'like', value: string) =>
    (
      await db('members as m')
        .leftJoin('identities as i', 'i.member_id', 'm.id')
        .distinct('m.id')
        .whereNull('m.merged_into')
        .modify((q) => (search === 'visible' ? q.where('m.hidden', false) : q))
        .andWhere((q) =>
          q
            .whereRaw(`LOWER(m.display_name) ${op} ?`, [value])
            .orWhereRaw(`LOWER(i.username) ${op} ?`, [value])
            .orWhereRaw(`LOWER(i.display_name) ${op} ?`, [value])
            .orWhereRaw(`i.external_id = ?`, [name.trim()]),
        )
        .orderBy('m.id')
        .limit(limit)
    ).map((r: { id: number }) => r.id);
  let ids = await find('=', folded);
  if (ids.length === 0) ids = await find('like', `%${folded.replace(/[%_\\]/g, '')}%`);
  return describeMembers(db, ids);
}

export async function memberById(db: Tx, id: number, search: MemberSearch = 'all'): Promise<MemberMatch | null> {
  const found = await db('members')
    .select('id')
    .where({ id })
    .whereNull('merged_into')
    .modify((q) => (search === 'visible' ? q.where('hidden', false) : q))
    .first();
  return found ? ((await describeMembers(db, [id]))[0] ?? null) : null;
}

/** Members behind accounts: `discord` ids, discord usernames, forum (discourse) usernames. Keys are lower-cased usernames. */
export async function membersByAccounts(
  db: Tx,
  wanted: { discordIds: readonly string[]; discordUsernames: readonly string[]; forumUsernames: readonly string[] },
): Promise<{ discordId: Map<string, number>; discordUsername: Map<string, number>; forumUsername: Map<string, number> }> {
  const live = (q: ReturnType<typeof db>) => q.join('members as m', 'm.id', 'i.member_id').whereNull('m.merged_into');
  type Row = { k: string; member_id: number };
  const ids = await inChunks<string, Row>(wanted.discordIds, 1000, (chunk) =>
    live(db('identities as i')).select('i.external_id as k', 'i.member_id').where('i.platform', 'discord').whereIn('i.external_id', chunk),
  );
  const byName = (platform: Platform, names: readonly string[]) =>
    inChunks<string, Row>(
      names.map((n) => n.toLowerCase()),
      1000,
      (chunk) => live(db('identities as i')).select(db.raw('LOWER(i.username) as k'), 'i.member_id').where('i.platform', platform).whereRaw(`LOWER(i.username) IN (${chunk.map(() => '?').join(', ')})`, chunk),
    );
  const asMap = (rows: Row[]) => new Map(rows.map((r) => [r.k, r.member_id]));
  return {
    discordId: asMap(ids),
    discordUsername: asMap(await byName('discord', wanted.discordUsernames)),
    forumUsername: asMap(await byName('discourse', wanted.forumUsernames)),
  };
}

export interface AuditRow {
  at: number;
  actorMemberId: number | null;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: number;
  note: string | null;
}

export async function auditMany(db: Tx, entries: readonly AuditRow[]): Promise<void> {
  await insertRows(
    db,
    'audit_log',
    ['at', 'actor_member_id', 'actor', 'action', 'subject_type', 'subject_id', 'note'],
    entries.map((e) => [e.at, e.actorMemberId, e.actor.slice(0, 200), e.action, e.subjectType, e.subjectId, e.note]),
  );
}

// --- submissions ---------------------------------------------------------------------------

export type SubmissionStatus = 'pending' | 'approved' | 'declined';

export interface Submission {
  id: number;
  memberId: number;
  memberName: string;
  kind: string;
  title: string | null;
  url: string | null;
  event: string | null;
  day: string;
  note: string | null;
  status: SubmissionStatus;
  submittedAt: number;
  decidedAt: number | null;
  decisionNote: string | null;
  activityKey: string | null;
}

const SUBMISSION_COLUMNS = ['s.id', 's.member_id', 'm.display_name', 's.kind', 's.title', 's.url', 's.event', 's.day', 's.note', 's.status', 's.submitted_at', 's.decided_at', 's.decision_note', 's.activity_key'];

const toSubmission = (r: Record<string, unknown>): Submission => ({
  id: Number(r.id),
  memberId: Number(r.member_id),
  memberName: String(r.display_name),
  kind: String(r.kind),
  title: (r.title as string | null) ?? null,
  url: (r.url as string | null) ?? null,
  event: (r.event as string | null) ?? null,
  day: String(r.day),
  note: (r.note as string | null) ?? null,
  status: r.status as SubmissionStatus,
  submittedAt: Number(r.submitted_at),
  decidedAt: r.decided_at === null || r.decided_at === undefined ? null : Number(r.decided_at),
  decisionNote: (r.decision_note as string | null) ?? null,
  activityKey: (r.activity_key as string | null) ?? null,
});

const submissions = (db: Tx) => db('contribution_submissions as s').join('members as m', 'm.id', 's.member_id').select(SUBMISSION_COLUMNS);

export interface NewSubmission {
  memberId: number;
  kind: string;
  title: string | null;
  url: string | null;
  event: string | null;
  day: string;
  note: string | null;
  origin: string;
  at: number;
}

/** Insert a submission; null when its origin was already submitted. */
export async function insertSubmission(db: Tx, s: NewSubmission): Promise<number | null> {
  const rows = await db('contribution_submissions')
    .insert({ member_id: s.memberId, kind: s.kind, title: s.title, url: s.url, event: s.event, day: s.day, note: s.note, origin: s.origin, status: 'pending', submitted_at: s.at })
    .onConflict('origin')
    .ignore()
    .returning('id');
  const row = rows[0] as { id: number } | number | undefined;
  return row === undefined ? null : typeof row === 'number' ? row : Number(row.id);
}

export async function submissionById(db: Tx, id: number): Promise<Submission | null> {
  const row = await submissions(db).where('s.id', id).first();
  return row ? toSubmission(row) : null;
}

export async function pendingSubmissions(db: Tx, limit: number): Promise<Submission[]> {
  return (await submissions(db).where('s.status', 'pending').orderBy('s.submitted_at').orderBy('s.id').limit(limit)).map(toSubmission);
}

export async function submissionsOf(db: Tx, memberId: number, limit: number): Promise<Submission[]> {
  return (await submissions(db).where('s.member_id', memberId).orderBy('s.id', 'desc').limit(limit)).map(toSubmission);
}

/** Record a decision on a pending submission; false when it was no longer pending. */
export async function decideSubmission(
  db: Tx,
  id: number,
  d: { status: 'approved' | 'declined'; at: number; by: number | null; note: string | null; activityKey: string | null },
): Promise<boolean> {
  const changed = await db('contribution_submissions')
    .where({ id, status: 'pending' })
    .update({ status: d.status, decided_at: d.at, decided_by: d.by, decision_note: d.note, activity_key: d.activityKey });
  return Number(changed) === 1;
}

// --- API tokens ----------------------------------------------------------------------------

export interface ApiToken {
  id: number;
  name: string;
  createdBy: number | null;
  createdByLabel: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

const toToken = (r: Record<string, unknown>): ApiToken => ({
  id: Number(r.id),
  name: String(r.name),
  createdBy: r.created_by === null ? null : Number(r.created_by),
  createdByLabel: String(r.created_by_label),
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

export async function insertToken(db: Tx, t: { name: string; hash: string; createdBy: number | null; createdByLabel: string; at: number }): Promise<number> {
  const [row] = await db('api_tokens')
    .insert({ name: t.name, token_hash: t.hash, created_by: t.createdBy, created_by_label: t.createdByLabel, created_at: t.at })
    .returning('id');
  return typeof row === 'number' ? row : Number((row as { id: number }).id);
}

export async function tokenByHash(db: Tx, hash: string): Promise<ApiToken | null> {
  const row = await db('api_tokens').where({ token_hash: hash }).first();
  return row ? toToken(row) : null;
}

export async function allTokens(db: Tx): Promise<ApiToken[]> {
  return (await db('api_tokens').select('*').orderBy('id', 'desc')).map(toToken);
}

export async function revokeToken(db: Tx, id: number, at: number): Promise<boolean> {
  return Number(await db('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: at })) === 1;
}

export async function touchToken(db: Tx, id: number, at: number): Promise<void> {
  await db('api_tokens').where({ id }).update({ last_used_at: at });
}

/**
 * What the fair-play rules read back (pair usage, answers waiting for an endorsement, endorsed
 * help, answers by source), the managers' review queue, and exclusions from boards and badges.
 */
import type { LiveAward } from '../domain/rules.js';
import type { Kind } from '../domain/kinds.js';
import { inChunks } from './bulk.js';
import { toLiveAward } from './awards-repo.js';
import type { Tx } from './knex.js';

const IN_CHUNK = 1000;
const DAY = 86_400_000;
const STANDING = 'w.cancels_activity_id IS NULL AND NOT EXISTS (SELECT 1 FROM awards r WHERE r.cancels_activity_id = w.activity_id)';
const EARNED = `w.reason IN ('awarded', 'daily_cap')`;

/**
 * Earned awards of `kinds` received by `memberIds` on days in [fromDay, toDay], with their
 * counterparts. Bounded by time too (a day either side covers any time zone), so the member-and-time
 * index serves it: the busiest members' whole histories are not read on every batch.
 */
export async function pairPayments(
  db: Tx,
  kinds: readonly Kind[],
  memberIds: readonly number[],
  fromDay: string,
  toDay: string,
): Promise<Array<{ kind: Kind; memberId: number; counterpartId: number; day: string }>> {
  const from = Date.parse(`${fromDay}T00:00:00Z`) - DAY;
  const to = Date.parse(`${toDay}T00:00:00Z`) + 2 * DAY;
  const rows = await inChunks(memberIds, IN_CHUNK, (chunk) =>
    db('awards as w')
      .select('w.kind', 'w.member_id', 'w.counterpart_member_id', 'w.day')
      .whereIn('w.member_id', chunk)
      .andWhere('w.occurred_at', '>=', from)
      .andWhere('w.occurred_at', '<', to)
      .whereIn('w.kind', kinds)
      .whereNotNull('w.counterpart_member_id')
      .whereNull('w.cancels_activity_id')
      .andWhere(db.raw(EARNED)),
  );
  return rows
    .filter((r) => r.day >= fromDay && r.day <= toDay)
    .map((r) => ({ kind: r.kind, memberId: r.member_id, counterpartId: r.counterpart_member_id, day: r.day }));
}

/** Counted answers of `memberIds` to `subjects` still waiting for an endorsement (standing, never paid). */
export async function pendingAnswers(db: Tx, memberIds: readonly number[], subjects: readonly string[]): Promise<LiveAward[]> {
  const members = new Set(memberIds);
  const rows = await inChunks(subjects, IN_CHUNK, (chunk) =>
    db('activities as a')
      .join('awards as w', 'w.activity_id', 'a.id')
      .select('w.*', 'a.source_ref', 'a.subject_ref')
      .whereIn('a.subject_ref', chunk)
      .andWhere('a.kind', 'answer_posted')
      .andWhere('w.kind', 'answer_posted')
      .andWhere('w.reason', 'unendorsed')
      .andWhere(db.raw(STANDING))
      .whereNotExists(db('awards as p').select(db.raw('1')).whereRaw('p.activity_id = w.activity_id').andWhereRaw(`p.reason IN ('awarded', 'daily_cap')`)),
  );
  return rows.filter((r) => members.has(r.member_id)).map(toLiveAward);
}

/**
 * Members' help in questions that someone else already endorsed: an answer of theirs that earned
 * there, or an endorsement (like, thanks, acceptance) naming the question.
 */
export async function endorsedHelp(db: Tx, memberIds: readonly number[], subjects: readonly string[]): Promise<Array<{ memberId: number; subjectRef: string }>> {
  const rows = await inChunks(subjects, IN_CHUNK, (chunk) =>
    db('awards as w')
      .join('activities as a', 'a.id', 'w.activity_id')
      .distinct('w.member_id', 'a.subject_ref')
      .whereIn('a.subject_ref', chunk)
      .whereIn('w.kind', ['answer_posted', 'reaction_received', 'thanks_received', 'answer_accepted'])
      .whereNull('w.cancels_activity_id')
      .andWhere(db.raw(EARNED))
      .andWhere((q) => q.where('w.kind', 'answer_posted').orWhere((e) => e.whereNotNull('w.counterpart_member_id').andWhereRaw('w.counterpart_member_id <> w.member_id'))),
  );
  const wanted = new Set(memberIds);
  return rows.filter((r) => wanted.has(r.member_id)).map((r) => ({ memberId: r.member_id, subjectRef: r.subject_ref }));
}

/** Answers recorded before ledger id `beforeId` under one of `sources`. */
export async function answersBySource(db: Tx, sources: readonly string[], beforeId: number): Promise<Array<{ sourceRef: string; memberId: number; subjectRef: string }>> {
  const rows = await inChunks(sources, IN_CHUNK, (chunk) =>
    db('activities')
      .select('source_ref', 'member_id', 'subject_ref')
      .whereIn('source_ref', chunk)
      .andWhere('kind', 'answer_posted')
      .whereNotNull('subject_ref')
      .andWhere('id', '<', beforeId),
  );
  return rows.map((r) => ({ sourceRef: r.source_ref, memberId: r.member_id, subjectRef: r.subject_ref }));
}

/** What others paid one member, per counterpart, and how much of it came from accounts new at the time. */
export interface Payments {
  memberId: number;
  displayName: string;
  excluded: boolean;
  points: number;
  byCounterpart: Array<{ memberId: number; displayName: string; points: number }>;
  fromNewAccounts: number;
}

/**
 * Listed-or-excluded community members (not staff, bots or hidden) with at least `minPoints`, and
 * what others paid them: standing points of awards with another member as counterpart, per
 * counterpart, and the part paid by accounts first seen less than `newAccountMs` before paying and
 * within `newAccountMs` of the member.
 */
export async function paymentsOf(db: Tx, minPoints: number, newAccountMs: number): Promise<Payments[]> {
  const totals: Array<{ member_id: number; display_name: string; excluded: boolean | number; points: number | string }> = await db('awards as w')
    .join('members as m', 'm.id', 'w.member_id')
    .select('w.member_id', 'm.display_name', 'm.excluded')
    .sum({ points: 'w.points' })
    .where({ 'm.hidden': false, 'm.is_staff': false, 'm.is_bot': false })
    .groupBy('w.member_id', 'm.display_name', 'm.excluded')
    .havingRaw('SUM(w.points) >= ?', [minPoints]);
  const ids = totals.map((t) => t.member_id);
  type Paid = { member_id: number; counterpart_member_id: number; display_name: string; points: number | string; fresh: number | string | null };
  const paid: Paid[] = await inChunks(ids, IN_CHUNK, (chunk) =>
    db('awards as w')
      .join('members as c', 'c.id', 'w.counterpart_member_id')
      .select('w.member_id', 'w.counterpart_member_id', 'c.display_name')
      .sum({ points: 'w.points' })
      // Fresh: first seen just before paying, and within the same days as the member paid (accounts
      // made together); newcomers paying an established helper are the community growing, not this.
      .sum({
        fresh: db.raw('CASE WHEN w.occurred_at - c.first_seen_at < ? AND c.first_seen_at - m.first_seen_at < ? AND m.first_seen_at - c.first_seen_at < ? THEN w.points ELSE 0 END', [
          newAccountMs,
          newAccountMs,
          newAccountMs,
        ]),
      })
      .join('members as m', 'm.id', 'w.member_id')
      .whereIn('w.member_id', chunk)
      .andWhereRaw('w.counterpart_member_id <> w.member_id')
      // Staff and bots paying (a manager accepting an answer, a welcome bot) are trusted, not a ring.
      .andWhere({ 'c.is_staff': false, 'c.is_bot': false })
      .groupBy('w.member_id', 'w.counterpart_member_id', 'c.display_name'),
  );
  const byMember = new Map<number, Payments>(
    totals.map((t) => [t.member_id, { memberId: t.member_id, displayName: t.display_name, excluded: Boolean(t.excluded), points: Number(t.points), byCounterpart: [], fromNewAccounts: 0 }]),
  );
  for (const p of paid) {
    const m = byMember.get(p.member_id)!;
    if (Number(p.points) <= 0) continue;
    m.byCounterpart.push({ memberId: p.counterpart_member_id, displayName: p.display_name, points: Number(p.points) });
    m.fromNewAccounts += Math.max(0, Number(p.fresh));
  }
  for (const m of byMember.values()) m.byCounterpart.sort((a, b) => b.points - a.points || a.memberId - b.memberId);
  return [...byMember.values()];
}

/** Members of `memberIds` excluded from boards and badges. */
export async function excludedAmong(db: Tx, memberIds: readonly number[]): Promise<Set<number>> {
  const rows = await inChunks(memberIds, 2000, (chunk) => db('members').select('id').whereIn('id', chunk).andWhere('excluded', true));
  return new Set(rows.map((r: { id: number }) => r.id));
}

export interface Exclusion {
  id: number;
  memberId: number;
  excludedAt: number;
  reason: string;
  reinstatedAt: number | null;
}

export async function openExclusion(db: Tx, memberId: number): Promise<Exclusion | null> {
  const r = await db('exclusions').where({ member_id: memberId }).whereNull('reinstated_at').first();
  return r ? { id: Number(r.id), memberId: r.member_id, excludedAt: Number(r.excluded_at), reason: r.reason, reinstatedAt: null } : null;
}

export async function recordExclusion(db: Tx, memberId: number, by: number | null, reason: string, at: number): Promise<number> {
  const [row] = await db('exclusions').insert({ member_id: memberId, excluded_at: at, excluded_by: by, reason }).returning('id');
  await db('members').where({ id: memberId }).update({ excluded: true });
  return Number(typeof row === 'object' ? row.id : row);
}

export async function recordReinstatement(db: Tx, memberId: number, by: number | null, note: string | null, at: number): Promise<void> {
  // A merge can leave a member two open exclusions (one from each account): reinstating lifts both.
  await db('exclusions').where({ member_id: memberId }).whereNull('reinstated_at').update({ reinstated_at: at, reinstated_by: by, reinstate_note: note });
  await db('members').where({ id: memberId }).update({ excluded: false });
}

/** Open exclusions, newest first, with the member's name. */
export async function exclusionsOpen(db: Tx): Promise<Array<Exclusion & { displayName: string }>> {
  const rows = await db('exclusions as x').join('members as m', 'm.id', 'x.member_id').select('x.*', 'm.display_name').whereNull('x.reinstated_at').orderBy('x.id', 'desc');
  return rows.map((r) => ({ id: Number(r.id), memberId: r.member_id, excludedAt: Number(r.excluded_at), reason: r.reason, reinstatedAt: null, displayName: r.display_name }));
}

/** Set `members.excluded` of `memberIds` from their open exclusions (after a merge moved them). */
export async function syncExcluded(db: Tx, memberIds: readonly number[]): Promise<void> {
  for (const id of memberIds) {
    const open = await db('exclusions').where({ member_id: id }).whereNull('reinstated_at').first();
    await db('members').where({ id }).update({ excluded: Boolean(open) });
  }
}

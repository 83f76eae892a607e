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
const STANDING = 'w.cancels_activity_id IS NULL AND NOT EXISTS (SELECT 1 FROM awards r WHERE r.cancels_activity_id = w.activity_id)';
const EARNED = `w.reason IN ('awarded', 'daily_cap')`;

/** Earned awards of `kinds` received by `memberIds` on days in [fromDay, toDay], with their counterparts. */
export async function pairPayments(
  db: Tx,
  kinds: readonly Kind[],
  memberIds: readonly number[],
  fromDay: string,
  toDay: string,
): Promise<Array<{ kind: Kind; memberId: number; counterpartId: number; day: string }>> {
  const rows = await inChunks(memberIds, IN_CHUNK, (chunk) =>
    db('awards as w')
      .select('w.kind', 'w.member_id', 'w.counterpart_member_id', 'w.day')
      .whereIn('w.member_id', chunk)
      .whereIn('w.kind', kinds)
      .whereNotNull('w.counterpart_member_id')
      .whereNull('w.cancels_activity_id')
      .andWhere(db.raw(EARNED))
      .andWhere('w.day', '>=', fromDay)
      .andWhere('w.day', '<=', toDay),
  );
  return rows.map((r) => ({ kind: r.kind, memberId: r.member_id, counterpartId: r.counterpart_member_id, day: r.day }));
}

/** Counted answers of `memberIds` still waiting for an endorsement (standing, never paid). */
export async function pendingAnswers(db: Tx, memberIds: readonly number[]): Promise<LiveAward[]> {
  const rows = await inChunks(memberIds, IN_CHUNK, (chunk) =>
    db('awards as w')
      .join('activities as a', 'a.id', 'w.activity_id')
      .select('w.*', 'a.source_ref', 'a.subject_ref')
      .whereIn('w.member_id', chunk)
      .andWhere('w.kind', 'answer_posted')
      .andWhere('w.reason', 'unendorsed')
      .andWhere(db.raw(STANDING))
      .whereNotExists(db('awards as p').select(db.raw('1')).whereRaw('p.activity_id = w.activity_id').andWhereRaw(`p.reason IN ('awarded', 'daily_cap')`)),
  );
  return rows.map(toLiveAward);
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

/** What the data says about members, for the nomination queue and suggested candidates. */
import type { CandidateFacts } from '../domain/champions.js';
import { HELPING_KINDS } from '../domain/kinds.js';
import { ANY } from '../domain/scoring.js';
import { earning } from './awards-repo.js';
import { boardId } from './boards.js';
import { inChunks } from './bulk.js';
import { listed } from './scores-repo.js';
import type { Tx } from './knex.js';


type Counted = { member_id: number; kind: string; n: number | string };

/** Facts per member: accepted answers (all time), reach, active months and the share of answering since `since` (a local day). */
export async function candidateFacts(db: Tx, memberIds: readonly number[], since: string): Promise<CandidateFacts[]> {
  const facts = new Map<number, CandidateFacts>(memberIds.map((id) => [id, { memberId: id, acceptedAnswers: 0, reach: 0, activeMonths: 0, supportShare: 0 }]));
  const accepted = await inChunks(memberIds, 1000, (chunk) =>
    db('awards as w').select('w.member_id').count({ n: '*' }).whereIn('w.member_id', chunk).andWhere('w.kind', 'answer_accepted').andWhere(earning(db)).groupBy('w.member_id') as unknown as Promise<Counted[]>,
  );
  for (const r of accepted) facts.get(r.member_id)!.acceptedAnswers = Number(r.n);
  const reach = await inChunks(memberIds, 1000, (chunk) =>
    db('member_helped').select('member_id').count({ n: '*' }).whereIn('member_id', chunk).andWhere('helps', '>', 0).groupBy('member_id') as unknown as Promise<Counted[]>,
  );
  for (const r of reach) facts.get(r.member_id)!.reach = Number(r.n);
  const months = await inChunks(memberIds, 1000, (chunk) =>
    db('member_days').select('member_id', 'day').whereIn('member_id', chunk).andWhere('produced', '>', 0).andWhere('day', '>=', since),
  );
  const distinct = new Map<number, Set<string>>();
  for (const r of months) {
    const set = distinct.get(r.member_id) ?? new Set<string>();
    set.add(String(r.day).slice(0, 7));
    distinct.set(r.member_id, set);
  }
  for (const [id, set] of distinct) facts.get(id)!.activeMonths = set.size;
  const produced = await inChunks(memberIds, 1000, (chunk) =>
    db('awards as w')
      .select('w.member_id', 'w.kind')
      .count({ n: '*' })
      .whereIn('w.member_id', chunk)
      .andWhere('w.production', true)
      .andWhere('w.day', '>=', since)
      .andWhere(earning(db))
      .groupBy('w.member_id', 'w.kind') as unknown as Promise<Counted[]>,
  );
  const totals = new Map<number, { all: number; helping: number }>();
  for (const r of produced) {
    const t = totals.get(r.member_id) ?? { all: 0, helping: 0 };
    t.all += Number(r.n);
    if (HELPING_KINDS.has(r.kind as never)) t.helping += Number(r.n);
    totals.set(r.member_id, t);
  }
  for (const [id, t] of totals) facts.get(id)!.supportShare = t.all ? t.helping / t.all : 0;
  return [...facts.values()];
}

export interface Contribution {
  kind: string;
  at: number;
  url: string | null;
  points: number;
  /** What it was about: its own title (a topic, a publication) or the question's it answered; null when none is known. */
  title: string | null;
}

/** A title kept in an activity's payload, if any. */
const titleIn = (payload: unknown): string | null => {
  if (typeof payload !== 'string' || payload === '') return null;
  try {
    const p = JSON.parse(payload) as { title?: unknown };
    return typeof p.title === 'string' && p.title.trim() !== '' ? p.title : null;
  } catch {
    return null;
  }
};

/** A member's most recent contributions for others. */
export async function recentContributions(db: Tx, memberId: number, limit: number): Promise<Contribution[]> {
  // The thread or topic an answer belongs to carries the title, on the activity that opened it.
  const opened = db('activities as q')
    .select('q.payload')
    .whereRaw('q.subject_ref = a.subject_ref')
    .whereIn('q.kind', ['question_asked', 'topic_created'])
    .whereNotNull('q.payload')
    .limit(1);
  const rows = await db('awards as w')
    .join('activities as a', 'a.id', 'w.activity_id')
    .select('w.kind', 'w.occurred_at', 'a.source_url', 'w.points', 'a.payload', opened.as('opened_payload'))
    .where('w.member_id', memberId)
    .andWhere('w.production', true)
    .andWhere(earning(db))
    .orderBy('w.occurred_at', 'desc')
    .limit(limit);
  return rows.map((r) => ({
    kind: r.kind,
    at: Number(r.occurred_at),
    url: r.source_url ?? null,
    points: Number(r.points),
    title: titleIn(r.payload) ?? titleIn(r.opened_payload),
  }));
}

/** Listed members (not hidden, staff or bots) with the most points, who are neither serving nor waiting for review. */
export async function candidatePool(db: Tx, size: number): Promise<number[]> {
  const rows = await db('scores as s')
    .join('members as m', 'm.id', 's.member_id')
    .select('s.member_id')
    .where('s.board_id', boardId(db, { period: 'all', periodStart: 'all', space: ANY, platform: ANY }))
    .andWhere(listed(db))
    .whereNotExists(db('champions as c').select(db.raw('1')).whereRaw('c.member_id = s.member_id').andWhere('c.status', 'active'))
    .whereNotExists(db('nominations as n').select(db.raw('1')).whereRaw('n.member_id = s.member_id').andWhere('n.status', 'pending'))
    .orderBy('s.points', 'desc')
    .limit(size);
  return rows.map((r: { member_id: number }) => r.member_id);
}

/** Points earned and contributions made since `from` (e.g. a champion's appointment). */
export async function activitySince(db: Tx, memberId: number, from: number): Promise<{ points: number; contributions: number }> {
  const row = await db('awards as w')
    .where('w.member_id', memberId)
    .andWhere('w.occurred_at', '>=', from)
    .andWhere(earning(db))
    .select(db.raw('COALESCE(SUM(w.points), 0) AS points'), db.raw('COALESCE(SUM(CASE WHEN w.production THEN 1 ELSE 0 END), 0) AS contributions'))
    .first();
  return { points: Number(row?.points ?? 0), contributions: Number(row?.contributions ?? 0) };
}

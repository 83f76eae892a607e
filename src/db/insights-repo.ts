/** The histories the insight functions read: a handful of grouped queries, never a ledger scan per member. */
import type { Platform, Space } from '../domain/kinds.js';
import type { Question, Reply } from '../domain/insights.js';
import type { Stage } from '../domain/stages.js';
import { ANY } from '../domain/scoring.js';
import { earning } from './awards-repo.js';
import { inChunks, IN_LIST } from './bulk.js';
import type { Tx } from './knex.js';

/** Community members: not bots, not staff (hidden members still count in totals). */
const community = (db: Tx, alias = 'm') => db.raw(`${alias}.is_bot = ? AND ${alias}.is_staff = ?`, [false, false]);


export interface Filter {
  platform: Platform | null;
  /** First and last day (inclusive, 'YYYY-MM-DD') of the range. */
  from: string;
  to: string;
}

/** Members per stage; with a platform, only members who have an account there. */
export async function stageCounts(db: Tx, platform: Platform | null = null): Promise<Partial<Record<Stage, number>>> {
  const q = db('members as m').select('m.stage').count({ n: '*' }).whereNotNull('m.stage').andWhere(community(db)).groupBy('m.stage');
  const rows: Array<{ stage: Stage; n: number | string }> = await ((platform
    ? q.whereExists(db('identities as i').select(db.raw('1')).whereRaw('i.member_id = m.id').andWhere('i.platform', platform))
    : q) as unknown as Promise<Array<{ stage: Stage; n: number | string }>>);
  return Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]));
}

/** Stage changes since `since` (ms), each with the stage before it. */
export async function stageChangesSince(db: Tx, since: number): Promise<Array<{ from: Stage | null; to: Stage }>> {
  const moved = db('stage_transitions').select('member_id').where('at', '>=', since);
  const rows: Array<{ member_id: number; stage: Stage; at: number }> = await db('stage_transitions as t')
    .join('members as m', 'm.id', 't.member_id')
    .select('t.member_id', 't.stage', 't.at')
    .whereIn('t.member_id', moved)
    .andWhere(community(db))
    .orderBy(['t.member_id', 't.at']);
  const out: Array<{ from: Stage | null; to: Stage }> = [];
  let previous: { member: number; stage: Stage } | null = null;
  for (const r of rows) {
    const from = previous && previous.member === r.member_id ? previous.stage : null;
    if (Number(r.at) >= since) out.push({ from, to: r.stage });
    previous = { member: r.member_id, stage: r.stage };
  }
  return out;
}

/**
 * Members with when they were first seen and first produced for someone else — on one platform
 * when asked (read from the awards there), everywhere otherwise (the members' running firsts).
 */
export async function joinsAndFirstProductions(db: Tx, platform: Platform | null = null): Promise<Array<{ memberId: number; firstSeen: number; firstProduction: number | null }>> {
  if (platform) {
    const rows: any[] = await db('awards as w')
      .join('members as m', 'm.id', 'w.member_id')
      .select('w.member_id')
      .min({ first_seen: 'w.occurred_at' })
      .min({ first_production: db.raw('CASE WHEN w.production THEN w.occurred_at END') })
      .where('w.platform', platform)
      .andWhere(community(db))
      .whereNull('w.cancels_activity_id')
      .groupBy('w.member_id');
    return rows.map((r) => ({ memberId: r.member_id, firstSeen: Number(r.first_seen), firstProduction: r.first_production === null ? null : Number(r.first_production) }));
  }
  const rows: any[] = await db('members as m')
    .leftJoin('member_days as d', function () {
      this.on('d.member_id', '=', 'm.id').andOn('d.produced', '>', db.raw('0'));
    })
    .select('m.id', 'm.first_seen_at')
    .min({ first_production: 'd.produced_at' })
    .whereNotNull('m.first_seen_at')
    .andWhere(community(db))
    .groupBy('m.id', 'm.first_seen_at');
  return rows.map((r: { id: number; first_seen_at: number; first_production: number | null }) => ({
    memberId: r.id,
    firstSeen: Number(r.first_seen_at),
    firstProduction: r.first_production === null ? null : Number(r.first_production),
  }));
}

/** Members' first and last productions for someone else (on one platform, if asked), for new and lapsed contributors. */
export async function productionSpans(db: Tx, platform: Platform | null): Promise<Array<{ memberId: number; first: number; last: number; stage: Stage | null; name: string; hidden: boolean }>> {
  // member_days keeps no platform: with a platform filter, read the producing awards instead.
  const q = platform
    ? db('awards as w')
        .join('members as m', 'm.id', 'w.member_id')
        .select('m.id', 'm.stage', 'm.display_name', 'm.hidden')
        .min({ first: 'w.occurred_at' })
        .max({ last: 'w.occurred_at' })
        .where('w.production', true)
        .andWhere('w.platform', platform)
        .andWhere(earning(db))
    : db('member_days as d')
        .join('members as m', 'm.id', 'd.member_id')
        .select('m.id', 'm.stage', 'm.display_name', 'm.hidden')
        .min({ first: 'd.produced_at' })
        .max({ last: 'd.produced_at' })
        .where('d.produced', '>', 0);
  const rows: any[] = await q.andWhere(community(db)).groupBy('m.id', 'm.stage', 'm.display_name', 'm.hidden');
  return rows.map((r: { id: number; stage: Stage | null; display_name: string; hidden: number | boolean; first: number; last: number }) => ({
    memberId: r.id,
    first: Number(r.first),
    last: Number(r.last),
    stage: r.stage,
    name: r.display_name,
    hidden: Boolean(r.hidden),
  }));
}

/** Answers and accepted answers per month, by staff or not (bots left out). */
export async function answersByMonth(db: Tx, f: Filter): Promise<Array<{ month: string; kind: 'answer_posted' | 'answer_accepted'; staff: boolean; count: number }>> {
  const q = db('awards as w')
    .join('members as m', 'm.id', 'w.member_id')
    .select(db.raw('substr(w.day, 1, 7) AS month'), 'w.kind', 'm.is_staff')
    .count({ n: '*' })
    .whereIn('w.kind', ['answer_posted', 'answer_accepted'])
    .andWhere('m.is_bot', false)
    .andWhere('w.day', '>=', f.from)
    .andWhere('w.day', '<=', f.to)
    .andWhere(earning(db))
    // One raw GROUP BY: knex drops the columns that follow a raw first argument.
    .groupBy(db.raw('substr(w.day, 1, 7), w.kind, m.is_staff'));
  const rows: any[] = await (f.platform ? q.andWhere('w.platform', f.platform) : q);
  return rows.map((r: { month: string; kind: 'answer_posted' | 'answer_accepted'; is_staff: number | boolean; n: number | string }) => ({
    month: r.month,
    kind: r.kind,
    staff: Boolean(r.is_staff),
    count: Number(r.n),
  }));
}

/** Answers per community member in the range. */
export async function answersPerMember(db: Tx, f: Filter): Promise<number[]> {
  const q = db('awards as w')
    .join('members as m', 'm.id', 'w.member_id')
    .select('w.member_id')
    .count({ n: '*' })
    .where('w.kind', 'answer_posted')
    .andWhere(community(db))
    .andWhere('w.day', '>=', f.from)
    .andWhere('w.day', '<=', f.to)
    .andWhere(earning(db))
    .groupBy('w.member_id');
  const rows: any[] = await (f.platform ? q.andWhere('w.platform', f.platform) : q);
  return rows.map((r) => Number(r.n));
}

/** Questions asked in the range, the replies to them, and whether a standing acceptance solved them. */
export async function questionsAndReplies(db: Tx, f: Filter, fromMs: number, toMs: number): Promise<{ questions: Question[]; replies: Reply[] }> {
  const q = db('activities as a')
    .select('a.id', 'a.natural_key', 'a.subject_ref', 'a.occurred_at', 'a.member_id', 'a.source_url', 'a.payload')
    .where('a.kind', 'question_asked')
    .andWhere('a.occurred_at', '>=', fromMs)
    .andWhere('a.occurred_at', '<', toMs)
    .whereNotExists(db('activities as r').select(db.raw('1')).whereRaw('r.reverses = a.source_ref'));
  const asked = await (f.platform ? q.andWhere('a.platform', f.platform) : q);
  const refOf = (r: { subject_ref: string | null; natural_key: string }) => r.subject_ref ?? r.natural_key;
  const refs = asked.map(refOf);
  const replies: Reply[] = [];
  const solved = new Set<string>();
  for (let i = 0; i < refs.length; i += 500) {
    const chunk = refs.slice(i, i + 500);
    const rows = await db('activities as a')
      .join('members as m', 'm.id', 'a.member_id')
      .select('a.subject_ref', 'a.occurred_at', 'a.member_id', 'm.is_bot')
      .where('a.kind', 'answer_posted')
      .whereIn('a.subject_ref', chunk)
      .whereNotExists(db('activities as r').select(db.raw('1')).whereRaw('r.reverses = a.source_ref'));
    for (const r of rows) replies.push({ questionRef: r.subject_ref, at: Number(r.occurred_at), authorId: r.member_id, isBot: Boolean(r.is_bot) });
    const accepted = await db('activities as a')
      .select('a.subject_ref')
      .where('a.kind', 'answer_accepted')
      .whereIn('a.subject_ref', chunk)
      .whereNotExists(db('activities as r').select(db.raw('1')).whereRaw('r.reverses = a.source_ref'));
    for (const r of accepted) solved.add(r.subject_ref);
  }
  const titleOf = (payload: string | null): string | null => {
    if (!payload) return null;
    try {
      const p = JSON.parse(payload) as { title?: unknown };
      return typeof p.title === 'string' ? p.title : null;
    } catch {
      return null;
    }
  };
  const questions = asked.map((r: { natural_key: string; subject_ref: string | null; occurred_at: number; member_id: number; source_url: string | null; payload: string | null }) => ({
    ref: refOf(r),
    askedAt: Number(r.occurred_at),
    askerId: r.member_id,
    url: r.source_url,
    title: titleOf(r.payload),
    solved: solved.has(refOf(r)),
  }));
  return { questions, replies };
}

/** Points per month and space (all members), for activity over time. */
export async function pointsBySpace(db: Tx, f: Filter): Promise<Array<{ month: string; space: Space; points: number }>> {
  const rows: any[] = await db('scores as s')
    .join('boards as b', 'b.id', 's.board_id')
    .select('b.period_start', 'b.space')
    .sum({ points: 's.points' })
    .where({ 'b.period': 'month', 'b.platform': f.platform ?? ANY })
    .whereNot('b.space', ANY)
    .andWhere('b.period_start', '>=', f.from.slice(0, 7) + '-01')
    .andWhere('b.period_start', '<=', f.to)
    .groupBy('b.period_start', 'b.space');
  return rows.map((r: { period_start: string; space: Space; points: number | string }) => ({ month: r.period_start.slice(0, 7), space: r.space, points: Number(r.points) }));
}

/** Monthly points of community members from `fromMonth` to `toMonth` (days, inclusive), for affinity. */
export async function monthlyPoints(db: Tx, fromMonth: string, toMonth = '9999-12-31', platform: Platform | null = null): Promise<Array<{ memberId: number; month: string; points: number }>> {
  const rows = await db('scores as s')
    .join('boards as b', 'b.id', 's.board_id')
    .join('members as m', 'm.id', 's.member_id')
    .select('s.member_id', 'b.period_start', 's.points')
    .where({ 'b.period': 'month', 'b.space': ANY, 'b.platform': platform ?? ANY })
    .andWhere('b.period_start', '>=', fromMonth)
    .andWhere('b.period_start', '<=', toMonth)
    .andWhere(community(db))
    .andWhere('s.points', '>', 0);
  return rows.map((r: { member_id: number; period_start: string; points: number }) => ({ memberId: r.member_id, month: r.period_start.slice(0, 7), points: Number(r.points) }));
}

/** Everyone who has ever been a champion (alumni included). */
export async function everChampions(db: Tx): Promise<Set<number>> {
  return new Set((await db('champions').distinct('member_id')).map((c: { member_id: number }) => c.member_id));
}

/** Members serving a champion term now, among `memberIds`. */
export async function activeChampionsAmong(db: Tx, memberIds: readonly number[]): Promise<Set<number>> {
  const rows = await inChunks(memberIds, IN_LIST, (c) => db('champions').select('member_id').whereIn('member_id', c).andWhere('status', 'active'));
  return new Set(rows.map((c: { member_id: number }) => c.member_id));
}

/** Reach: how many different members each member has helped (of `memberIds`, or everyone's). */
export async function reachOf(db: Tx, memberIds?: readonly number[]): Promise<Map<number, number>> {
  const q = (chunk?: number[]) => {
    const rows = db('member_helped').select('member_id').count({ n: '*' }).where('helps', '>', 0).groupBy('member_id');
    return (chunk ? rows.whereIn('member_id', chunk) : rows) as unknown as Promise<Array<{ member_id: number; n: number | string }>>;
  };
  const rows = memberIds ? await inChunks(memberIds, IN_LIST, q) : await q();
  return new Map(rows.map((r) => [r.member_id, Number(r.n)]));
}

/** The names of the visible (not hidden) members among `memberIds`. */
export async function visibleNames(db: Tx, memberIds: readonly number[]): Promise<Map<number, string>> {
  const rows: Array<{ id: number; display_name: string }> = await inChunks(memberIds, IN_LIST, (c) => db('members').select('id', 'display_name').whereIn('id', c).andWhere('hidden', false));
  return new Map(rows.map((m) => [m.id, m.display_name]));
}

export interface ExportableMember {
  id: number;
  displayName: string;
  stage: Stage | null;
  firstSeenAt: number | null;
}

/** Members a CRM export may name: never staff or bots; unless `everyone`, only visible members who agreed to be shared. */
export async function exportableMembers(db: Tx, everyone: boolean): Promise<ExportableMember[]> {
  const q = db('members as m').select('m.id', 'm.display_name', 'm.stage', 'm.first_seen_at').where({ 'm.is_bot': false, 'm.is_staff': false }).orderBy('m.id');
  const rows = await (everyone ? q : q.andWhere({ 'm.hidden': false, 'm.share_consent': true }));
  return rows.map((m: { id: number; display_name: string; stage: Stage | null; first_seen_at: number | null }) => ({ id: m.id, displayName: m.display_name, stage: m.stage, firstSeenAt: m.first_seen_at }));
}

/** The members' accounts, oldest first for each member. */
export async function accountsOfMembers(db: Tx, memberIds: readonly number[]): Promise<Array<{ memberId: number; platform: string; externalId: string; username: string | null }>> {
  const rows = await inChunks(memberIds, IN_LIST, (c) => db('identities').select('member_id', 'platform', 'external_id', 'username').whereIn('member_id', c).orderBy('id'));
  return rows.map((i: { member_id: number; platform: string; external_id: string; username: string | null }) => ({ memberId: i.member_id, platform: i.platform, externalId: i.external_id, username: i.username }));
}

/** The badges the members hold (unrevoked awards), one row per award. */
export async function heldBadgeIds(db: Tx, memberIds: readonly number[]): Promise<Array<{ memberId: number; badgeId: string }>> {
  const rows = await inChunks(memberIds, IN_LIST, (c) => db('badge_awards').select('member_id', 'badge_id').whereIn('member_id', c).whereNull('revoked_at'));
  return rows.map((b: { member_id: number; badge_id: string }) => ({ memberId: b.member_id, badgeId: b.badge_id }));
}

/** When each member first produced something (members who never did are absent). */
export async function firstProductionOf(db: Tx, memberIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await inChunks(memberIds, IN_LIST, (c) =>
    db('member_days').select('member_id').min({ at: 'produced_at' }).whereIn('member_id', c).andWhere('produced', '>', 0).groupBy('member_id') as Promise<Array<{ member_id: number; at: number | string }>>,
  );
  return new Map(rows.map((f) => [f.member_id, Number(f.at)]));
}

/** Nominations, endorsements, champion terms and the audit log. */
import type { NominationKind, NominationStatus } from '../domain/champions.js';
import type { Space } from '../domain/kinds.js';
import { IN_LIST, inChunks } from './bulk.js';
import type { Tx } from './knex.js';

export interface NominationRow {
  id: number;
  memberId: number;
  memberName: string;
  nominatedBy: number | null;
  nominatorName: string | null;
  kind: NominationKind;
  reason: string;
  space: Space;
  evidence: string[];
  status: NominationStatus;
  decisionNote: string | null;
  decidedAt: number | null;
  createdAt: number;
}

const nominationColumns = [
  'n.id',
  'n.member_id',
  'm.display_name as member_name',
  'n.nominated_by',
  'b.display_name as nominator_name',
  'n.kind',
  'n.reason',
  'n.space',
  'n.evidence',
  'n.status',
  'n.decision_note',
  'n.decided_at',
  'n.created_at',
];

const toNomination = (r: Record<string, any>): NominationRow => ({
  id: r.id,
  memberId: r.member_id,
  memberName: r.member_name,
  nominatedBy: r.nominated_by,
  nominatorName: r.nominator_name ?? null,
  kind: r.kind,
  reason: r.reason,
  space: r.space,
  evidence: JSON.parse(r.evidence),
  status: r.status,
  decisionNote: r.decision_note,
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  createdAt: Number(r.created_at),
});

const nominations = (db: Tx) =>
  db('nominations as n').join('members as m', 'm.id', 'n.member_id').leftJoin('members as b', 'b.id', 'n.nominated_by').select(nominationColumns);

export async function nominationById(db: Tx, id: number): Promise<NominationRow | null> {
  const row = await nominations(db).where('n.id', id).first();
  return row ? toNomination(row) : null;
}

export async function nominationByOrigin(db: Tx, origin: string): Promise<{ id: number } | null> {
  return (await db('nominations').select('id').where({ origin }).first()) ?? (await db('endorsements').select('nomination_id as id').where({ origin }).first()) ?? null;
}

export async function pendingNominations(db: Tx): Promise<NominationRow[]> {
  return (await nominations(db).where('n.status', 'pending').orderBy('n.created_at')).map(toNomination);
}

export async function pendingFor(db: Tx, memberId: number): Promise<{ id: number } | null> {
  return (await db('nominations').select('id').where({ member_id: memberId, status: 'pending' }).first()) ?? null;
}

export interface EndorsementRow {
  nominationId: number;
  memberName: string | null;
  reason: string;
  createdAt: number;
}

export async function endorsementsOf(db: Tx, nominationIds: readonly number[]): Promise<EndorsementRow[]> {
  if (nominationIds.length === 0) return [];
  const rows = await inChunks(nominationIds, IN_LIST, (chunk) =>
    db('endorsements as e').leftJoin('members as m', 'm.id', 'e.member_id').select('e.nomination_id', 'm.display_name', 'e.reason', 'e.created_at').whereIn('e.nomination_id', chunk),
  );
  rows.sort((a, b) => Number(a.created_at) - Number(b.created_at));
  return rows.map((r) => ({ nominationId: r.nomination_id, memberName: r.display_name ?? null, reason: r.reason, createdAt: Number(r.created_at) }));
}

export interface ChampionRow {
  id: number;
  memberId: number;
  memberName: string;
  hidden: boolean;
  space: Space;
  citation: string;
  termStart: number;
  termEnd: number;
  status: 'active' | 'alumni';
  endedAt: number | null;
}

const champions = (db: Tx) =>
  db('champions as c')
    .join('members as m', 'm.id', 'c.member_id')
    .select('c.id', 'c.member_id', 'm.display_name', 'm.hidden', 'c.space', 'c.citation', 'c.term_start', 'c.term_end', 'c.status', 'c.ended_at');

const toChampion = (r: Record<string, any>): ChampionRow => ({
  id: r.id,
  memberId: r.member_id,
  memberName: r.display_name,
  hidden: Boolean(r.hidden),
  space: r.space,
  citation: r.citation,
  termStart: Number(r.term_start),
  termEnd: Number(r.term_end),
  status: r.status,
  endedAt: r.ended_at === null ? null : Number(r.ended_at),
});

export async function championById(db: Tx, id: number): Promise<ChampionRow | null> {
  const row = await champions(db).where('c.id', id).first();
  return row ? toChampion(row) : null;
}

export async function activeTermOf(db: Tx, memberId: number): Promise<ChampionRow | null> {
  const row = await champions(db).where({ 'c.member_id': memberId, 'c.status': 'active' }).first();
  return row ? toChampion(row) : null;
}

export async function allChampions(db: Tx): Promise<ChampionRow[]> {
  return (await champions(db).orderBy([{ column: 'c.status' }, { column: 'c.term_start', order: 'desc' }])).map(toChampion);
}

export async function termsEndingBy(db: Tx, at: number): Promise<ChampionRow[]> {
  return (await champions(db).where('c.status', 'active').andWhere('c.term_end', '<=', at).orderBy('c.term_end')).map(toChampion);
}

/** Champion terms of members, for the stage ladder (an active champion is an advocate). */
export async function championTerms(db: Tx, memberIds: readonly number[]): Promise<Map<number, Array<{ from: number; to: number }>>> {
  const out = new Map<number, Array<{ from: number; to: number }>>();
  if (memberIds.length === 0) return out;
  const rows = await inChunks(memberIds, 2000, (chunk) => db('champions').select('member_id', 'term_start', 'term_end', 'ended_at').whereIn('member_id', chunk));
  for (const r of rows) {
    const list = out.get(r.member_id) ?? [];
    list.push({ from: Number(r.term_start), to: r.ended_at === null ? Number(r.term_end) : Math.min(Number(r.term_end), Number(r.ended_at)) });
    out.set(r.member_id, list);
  }
  return out;
}

export interface AuditEntry {
  at: number;
  actor: string;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: number;
  note: string | null;
}

export async function audit(db: Tx, entry: Omit<AuditEntry, 'actorName'> & { actorMemberId: number | null }): Promise<void> {
  await db('audit_log').insert({
    at: entry.at,
    actor_member_id: entry.actorMemberId,
    actor: entry.actor,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    note: entry.note,
  });
}

/** An audit entry as the log shows it: with the member it is about (and an API token's name), not only numbers. */
export interface AuditLine extends AuditEntry {
  subjectMember: { id: number; displayName: string } | null;
  subjectLabel: string | null;
}

export async function auditLog(db: Tx, limit: number): Promise<AuditLine[]> {
  const rows = await db('audit_log as a')
    .leftJoin('members as m', 'm.id', 'a.actor_member_id')
    .leftJoin('nominations as n', (j) => j.on('n.id', 'a.subject_id').andOnVal('a.subject_type', '=', 'nomination'))
    .leftJoin('champions as c', (j) => j.on('c.id', 'a.subject_id').andOnVal('a.subject_type', '=', 'champion'))
    .leftJoin('contribution_submissions as s', (j) => j.on('s.id', 'a.subject_id').andOnVal('a.subject_type', '=', 'submission'))
    .leftJoin('api_tokens as t', (j) => j.on('t.id', 'a.subject_id').andOnVal('a.subject_type', '=', 'api_token'))
    .leftJoin('members as sm', (j) =>
      j.on(db.raw("sm.id = CASE WHEN a.subject_type = 'member' THEN a.subject_id ELSE COALESCE(n.member_id, c.member_id, s.member_id) END")),
    )
    .select('a.at', 'a.actor', 'm.display_name', 'a.action', 'a.subject_type', 'a.subject_id', 'a.note', 'sm.id as subject_member_id', 'sm.display_name as subject_member_name', 't.name as token_name')
    .orderBy('a.id', 'desc')
    .limit(limit);
  return rows.map((r) => ({
    at: Number(r.at),
    actor: r.actor,
    actorName: r.display_name ?? null,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    note: r.note,
    subjectMember: r.subject_member_id ? { id: Number(r.subject_member_id), displayName: r.subject_member_name ?? `member #${r.subject_member_id}` } : null,
    subjectLabel: r.token_name ?? null,
  }));
}

const idOf = (row: unknown): number => (typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number));

export interface NewNomination {
  memberId: number | null;
  nominatedBy: number | null;
  kind: NominationKind;
  reason: string;
  space: Space;
  evidence: readonly string[];
  origin: string;
  createdAt: number;
}

export async function insertNomination(db: Tx, n: NewNomination): Promise<number> {
  const [row] = await db('nominations')
    .insert({ member_id: n.memberId, nominated_by: n.nominatedBy, kind: n.kind, reason: n.reason, space: n.space, evidence: JSON.stringify(n.evidence), origin: n.origin, created_at: n.createdAt })
    .returning('id');
  return idOf(row);
}

export async function insertEndorsement(
  db: Tx,
  e: { nominationId: number; memberId: number | null; reason: string; evidence: readonly string[]; origin: string; createdAt: number },
): Promise<void> {
  await db('endorsements').insert({ nomination_id: e.nominationId, member_id: e.memberId, reason: e.reason, evidence: JSON.stringify(e.evidence), origin: e.origin, created_at: e.createdAt });
}

export async function recordDecision(db: Tx, nominationId: number, d: { status: 'approved' | 'declined'; decidedBy: number | null; decidedAt: number; note: string | null }): Promise<void> {
  await db('nominations').where({ id: nominationId }).update({ status: d.status, decided_by: d.decidedBy, decided_at: d.decidedAt, decision_note: d.note });
}

export async function insertChampion(
  db: Tx,
  c: { memberId: number; nominationId: number; space: Space; citation: string; termStart: number; termEnd: number; appointedBy: number | null },
): Promise<number> {
  const [row] = await db('champions')
    .insert({ member_id: c.memberId, nomination_id: c.nominationId, space: c.space, citation: c.citation, term_start: c.termStart, term_end: c.termEnd, appointed_by: c.appointedBy })
    .returning('id');
  return idOf(row);
}

/** Move a term's end (a renewal); a new citation replaces the old one when given. */
export async function extendTerm(db: Tx, championId: number, termEnd: number, citation?: string): Promise<void> {
  await db('champions').where({ id: championId }).update({ term_end: termEnd, ...(citation ? { citation } : {}) });
}

/** The champion becomes an alumnus, their term ended at `endedAt`. */
export async function closeTerm(db: Tx, championId: number, endedAt: number): Promise<void> {
  await db('champions').where({ id: championId }).update({ status: 'alumni', ended_at: endedAt });
}

/**
 * The champion program: nominations (and endorsements), review, terms, renewal and alumni, each
 * step in one transaction with its audit entry. Approval grants the champion badge and puts the
 * member's stage at advocate for the term; what follows in Discord (role, DM) is news for the bot.
 */
import type { IdentityRef } from '../domain/activity.js';
import {
  assertPending,
  dueForRenewal,
  placeNomination,
  rankCandidates,
  reasonProblem,
  termEnd,
  type Candidate,
  type NominationKind,
} from '../domain/champions.js';
import { DomainError } from '../domain/errors.js';
import type { Space } from '../domain/kinds.js';
import { addMonths, localDay, periodStart } from '../domain/periods.js';
import type { Stage } from '../domain/stages.js';
import { badgesOfMember, insertBadgeAwards, liveAwardIds, setRevoked } from '../db/badges-repo.js';
import {
  activeTermOf,
  allChampions,
  audit,
  auditLog,
  championById,
  closeTerm,
  endorsementsOf,
  extendTerm,
  insertChampion,
  insertEndorsement,
  insertNomination,
  nominationById,
  nominationByOrigin,
  pendingFor,
  pendingNominations,
  recordDecision,
  termsEndingBy,
  type AuditLine,
  type ChampionRow,
  type EndorsementRow,
  type NominationRow,
} from '../db/champions-repo.js';
import { activitySince, candidateFacts, candidatePool, recentContributions, type Contribution } from '../db/evidence-repo.js';
import { identityKey, resolveMembers } from '../db/identities-repo.js';
import type { Tx } from '../db/knex.js';
import { displayNames, memberFlags } from '../db/members-repo.js';
import { memberPoints } from '../db/scores-repo.js';
import { transitionsOf } from '../db/stages-repo.js';
import { refreshStages, type PipelineRules, type StageMove } from './award-pipeline.js';
import type { BadgeGrant } from './badge-awarding.js';
import { enqueueWriteBack } from './outbox.js';
import type { WriteLock } from './write-lock.js';

export const CHAMPION_BADGE = 'champion';

/** Who acts: a signed-in member, or the admin password (no member). */
/** A champion's term as the roster shows it (the row type lives with its repository). */
export type { ChampionRow };

export interface Actor {
  memberId: number | null;
  label: string;
}

/** What the outside world should hear about (Discord roles, announcements, a DM to the new champion). */
export interface ChampionNews {
  moves: StageMove[];
  grants: BadgeGrant[];
  /** Champion badge awards taken back (a term ended): the role goes with them. */
  revoked: Array<{ memberId: number; badgeId: string }>;
  appointed: Array<{ memberId: number; termEnd: number }>;
}

const noNews = (): ChampionNews => ({ moves: [], grants: [], revoked: [], appointed: [] });

export interface NominateInput {
  /** The nominee: a platform identity (Discord) or a member id (the admin form). */
  member: IdentityRef | { memberId: number };
  by: IdentityRef | Actor;
  /** A manager's nomination, or a member's suggestion. */
  as: 'nomination' | 'suggestion';
  reason: string;
  space: Space;
  evidence: string[];
  origin: string;
}

export interface NominateResult {
  nominationId: number;
  outcome: 'nominated' | 'endorsed' | 'duplicate';
  kind: NominationKind;
}

export interface ChampionsDeps {
  lock: WriteLock;
  rules: PipelineRules;
  termMonths: number;
  memberOptions: () => { hiddenByDefault: boolean; now: number };
}

const isActor = (v: IdentityRef | Actor): v is Actor => 'label' in v;

export function championsUseCases(db: Tx, deps: ChampionsDeps) {
  const { lock } = deps;
  const now = () => deps.memberOptions().now;

  async function resolve(trx: Tx, refs: Array<IdentityRef | { memberId: number } | Actor>): Promise<Array<number | null>> {
    const identities = refs.filter((r): r is IdentityRef => 'platform' in r);
    const ids = identities.length ? await resolveMembers(trx, identities, deps.memberOptions()) : new Map<string, number>();
    return refs.map((r) => ('platform' in r ? ids.get(identityKey(r))! : 'memberId' in r ? r.memberId : null));
  }

  async function refreshStage(trx: Tx, memberId: number): Promise<StageMove[]> {
    const { moves } = await refreshStages(trx, [memberId], deps.rules.stages, deps.rules.rules.timeZone, now());
    return moves;
  }

  async function grantChampionBadge(trx: Tx, memberId: number, championId: number, actor: Actor, at: number): Promise<BadgeGrant[]> {
    const rows = await insertBadgeAwards(trx, [{ memberId, badgeId: CHAMPION_BADGE, instance: `term:${championId}`, at, activityId: null, grantedBy: actor.memberId, reason: 'appointed champion' }], at);
    await enqueueWriteBack(trx, deps.rules.badges, rows.map((r) => ({ awardId: r.id, memberId, badgeId: CHAMPION_BADGE })), at);
    return rows.map((r) => ({ awardId: r.id, memberId, badgeId: CHAMPION_BADGE, awardedAt: at }));
  }

  async function endTerm(trx: Tx, champion: ChampionRow, actor: Actor, action: 'ended' | 'expired', note: string | null): Promise<ChampionNews> {
    const at = now();
    await closeTerm(trx, champion.id, Math.min(at, champion.termEnd));
    const awards = await liveAwardIds(trx, champion.memberId, CHAMPION_BADGE, `term:${champion.id}`);
    await setRevoked(trx, awards, at);
    await audit(trx, { at, actorMemberId: actor.memberId, actor: actor.label, action, subjectType: 'champion', subjectId: champion.id, note });
    return { ...noNews(), moves: await refreshStage(trx, champion.memberId), revoked: awards.length ? [{ memberId: champion.memberId, badgeId: CHAMPION_BADGE }] : [] };
  }

  return {
    async nominate(input: NominateInput): Promise<NominateResult> {
      const problem = reasonProblem(input.reason);
      if (problem) throw new DomainError('invalid_parameter', problem);
      for (const link of input.evidence) if (!/^https?:\/\//.test(link) || !URL.canParse(link)) throw new DomainError('invalid_parameter', 'evidence: expected links (https://…)');
      return lock.run(async (trx) => {
        const seen = await nominationByOrigin(trx, input.origin);
        if (seen) return { nominationId: seen.id, outcome: 'duplicate', kind: (await nominationById(trx, seen.id))!.kind };
        const [nomineeId, resolvedBy] = await resolve(trx, [input.member, input.by]);
        const byId = isActor(input.by) ? input.by.memberId : (resolvedBy ?? null);
        const nominee = await memberFlags(trx, nomineeId!);
        // A member suggesting a peer by id knows only public members: a hidden one (merged away
        // and deleted members are hidden too) is answered exactly as an id nobody has.
        if (!nominee || (nominee.hidden && input.as === 'suggestion' && 'memberId' in input.member)) throw new DomainError('not_found', 'member not found');
        if (nominee.isBot) throw new DomainError('invalid_parameter', 'member: bots cannot be champions');
        const actor: Actor = isActor(input.by) ? input.by : { memberId: byId, label: `${input.by.platform}:${input.by.externalId}` };
        const placement = placeNomination(input.as, {
          nomineeId: nomineeId!,
          nominatorId: byId ?? -1,
          pending: await pendingFor(trx, nomineeId!),
          activeTerm: await activeTermOf(trx, nomineeId!),
        });
        const at = now();
        const reason = input.reason.trim();
        if (placement.action === 'endorse') {
          await insertEndorsement(trx, { nominationId: placement.nominationId, memberId: byId, reason, evidence: input.evidence, origin: input.origin, createdAt: at });
          await audit(trx, { at, actorMemberId: byId, actor: actor.label, action: 'endorsed', subjectType: 'nomination', subjectId: placement.nominationId, note: reason });
          return { nominationId: placement.nominationId, outcome: 'endorsed', kind: (await nominationById(trx, placement.nominationId))!.kind };
        }
        const id = await insertNomination(trx, { memberId: nomineeId!, nominatedBy: byId, kind: placement.kind, reason, space: input.space, evidence: input.evidence, origin: input.origin, createdAt: at });
        await audit(trx, { at, actorMemberId: byId, actor: actor.label, action: placement.kind === 'suggestion' ? 'suggested' : 'nominated', subjectType: 'nomination', subjectId: id, note: reason });
        return { nominationId: id, outcome: 'nominated', kind: placement.kind };
      });
    },

    /** Approve (appointing or renewing a champion) or decline; final either way. */
    async decide(nominationId: number, decision: 'approve' | 'decline', actor: Actor, text: { note?: string; citation?: string }): Promise<ChampionNews> {
      return lock.run(async (trx) => {
        const nomination = await nominationById(trx, nominationId);
        if (!nomination) throw new DomainError('not_found', 'nomination not found');
        assertPending(nomination.status);
        const at = now();
        const note = text.note?.trim() || null;
        await recordDecision(trx, nominationId, { status: decision === 'approve' ? 'approved' : 'declined', decidedBy: actor.memberId, decidedAt: at, note });
        await audit(trx, { at, actorMemberId: actor.memberId, actor: actor.label, action: decision === 'approve' ? 'approved' : 'declined', subjectType: 'nomination', subjectId: nominationId, note });
        if (decision === 'decline') return noNews();

        const serving = await activeTermOf(trx, nomination.memberId);
        if (serving) {
          // Renewal: another term, from the end of the current one.
          const end = termEnd(Math.max(serving.termEnd, at), deps.termMonths);
          await extendTerm(trx, serving.id, end, text.citation?.trim() || undefined);
          await audit(trx, { at, actorMemberId: actor.memberId, actor: actor.label, action: 'renewed', subjectType: 'champion', subjectId: serving.id, note });
          return { ...noNews(), moves: await refreshStage(trx, nomination.memberId) };
        }
        const citation = text.citation?.trim();
        if (!citation) throw new DomainError('invalid_parameter', 'citation: expected a few words for the public roster');
        const end = termEnd(at, deps.termMonths);
        const championId = await insertChampion(trx, { memberId: nomination.memberId, nominationId, space: nomination.space, citation, termStart: at, termEnd: end, appointedBy: actor.memberId });
        await audit(trx, { at, actorMemberId: actor.memberId, actor: actor.label, action: 'appointed', subjectType: 'champion', subjectId: championId, note: citation });
        return {
          moves: await refreshStage(trx, nomination.memberId),
          grants: await grantChampionBadge(trx, nomination.memberId, championId, actor, at),
          revoked: [],
          appointed: [{ memberId: nomination.memberId, termEnd: end }],
        };
      });
    },

    async renew(championId: number, actor: Actor, note: string | null): Promise<ChampionNews> {
      return lock.run(async (trx) => {
        const champion = await championById(trx, championId);
        if (!champion || champion.status !== 'active') throw new DomainError('not_found', 'no serving champion with that id');
        const at = now();
        await extendTerm(trx, championId, termEnd(Math.max(champion.termEnd, at), deps.termMonths));
        await audit(trx, { at, actorMemberId: actor.memberId, actor: actor.label, action: 'renewed', subjectType: 'champion', subjectId: championId, note });
        return noNews();
      });
    },

    async end(championId: number, actor: Actor, note: string | null): Promise<ChampionNews> {
      return lock.run(async (trx) => {
        const champion = await championById(trx, championId);
        if (!champion || champion.status !== 'active') throw new DomainError('not_found', 'no serving champion with that id');
        return endTerm(trx, champion, actor, 'ended', note);
      });
    },

    /** Terms past their end become alumni (run by the periodic housekeeping). */
    async expireTerms(): Promise<ChampionNews> {
      return lock.run(async (trx) => {
        const news = noNews();
        for (const champion of await termsEndingBy(trx, now())) {
          const n = await endTerm(trx, champion, { memberId: null, label: 'system' }, 'expired', 'the term ended');
          news.moves.push(...n.moves);
          news.revoked.push(...n.revoked);
        }
        return news;
      });
    },

    /** One nomination, decided or not (null when there is none by that id). */
    nomination: (id: number) => nominationById(db, id),

    async queue(): Promise<Array<NominationRow & { endorsements: EndorsementRow[]; facts: Evidence }>> {
      const pending = await pendingNominations(db);
      const endorsements = await endorsementsOf(db, pending.map((n) => n.id));
      return Promise.all(
        pending.map(async (n) => ({ ...n, endorsements: endorsements.filter((e) => e.nominationId === n.id), facts: await evidenceOf(db, n.memberId, now(), deps.rules.rules.timeZone, deps.rules.badges) })),
      );
    },

    async candidates(limit: number): Promise<Array<Candidate & { displayName: string }>> {
      const since = addMonths(periodStart('month', localDay(now(), deps.rules.rules.timeZone)), -5);
      const pool = await candidatePool(db, 200);
      const ranked = rankCandidates(await candidateFacts(db, pool, since), limit);
      const names = await displayNames(db, ranked.map((c) => c.memberId));
      return ranked.map((c) => ({ ...c, displayName: names.get(c.memberId) ?? '' }));
    },

    /** Every term, with what serving champions did since their appointment (for renewals). */
    async champions(): Promise<Array<ChampionRow & { dueForRenewal: boolean; since: { points: number; contributions: number } | null }>> {
      return Promise.all(
        (await allChampions(db)).map(async (c) => ({
          ...c,
          dueForRenewal: c.status === 'active' && dueForRenewal(c, now()),
          since: c.status === 'active' ? await activitySince(db, c.memberId, c.termStart) : null,
        })),
      );
    },

    /** The public roster: hidden members are left out. */
    async roster(): Promise<{ current: ChampionRow[]; past: ChampionRow[] }> {
      const all = (await allChampions(db)).filter((c) => !c.hidden);
      const currentIds = new Set(all.filter((c) => c.status === 'active').map((c) => c.memberId));
      const past = all.filter((c) => c.status === 'alumni' && !currentIds.has(c.memberId));
      // A member with several past terms appears once among past champions, with the latest.
      const latest = new Map<number, ChampionRow>();
      for (const c of past) if (!latest.has(c.memberId)) latest.set(c.memberId, c);
      return { current: all.filter((c) => c.status === 'active'), past: [...latest.values()] };
    },

    auditLog: (limit: number): Promise<AuditLine[]> => auditLog(db, limit),
  };
}

export type Champions = ReturnType<typeof championsUseCases>;

export interface Evidence {
  points: { month: number; all: number };
  acceptedAnswers: number;
  reach: number;
  activeMonths: number;
  journey: Array<{ stage: Stage; at: number }>;
  /** Each badge once, by its name, with how many times it was earned (Podium ×5), most recent first. */
  badges: Array<{ id: string; name: string; count: number }>;
  recent: Contribution[];
}

/** Badge ids (newest first, repeats included) as names with counts, in order of their latest award. */
export function groupBadges(ids: readonly string[], catalog: readonly { id: string; name: string }[]): Evidence['badges'] {
  const names = new Map(catalog.map((b) => [b.id, b.name]));
  const out = new Map<string, { id: string; name: string; count: number }>();
  for (const id of ids) {
    const seen = out.get(id);
    if (seen) seen.count++;
    else out.set(id, { id, name: names.get(id) ?? id, count: 1 });
  }
  return [...out.values()];
}

async function evidenceOf(db: Tx, memberId: number, now: number, timeZone: string, catalog: readonly { id: string; name: string }[]): Promise<Evidence> {
  const today = localDay(now, timeZone);
  const since = addMonths(periodStart('month', today), -5);
  const [points, [facts], journeys, badges, recent] = await Promise.all([
    memberPoints(db, memberId, [
      { period: 'month', start: periodStart('month', today) },
      { period: 'all', start: 'all' },
    ]),
    candidateFacts(db, [memberId], since),
    transitionsOf(db, [memberId]),
    badgesOfMember(db, memberId),
    recentContributions(db, memberId, 5),
  ]);
  return {
    points: { month: points.month ?? 0, all: points.all ?? 0 },
    acceptedAnswers: facts!.acceptedAnswers,
    reach: facts!.reach,
    activeMonths: facts!.activeMonths,
    journey: journeys.get(memberId) ?? [],
    badges: groupBadges(badges.map((b) => b.badgeId), catalog),
    recent,
  };
}

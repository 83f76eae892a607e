/**
 * Contributions beyond chat, however they arrive — a manager's form, an attendee list, the CLI,
 * an automation's API call, a member's approved submission — and manual awards: each becomes an
 * activity through the one `ingest`, with a natural key from its evidence, and an audit entry
 * saying who recorded it, in the same transaction.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ActivityInput, IdentityRef } from '../domain/activity.js';
import { attendeeRows, type AttendeeRow } from '../domain/attendee-list.js';
import { checkEvidence, contributionKey, dayToMillis, describe, isRecordableKind, isSubmittableKind, type Evidence, type RecordableKind } from '../domain/contributions.js';
import { AmbiguousMember, DomainError } from '../domain/errors.js';
import type { Platform, Space } from '../domain/kinds.js';
import { firstAvatar } from '../domain/avatars.js';
import { checkManualAward } from '../domain/manual-award.js';
import { identitiesOf, identityKey, memberIdOfIdentity } from '../db/identities-repo.js';
import type { Db, Tx } from '../db/knex.js';
import * as repo from '../db/contributions-repo.js';
import type { MemberMatch, MemberSearch, Submission } from '../db/contributions-repo.js';

// Rows the use cases answer with: adapters name them from here, never from src/db.
export type { MemberMatch, MemberSearch, Submission };
import type { Actor } from './champions.js';
import type { Ingest, IngestResult } from './ingest.js';
import type { NewsBus } from './news.js';
import type { WriteLock } from './write-lock.js';

/** Who a contribution is for: a member (by id or by name, as a manager types it) or a platform account. */
export type MemberRef =
  | { memberId: number }
  | { name: string }
  /** An account the member is already known by (an attendee list's or an automation's columns). */
  | { account: { discordId?: string; discordUsername?: string; forumUsername?: string } }
  | (IdentityRef & { memberId?: undefined; name?: undefined });

export interface RecordInput {
  kind: string;
  member: MemberRef;
  evidence: Partial<Evidence>;
  /** For `member_referred`: the member who was brought in. */
  referred?: MemberRef | undefined;
}

export interface Recorded {
  key: string;
  status: 'recorded' | 'already_recorded';
  points: number;
  member: { id: number; name: string };
}

export interface AttendeeUpload {
  kind: 'event_attended' | 'event_spoke';
  event: string;
  day: string;
  csv: string;
  /** Members the manager named for rows the list could not match, by the row's line: a name, a username or #number. */
  picks?: ReadonlyMap<number, string>;
}

export interface AttendeeMatch {
  row: AttendeeRow;
  member: MemberMatch | null;
  /** How the row was matched, or why it was not. */
  how: string;
  /** The name the manager typed for this row, if any (kept in the form). */
  picked?: string;
}

export interface AttendeePreview {
  evidence: Evidence;
  rows: AttendeeMatch[];
  matched: number;
  unmatched: number;
}

export interface AwardInput {
  member: MemberRef;
  by: Actor & { identity?: IdentityRef | undefined };
  points: number;
  reason: string;
  space?: Space | undefined;
  /** Where the award was given (a Discord interaction, a form): giving it again records nothing. */
  origin: string;
  platform?: Platform | undefined;
}

export interface Contributions {
  /** Members a manager may mean by a name (for the forms' choices and their errors). */
  findMembers(name: string): Promise<MemberMatch[]>;
  /**
   * The one member meant by a name or #number, for any form that asks for a member (see memberNamed).
   * A member asking (`visible`) never finds a hidden member: it reads as a name nobody has.
   */
  member(name: string, field?: string, search?: MemberSearch): Promise<MemberMatch>;
  record(input: RecordInput, by: Actor): Promise<Recorded>;
  /** All or nothing: one transaction; any invalid entry refuses the whole batch. */
  recordMany(inputs: readonly RecordInput[], by: Actor): Promise<Recorded[]>;
  previewAttendees(upload: AttendeeUpload): Promise<AttendeePreview>;
  /** Records every matched row in one transaction; unmatched rows are listed and left out. */
  importAttendees(upload: AttendeeUpload, by: Actor): Promise<{ preview: AttendeePreview; recorded: Recorded[] }>;
  award(input: AwardInput): Promise<Recorded & { reason: string; space: Space }>;
  submit(input: { memberId: number; kind: string; evidence: Partial<Evidence>; note?: string | undefined; origin: string }): Promise<{ id: number | null }>;
  pending(): Promise<Submission[]>;
  submissionsOf(memberId: number): Promise<Submission[]>;
  decide(id: number, decision: 'approve' | 'decline', by: Actor, note?: string | null): Promise<{ submission: Submission; recorded: Recorded | null }>;
  createToken(name: string, by: Actor): Promise<{ id: number; token: string }>;
  tokens(): Promise<repo.ApiToken[]>;
  revokeToken(id: number, by: Actor): Promise<void>;
  /** The actor behind an API token; refuses unknown (401) and revoked (403) tokens. */
  authenticate(token: string | undefined): Promise<Actor>;
}

export interface ContributionsDeps {
  reads: Db;
  lock: WriteLock;
  ingest: Ingest;
  news: NewsBus;
  now: () => number;
  manualAwardSpace: Space;
  /** The forum's address: it completes forum avatars' relative addresses on the page that lists namesakes. */
  forumUrl?: string | null;
}

/** The faces beside namesakes to pick from (drawn at 40 px, sharp on a dense screen). */
const CHOICE_AVATAR_SIZE = 80;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export function contributionsUseCases({ reads, lock, ingest, news, now, manualAwardSpace, forumUrl = null }: ContributionsDeps): Contributions {
  /** The one member someone means by a name or a number (#12): none is a 404, several an AmbiguousMember listing them with their faces. */
  async function memberNamed(db: Tx, said: string, field: string, search: MemberSearch = 'all'): Promise<MemberMatch> {
    const name = said.trim();
    // A number in its plain spelling that an id can be (a signed 32-bit column); "#012" or a
    // 20-digit number is a name, which nobody has, rather than a second way to say #12 or a query
    // the database refuses.
    const digits = /^#?([1-9]\d{0,9})$/.exec(name)?.[1];
    const id = digits !== undefined && Number(digits) <= 2 ** 31 - 1 ? Number(digits) : null;
    const found = id !== null ? [await repo.memberById(db, id, search)].filter((m): m is MemberMatch => m !== null) : await repo.membersNamed(db, name, 8, search);
    if (found.length === 0) throw new DomainError('not_found', id !== null ? `${field}: no member #${id}` : `${field}: no member is called “${name}”`);
    if (found.length > 1) {
      const faces = await identitiesOf(db, found.map((m) => m.id));
      throw new AmbiguousMember(field, name, found.map((m) => ({ ...m, avatarUrl: firstAvatar(faces.get(m.id) ?? [], CHOICE_AVATAR_SIZE, forumUrl) })));
    }
    return found[0]!;
  }

  /** The account a member's contributions are recorded under. */
  async function resolve(db: Tx, ref: MemberRef, field = 'member'): Promise<repo.MemberIdentity> {
    if ('platform' in ref && ref.platform) {
      const existing = await memberIdOfIdentity(db, ref.platform, ref.externalId);
      const id = existing !== null ? (await repo.memberIdentities(db, [existing])).get(existing) : undefined;
      // A platform account not seen yet becomes a member through ingest, like any first activity
      // (memberId 0 until then: no signed-in manager can be that member).
      return id && identityKey(id) === identityKey(ref) ? { ...id, ...ref, memberId: id.memberId } : { ...ref, memberId: existing ?? 0, isBot: ref.isBot ?? false };
    }
    let memberId: number;
    if ('account' in ref) {
      const { discordId, discordUsername, forumUsername } = ref.account;
      const found = await repo.membersByAccounts(db, { discordIds: discordId ? [discordId] : [], discordUsernames: discordUsername ? [discordUsername] : [], forumUsernames: forumUsername ? [forumUsername] : [] });
      const id = discordId ? found.discordId.get(discordId) : forumUsername ? found.forumUsername.get(forumUsername.toLowerCase()) : found.discordUsername.get(discordUsername!.toLowerCase());
      if (id === undefined) throw new DomainError('not_found', `${field}: no member with ${discordId ? `Discord id ${discordId}` : forumUsername ? `forum username ${forumUsername}` : `Discord username ${discordUsername}`}`);
      memberId = id;
    } else if ('memberId' in ref && ref.memberId !== undefined) memberId = ref.memberId;
    else {
      memberId = (await memberNamed(db, (ref as { name: string }).name, field)).id;
    }
    const identity = (await repo.memberIdentities(db, [memberId])).get(memberId);
    if (!identity) throw new DomainError('not_found', `${field}: no member #${memberId}`);
    return identity;
  }

  async function toActivity(db: Tx, input: RecordInput, by: Actor): Promise<{ activity: ActivityInput; member: repo.MemberIdentity; evidence: Evidence; kind: RecordableKind }> {
    if (!isRecordableKind(input.kind)) throw new DomainError('invalid_parameter', `kind: expected one of content_published, event_spoke, event_attended, feedback_submitted, member_referred, review_written`);
    const kind = input.kind;
    const evidence = checkEvidence(kind, input.evidence, now());
    const member = await resolve(db, input.member);
    if (member.isBot) throw new DomainError('invalid_parameter', 'member: bots do not earn points');
    if (by.memberId !== null && member.memberId === by.memberId)
      throw new DomainError('forbidden', 'managers do not record their own contributions: submit it from your page for another manager to approve');
    let referred: repo.MemberIdentity | undefined;
    if (kind === 'member_referred') {
      if (!input.referred) throw new DomainError('invalid_parameter', 'referred: expected the member who was brought in');
      referred = await resolve(db, input.referred, 'referred');
    }
    const key = contributionKey(kind, evidence, identityKey(member), referred ? identityKey(referred) : undefined);
    const payload: Record<string, unknown> = { day: evidence.day, recordedBy: by.label };
    if (evidence.title) payload.title = evidence.title;
    if (evidence.event) payload.event = evidence.event;
    const strip = ({ platform, externalId, username, displayName }: repo.MemberIdentity): IdentityRef => ({ platform, externalId, username, displayName });
    return {
      kind,
      member,
      evidence,
      activity: {
        key,
        kind,
        platform: 'web',
        actor: strip(member),
        ...(referred ? { counterpart: strip(referred) } : {}),
        occurredAt: dayToMillis(evidence.day, now()),
        ...(evidence.url ? { url: evidence.url } : {}),
        payload,
      },
    };
  }

  /** One ingest for the batch: the audit entries (and `more`) commit with the activities, or nothing does. */
  async function recordActivities(
    items: ReadonlyArray<{ activity: ActivityInput; member: repo.MemberIdentity; note: string }>,
    by: Actor,
    action: string,
    more?: (trx: Tx, result: IngestResult) => Promise<void>,
  ): Promise<{ recorded: Recorded[]; result: IngestResult }> {
    const result = await ingest(
      items.map((i) => i.activity),
      {
        within: async (trx, r) => {
          const at = now();
          const entries = r.outcomes.flatMap((o, i) =>
            o.status === 'awarded' ? [{ at, actorMemberId: by.memberId, actor: by.label, action, subjectType: 'activity', subjectId: o.activityId, note: items[i]!.note }] : [],
          );
          await repo.auditMany(trx, entries);
          await more?.(trx, r);
        },
      },
    );
    await news.publish({ moves: result.stageMoves, grants: result.badgeGrants });
    const recorded = result.outcomes.map((o, i): Recorded => {
      const m = items[i]!.member;
      return o.status === 'awarded'
        ? { key: o.key, status: 'recorded', points: o.points, member: { id: o.memberId, name: m.displayName ?? m.username ?? m.externalId } }
        : { key: o.key, status: 'already_recorded', points: 0, member: { id: m.memberId, name: m.displayName ?? m.username ?? m.externalId } };
    });
    return { recorded, result };
  }

  async function recordMany(inputs: readonly RecordInput[], by: Actor): Promise<Recorded[]> {
    if (inputs.length === 0) throw new DomainError('invalid_parameter', 'contributions: expected at least one');
    if (inputs.length > 5000) throw new DomainError('invalid_parameter', 'contributions: expected at most 5000 at once');
    const items = [];
    for (const [i, input] of inputs.entries()) {
      try {
        const it = await toActivity(reads, input, by);
        items.push({ activity: it.activity, member: it.member, note: `${it.kind}: ${describe(it.kind, it.evidence)}` });
      } catch (error) {
        if (error instanceof DomainError && inputs.length > 1) throw new DomainError(error.code, `contributions[${i}].${error.message}`);
        throw error;
      }
    }
    return (await recordActivities(items, by, 'contribution_recorded')).recorded;
  }

  async function previewAttendees(upload: AttendeeUpload): Promise<AttendeePreview> {
    if (upload.kind !== 'event_attended' && upload.kind !== 'event_spoke') throw new DomainError('invalid_parameter', 'kind: expected event_attended or event_spoke');
    const evidence = checkEvidence(upload.kind, { event: upload.event, day: upload.day }, now());
    const rows = attendeeRows(upload.csv);
    const found = await repo.membersByAccounts(reads, {
      discordIds: rows.flatMap((r) => (r.discordId ? [r.discordId] : [])),
      discordUsernames: rows.flatMap((r) => (r.discordUsername ? [r.discordUsername] : [])),
      forumUsernames: rows.flatMap((r) => (r.forumUsername ? [r.forumUsername] : [])),
    });
    const ids = rows.map((r): [number | undefined, string] => {
      if (r.discordId && found.discordId.has(r.discordId)) return [found.discordId.get(r.discordId), 'Discord id'];
      if (r.forumUsername && found.forumUsername.has(r.forumUsername.toLowerCase())) return [found.forumUsername.get(r.forumUsername.toLowerCase()), 'forum username'];
      if (r.discordUsername && found.discordUsername.has(r.discordUsername.toLowerCase())) return [found.discordUsername.get(r.discordUsername.toLowerCase()), 'Discord username'];
      const tried = [r.discordId && 'Discord id', r.forumUsername && 'forum username', r.discordUsername && 'Discord username'].filter(Boolean);
      return [undefined, tried.length ? `no member with this ${tried.join(' or ')}` : r.email ? 'only an email: Flywheel does not know members’ emails' : 'nothing to match on'];
    });
    const members = new Map<number, MemberMatch>();
    for (const id of new Set(ids.flatMap(([id]) => (id === undefined ? [] : [id])))) {
      const m = await repo.memberById(reads, id);
      if (m) members.set(id, m);
    }
    const matches = await Promise.all(
      rows.map(async (row, i): Promise<AttendeeMatch> => {
        const [id, how] = ids[i]!;
        const picked = upload.picks?.get(row.line)?.trim();
        if (id !== undefined || !picked) return { row, member: id === undefined ? null : (members.get(id) ?? null), how };
        // A row the list could not match, named by the manager: the one member that name means, or why not.
        try {
          return { row, member: await memberNamed(reads, picked, 'member'), how: 'named by you', picked };
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          const why = error instanceof AmbiguousMember ? `“${picked}” fits several members: ${error.choices.map((m) => `#${m.id} ${m.displayName}`).join(', ')} — type the number` : error.message.replace(/^member: /, '');
          return { row, member: null, how: why, picked };
        }
      }),
    );
    const matched = matches.filter((m) => m.member).length;
    return { evidence, rows: matches, matched, unmatched: matches.length - matched };
  }

  async function decide(id: number, decision: 'approve' | 'decline', by: Actor, note: string | null = null) {
    const submission = await repo.submissionById(reads, id);
    if (!submission) throw new DomainError('not_found', 'no such submission');
    if (submission.status !== 'pending') throw new DomainError('conflict', `this submission was already ${submission.status}`);
    if (by.memberId !== null && by.memberId === submission.memberId) throw new DomainError('forbidden', 'another manager decides on your own submission');
    const noteText = note?.trim().slice(0, 2000) || null;
    const settle = (trx: Tx, activityKey: string | null) =>
      repo.decideSubmission(trx, id, { status: decision === 'approve' ? 'approved' : 'declined', at: now(), by: by.memberId, note: noteText, activityKey }).then((ok) => {
        if (!ok) throw new DomainError('conflict', 'this submission was decided meanwhile');
      });
    const audited = (trx: Tx, action: string) =>
      repo.auditMany(trx, [{ at: now(), actorMemberId: by.memberId, actor: by.label, action, subjectType: 'submission', subjectId: id, note: noteText }]);
    let recorded: Recorded | null = null;
    const told = (text: string) => news.publish({ moves: [], grants: [], told: [{ memberId: submission.memberId, text }] });
    if (decision === 'decline') {
      await lock.run(async (trx) => {
        await settle(trx, null);
        await audited(trx, 'submission_declined');
      });
      const evidence: Evidence = { day: submission.day, title: submission.title ?? undefined, url: submission.url ?? undefined, event: submission.event ?? undefined };
      await told(`Your submission “${describe(submission.kind as RecordableKind, evidence)}” was not approved${noteText ? `: ${noteText}` : '.'}`);
    } else {
      const it = await toActivity(reads, { kind: submission.kind, member: { memberId: submission.memberId }, evidence: { day: submission.day, title: submission.title ?? undefined, url: submission.url ?? undefined, event: submission.event ?? undefined } }, by);
      it.activity.payload = { ...it.activity.payload, submission: id };
      const done = await recordActivities([{ activity: it.activity, member: it.member, note: `${it.kind}: ${describe(it.kind, it.evidence)} (submission #${id})` }], by, 'submission_approved', async (trx) => {
        await settle(trx, it.activity.key);
      });
      recorded = done.recorded[0]!;
      await told(
        recorded.status === 'recorded'
          ? `Your submission “${describe(it.kind, it.evidence)}” was approved: +${recorded.points} points.`
          : `Your submission “${describe(it.kind, it.evidence)}” was approved; it had already been recorded, so it counts once.`,
      );
    }
    return { submission: (await repo.submissionById(reads, id))!, recorded };
  }

  return {
    findMembers: (name) => repo.membersNamed(reads, name, 10),
    member: (name, field = 'member', search = 'all') => memberNamed(reads, name, field, search),
    record: async (input, by) => (await recordMany([input], by))[0]!,
    recordMany,
    previewAttendees,
    async importAttendees(upload, by) {
      const preview = await previewAttendees(upload);
      if (preview.matched === 0) throw new DomainError('invalid_parameter', 'csv: no row matches a member, so nothing was recorded');
      const recorded = await recordMany(
        preview.rows.flatMap((r) => (r.member ? [{ kind: upload.kind, member: { memberId: r.member.id }, evidence: preview.evidence }] : [])),
        by,
      );
      return { preview, recorded };
    },

    async award({ member: ref, by, points, reason: rawReason, space, origin, platform = 'web' }) {
      const member = await resolve(reads, ref);
      const self = (by.memberId !== null && member.memberId === by.memberId) || (by.identity !== undefined && identityKey(by.identity) === identityKey(member));
      const reason = checkManualAward({ points, reason: rawReason, self, bot: member.isBot });
      const manager = by.identity ?? (by.memberId !== null ? (await repo.memberIdentities(reads, [by.memberId])).get(by.memberId) : undefined);
      const strip = ({ platform: p, externalId, username, displayName }: IdentityRef): IdentityRef => ({ platform: p, externalId, username, displayName });
      const chosen = space ?? manualAwardSpace;
      const activity: ActivityInput = {
        key: `${platform}:${origin}`,
        kind: 'manual_award',
        platform,
        actor: strip(member),
        ...(manager ? { counterpart: strip(manager) } : {}),
        occurredAt: now(),
        points,
        space: chosen,
        reason,
        payload: { recordedBy: by.label },
      };
      const { recorded } = await recordActivities([{ activity, member, note: `${points > 0 ? '+' : ''}${points} (${chosen}): ${reason}` }], by, 'manual_award');
      return { ...recorded[0]!, reason, space: chosen };
    },

    async submit({ memberId, kind, evidence: raw, note, origin }) {
      if (!isSubmittableKind(kind)) throw new DomainError('invalid_parameter', 'kind: expected content_published, event_spoke, review_written or feedback_submitted');
      const evidence = checkEvidence(kind, raw, now());
      const id = await lock.run((trx) =>
        repo.insertSubmission(trx, { memberId, kind, title: evidence.title ?? null, url: evidence.url ?? null, event: evidence.event ?? null, day: evidence.day, note: note?.trim().slice(0, 2000) || null, origin, at: now() }),
      );
      return { id };
    },
    pending: () => repo.pendingSubmissions(reads, 200),
    submissionsOf: (memberId) => repo.submissionsOf(reads, memberId, 50),
    decide,

    async createToken(name, by) {
      const label = name.trim().slice(0, 100);
      if (!label) throw new DomainError('invalid_parameter', 'name: expected what the token is for');
      const token = `fw_${randomBytes(24).toString('base64url')}`;
      const id = await lock.run(async (trx) => {
        const id = await repo.insertToken(trx, { name: label, hash: hashToken(token), createdBy: by.memberId, createdByLabel: by.label, at: now() });
        await repo.auditMany(trx, [{ at: now(), actorMemberId: by.memberId, actor: by.label, action: 'api_token_created', subjectType: 'api_token', subjectId: id, note: label }]);
        return id;
      });
      return { id, token };
    },
    tokens: () => repo.allTokens(reads),
    async revokeToken(id, by) {
      await lock.run(async (trx) => {
        if (!(await repo.revokeToken(trx, id, now()))) throw new DomainError('not_found', 'no such token, or it was already revoked');
        await repo.auditMany(trx, [{ at: now(), actorMemberId: by.memberId, actor: by.label, action: 'api_token_revoked', subjectType: 'api_token', subjectId: id, note: null }]);
      });
    },
    async authenticate(token) {
      if (!token) throw new DomainError('unauthorized', 'send an API token: Authorization: Bearer <token>');
      const found = await repo.tokenByHash(reads, hashToken(token));
      if (!found) throw new DomainError('unauthorized', 'this API token is not known');
      if (found.revokedAt !== null) throw new DomainError('forbidden', 'this API token was revoked');
      await lock.run((trx) => repo.touchToken(trx, found.id, now()));
      return { memberId: found.createdBy, label: `api token #${found.id} (${found.name})` };
    },
  };
}

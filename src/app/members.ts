/** Member profiles for the API and pages. A hidden member is not found, even by id. */
import { DomainError } from '../domain/errors.js';
import type { Platform } from '../domain/kinds.js';
import { localDay, PERIODS, periodStart } from '../domain/periods.js';
import type { Stage } from '../domain/stages.js';
import type { Tx } from '../db/knex.js';
import { memberPoints } from '../db/scores-repo.js';
import { transitionsOf } from '../db/stages-repo.js';

export interface MemberProfile {
  id: number;
  displayName: string;
  stage: Stage | null;
  stages: Array<{ stage: Stage; at: string }>;
  points: Record<(typeof PERIODS)[number], number>;
  identities: Array<{ platform: Platform; externalId: string; username: string | null }>;
}

const notFound = () => new DomainError('not_found', 'member not found');

export async function getMember(db: Tx, id: number, timeZone: string, now: number): Promise<MemberProfile> {
  const member = await db('members').where({ id }).first();
  if (!member || member.hidden) throw notFound();
  const today = localDay(now, timeZone);
  const [identities, journeys, points] = await Promise.all([
    db('identities').select('platform', 'external_id', 'username').where({ member_id: id }).orderBy('id'),
    transitionsOf(db, [id]),
    memberPoints(
      db,
      id,
      PERIODS.map((period) => ({ period, start: periodStart(period, today) })),
    ),
  ]);
  return {
    id: member.id,
    displayName: member.display_name,
    stage: member.stage,
    stages: (journeys.get(id) ?? []).map((t) => ({ stage: t.stage, at: new Date(t.at).toISOString() })),
    points: points as MemberProfile['points'],
    identities: identities.map((i: { platform: Platform; external_id: string; username: string | null }) => ({
      platform: i.platform,
      externalId: i.external_id,
      username: i.username,
    })),
  };
}

export async function lookupMember(db: Tx, platform: Platform, externalId: string, timeZone: string, now: number): Promise<MemberProfile> {
  const identity = await db('identities').select('member_id').where({ platform, external_id: externalId }).first();
  if (!identity) throw notFound();
  return getMember(db, identity.member_id, timeZone, now);
}

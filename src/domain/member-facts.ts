/**
 * Per-member facts kept beside the awards: one row per member and active day (points, capped
 * points for the daily cap, first participation and production), and one row per member helped
 * (for reach). The stage ladder reads these instead of the ledger.
 */
import type { AwardRow } from './activity.js';
import { helpedMember } from './rules.js';

export interface MemberDayDelta {
  memberId: number;
  day: string;
  points: number;
  cappedPoints: number;
  activities: number;
  produced: number;
  firstAt: number;
  participatedAt: number | null;
  producedAt: number | null;
}

export interface HelpedDelta {
  memberId: number;
  helpedId: number;
  helps: number;
  firstAt: number;
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

export function memberDayDeltas(rows: readonly AwardRow[]): MemberDayDelta[] {
  const out = new Map<string, MemberDayDelta>();
  for (const row of rows) {
    const original = row.cancelsActivityId === null;
    // An answer's release pays an activity already counted: it adds production, not an activity.
    const fresh = original && !row.release;
    const key = `${row.memberId}|${row.day}`;
    let d = out.get(key);
    if (!d) {
      d = { memberId: row.memberId, day: row.day, points: 0, cappedPoints: 0, activities: 0, produced: 0, firstAt: row.occurredAt, participatedAt: null, producedAt: null };
      out.set(key, d);
    }
    d.points += row.points;
    if (row.capped) d.cappedPoints += row.points;
    d.firstAt = Math.min(d.firstAt, row.occurredAt);
    if (fresh) d.activities += 1;
    if (original) {
      if (row.participation) d.participatedAt = minOf(d.participatedAt, row.occurredAt);
      if (row.production) d.producedAt = minOf(d.producedAt, row.occurredAt);
    }
    if (row.production) d.produced += original ? 1 : -1;
  }
  return [...out.values()];
}

export function helpedDeltas(rows: readonly AwardRow[]): HelpedDelta[] {
  const out = new Map<string, HelpedDelta>();
  for (const row of rows) {
    const helpedId = helpedMember(row);
    if (helpedId === null) continue;
    const key = `${row.memberId}|${helpedId}`;
    const step = row.cancelsActivityId === null ? 1 : -1;
    const d = out.get(key);
    if (d) {
      d.helps += step;
      d.firstAt = Math.min(d.firstAt, row.occurredAt);
    } else out.set(key, { memberId: row.memberId, helpedId, helps: step, firstAt: row.occurredAt });
  }
  return [...out.values()];
}

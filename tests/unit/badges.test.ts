import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { badgeChanges, qualifications, type Badge, type BadgeFacts, type Criterion } from '../../src/domain/badges.js';

const kinds = loadConfig({}, '/x').rules.kinds;
const DAY = 86_400_000;
const T = Date.parse('2026-01-05T10:00:00Z');

const badge = (criterion: Criterion, extra: Partial<Badge> = {}): Badge => ({
  id: 'b',
  name: 'B',
  description: 'd',
  tier: 'bronze',
  icon: 'star',
  repeatable: false,
  revocable: false,
  criterion,
  discourse: null,
  ...extra,
});
const facts = (f: Partial<BadgeFacts>): BadgeFacts => ({ counted: [], points: [], activeDays: [], helpedAt: [], journey: [], finishes: [], ...f });
const counted = (n: number, every = DAY, kind: 'answer_accepted' | 'answer_posted' = 'answer_accepted') =>
  Array.from({ length: n }, (_, i) => ({ kind, space: 'support' as const, platform: (i % 2 ? 'discourse' : 'discord') as 'discord' | 'discourse', at: T + i * every, activityId: i + 1 }));

describe('badge criteria', () => {
  it('count: dated at the activity that reached the threshold', () => {
    expect(qualifications(badge({ type: 'count', kind: 'answer_accepted', atLeast: 3 }), facts({ counted: counted(5) }))).toEqual([{ instance: '', at: T + 2 * DAY, activityId: 3 }]);
    expect(qualifications(badge({ type: 'count', kind: 'answer_accepted', atLeast: 6 }), facts({ counted: counted(5) }))).toEqual([]);
    expect(qualifications(badge({ type: 'count', kind: 'answer_posted', atLeast: 1 }), facts({ counted: counted(5) }))).toEqual([]);
  });

  it('count: per platform, repeatable every threshold', () => {
    expect(qualifications(badge({ type: 'count', kind: 'answer_accepted', atLeast: 2, platform: 'discourse' }), facts({ counted: counted(5) }))).toEqual([
      { instance: '', at: T + 3 * DAY, activityId: 4 },
    ]);
    expect(qualifications(badge({ type: 'count', kind: 'answer_accepted', atLeast: 2 }, { repeatable: true }), facts({ counted: counted(5) })).map((q) => q.instance)).toEqual(['1', '2']);
  });

  it('count within a window: only when enough fall inside it', () => {
    const sparse = counted(5, 4 * DAY);
    expect(qualifications(badge({ type: 'count', kind: 'answer_accepted', atLeast: 3, withinDays: 7 }), facts({ counted: sparse }))).toEqual([]);
    const dense = [...sparse, ...counted(3, 3600_000).map((c, i) => ({ ...c, at: T + 30 * DAY + c.at - T, activityId: 10 + i }))];
    expect(qualifications(badge({ type: 'count', kind: 'answer_accepted', atLeast: 3, withinDays: 7 }), facts({ counted: dense }))).toEqual([{ instance: '', at: T + 30 * DAY + 2 * 3600_000, activityId: 12 }]);
  });

  it('points: the moment the running total first reached it', () => {
    const points = [10, 20, -5, 30].map((p, i) => ({ space: (i === 3 ? 'contribution' : 'support') as 'support' | 'contribution', at: T + i * DAY, points: p, activityId: i + 1 }));
    expect(qualifications(badge({ type: 'points', atLeast: 50 }), facts({ points }))).toEqual([{ instance: '', at: T + 3 * DAY, activityId: 4 }]);
    expect(qualifications(badge({ type: 'points', atLeast: 30, space: 'support' }), facts({ points }))).toEqual([{ instance: '', at: T + DAY, activityId: 2 }]);
    expect(qualifications(badge({ type: 'points', atLeast: 20 }, { repeatable: true }), facts({ points })).map((q) => q.instance)).toEqual(['1', '2']);
  });

  it('streak: consecutive local days', () => {
    const days = ['2026-01-01', '2026-01-02', '2026-01-04', '2026-01-05', '2026-01-06'].map((day, i) => ({ day, at: T + i }));
    expect(qualifications(badge({ type: 'streak', days: 3 }), facts({ activeDays: days }))).toEqual([{ instance: '', at: T + 4, activityId: null }]);
    expect(qualifications(badge({ type: 'streak', days: 4 }), facts({ activeDays: days }))).toEqual([]);
    expect(qualifications(badge({ type: 'streak', days: 2 }, { repeatable: true }), facts({ activeDays: days })).map((q) => q.instance)).toEqual(['2026-01-02', '2026-01-05']);
  });

  it('helped: the moment the Nth distinct member was first helped', () => {
    expect(qualifications(badge({ type: 'helped', members: 2 }), facts({ helpedAt: [T, T + DAY, T + 2 * DAY] }))).toEqual([{ instance: '', at: T + DAY, activityId: null }]);
    expect(qualifications(badge({ type: 'helped', members: 4 }), facts({ helpedAt: [T] }))).toEqual([]);
  });

  it('stage: reaching it, and only from the named stages when asked', () => {
    const journey = [
      { stage: 'participant' as const, at: T },
      { stage: 'contributor' as const, at: T + DAY },
    ];
    expect(qualifications(badge({ type: 'stage', reach: 'contributor', from: ['observer', 'participant'] }), facts({ journey }))).toEqual([{ instance: '', at: T + DAY, activityId: null }]);
    expect(qualifications(badge({ type: 'stage', reach: 'contributor', from: ['observer'] }), facts({ journey }))).toEqual([]);
    expect(qualifications(badge({ type: 'stage', reach: 'contributor', from: ['participant'] }), facts({ journey: journey.slice(1) }))).toEqual([]);
  });

  it('top: once per period at the period’s close, or the first only', () => {
    const finishes = [
      { period: 'month' as const, start: '2026-01-01', space: null, rank: 1, closedAt: T + 30 * DAY },
      { period: 'month' as const, start: '2026-02-01', space: null, rank: 3, closedAt: T + 60 * DAY },
      { period: 'month' as const, start: '2026-03-01', space: null, rank: 2, closedAt: T + 90 * DAY },
    ];
    expect(qualifications(badge({ type: 'top', period: 'month', rank: 2 }, { repeatable: true }), facts({ finishes })).map((q) => q.instance)).toEqual(['2026-01-01', '2026-03-01']);
    expect(qualifications(badge({ type: 'top', period: 'month', rank: 1 }), facts({ finishes }))).toEqual([{ instance: '2026-01-01', at: T + 30 * DAY, activityId: null }]);
  });

  it('manual: never by itself', () => {
    expect(qualifications(badge({ type: 'manual' }), facts({ counted: counted(100) }))).toEqual([]);
  });
});

describe('badge changes', () => {
  const held = (instance: string, revoked = false, id = 7) => ({ id, badgeId: 'b', instance, revoked });
  it('grants what is new, keeps what is held without re-dating it', () => {
    const b = badge({ type: 'count', kind: 'answer_accepted', atLeast: 1 });
    expect(badgeChanges(b, [{ instance: '', at: T, activityId: 1 }], [])).toEqual({ grant: [{ badgeId: 'b', instance: '', at: T, activityId: 1 }], revoke: [], restore: [] });
    expect(badgeChanges(b, [{ instance: '', at: T - DAY, activityId: 9 }], [held('')])).toEqual({ grant: [], revoke: [], restore: [] });
  });

  it('revokes only revocable badges whose reason is gone, and restores when it is back', () => {
    const keep = badge({ type: 'count', kind: 'answer_accepted', atLeast: 1 });
    const revocable = { ...keep, revocable: true };
    expect(badgeChanges(keep, [], [held('')]).revoke).toEqual([]);
    expect(badgeChanges(revocable, [], [held('')]).revoke).toEqual([7]);
    expect(badgeChanges(revocable, [{ instance: '', at: T, activityId: 1 }], [held('', true)]).restore).toEqual([7]);
  });
});

describe('the badge catalog', () => {
  const entry = (earn: object, extra: object = {}) => ({ id: 'my-badge', name: 'Mine', description: 'd', tier: 'gold', icon: 'star', earn, ...extra });
  const parse = (list: unknown[]) => () => parseCatalog(list, [], kinds);

  it('ships 20–30 badges that load', () => {
    const catalog = loadConfig({}, '/x').badges;
    expect(catalog.length).toBeGreaterThanOrEqual(20);
    expect(catalog.length).toBeLessThanOrEqual(30);
  });

  it('names the badge and the field of a mistake', () => {
    expect(parse([entry({ count: { kind: 'answr_posted', atLeast: 1 } })])).toThrow(/badges \(default catalog\)\[my-badge\]\.earn\.count\.kind: /);
    expect(parse([entry({ count: { kind: 'answer_posted', atLeast: 0 } })])).toThrow(/\[my-badge\]\.earn\.count\.atLeast/);
    expect(parse([entry({ count: { kind: 'answer_posted', atLeast: 1 } }), entry({ helped: { members: 2 } })])).toThrow(/\[my-badge\]: duplicate id/);
    expect(parse([entry({ count: { kind: 'answer_posted', atLeast: 1, space: 'engagement' } })])).toThrow(/\[my-badge\]\.earn\.count\.space: answer_posted counts in "support", never in "engagement"/);
    expect(parse([entry({ count: { kind: 'reaction_given', atLeast: 1 } })])).toThrow(/\[my-badge\]\.earn\.count\.kind: reaction_given is worth 0 points/);
    expect(parse([entry({ stage: { reach: 'contributor', from: ['contributor'] } })])).toThrow(/\[my-badge\]\.earn\.stage\.from/);
    expect(parse([entry({ top: { period: 'day', rank: 1 } })])).toThrow(/\[my-badge\]\.earn\.top\.period/);
    expect(parse([entry({ helped: { members: 2 }, streak: { days: 3 } })])).toThrow(/\[my-badge\]\.earn: expected exactly one of count, points, streak/);
    expect(parse([entry({ hepled: { members: 2 } })])).toThrow(/\[my-badge\]\.earn/);
    expect(parse([entry({ count: { kind: 'answer_posted', atLeast: 1 } }, { tier: 'platinum' })])).toThrow(/\[my-badge\]\.tier/);
  });

  it('lets the community replace, switch off and add badges', () => {
    const defaults = [entry({ count: { kind: 'answer_posted', atLeast: 1 } }), { ...entry({ helped: { members: 2 } }), id: 'other' }];
    const catalog = parseCatalog(defaults, [{ id: 'other', disabled: true }, { ...entry({ count: { kind: 'answer_posted', atLeast: 5 } }) }, { ...entry({ manual: {} }), id: 'new-one' }], kinds);
    expect(catalog.map((b) => [b.id, b.criterion])).toEqual([
      ['my-badge', { type: 'count', kind: 'answer_posted', atLeast: 5 }],
      ['new-one', { type: 'manual' }],
    ]);
    expect(() => parseCatalog(defaults, [{ id: 'nope', disabled: true }], kinds)).toThrow(/badges\[nope\]: disables a badge that is not in the default catalog/);
  });
});

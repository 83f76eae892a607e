import { describe, expect, it } from 'vitest';
import { affinity, cohorts, concentration, contributorFlow, funnel, median, medianDaysToContribution, movement, producerShare, responsiveness } from '../../src/domain/insights.js';

const DAY = 86_400_000;
const T = Date.parse('2026-01-01T00:00:00Z');
const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);

describe('the funnel', () => {
  it('counts and shares members per stage, and which way they moved', () => {
    expect(funnel({ observer: 6, participant: 2, contributor: 1, advocate: 1 }).map((s) => [s.stage, s.members, s.share])).toEqual([
      ['observer', 6, 0.6],
      ['participant', 2, 0.2],
      ['contributor', 1, 0.1],
      ['advocate', 1, 0.1],
    ]);
    expect(movement([{ from: null, to: 'participant' }, { from: 'participant', to: 'contributor' }, { from: 'advocate', to: 'contributor' }])).toEqual({ up: 2, down: 1 });
  });
});

describe('conversion by join cohort', () => {
  const members = [
    { firstSeen: T, cohort: '2026-01', firstProduction: T + 10 * DAY }, // within 30
    { firstSeen: T + DAY, cohort: '2026-01', firstProduction: T + 61 * DAY }, // within 90 only
    { firstSeen: T + 2 * DAY, cohort: '2026-01', firstProduction: null },
    { firstSeen: T + 2 * DAY, cohort: '2026-01', firstProduction: T + 200 * DAY }, // too late for both
    { firstSeen: T + 40 * DAY, cohort: '2026-02', firstProduction: T + 45 * DAY },
  ];

  it('gives the share that produced within 30 and 90 days, and waits for young cohorts', () => {
    expect(cohorts(members, T + 100 * DAY)).toEqual([
      { month: '2026-01', members: 4, within30: 0.25, within90: 0.5 },
      { month: '2026-02', members: 1, within30: 1, within90: null },
    ]);
  });

  it('gives the median days to a first contribution', () => {
    expect(medianDaysToContribution(members)).toBe(35);
    expect(median([])).toBeNull();
  });
});

describe('producer share', () => {
  it('is the share of answers and accepted answers from members rather than staff, per month', () => {
    const rows = producerShare([
      { month: '2026-01', kind: 'answer_posted', staff: true, count: 8 },
      { month: '2026-01', kind: 'answer_posted', staff: false, count: 2 },
      { month: '2026-02', kind: 'answer_posted', staff: false, count: 6 },
      { month: '2026-02', kind: 'answer_posted', staff: true, count: 2 },
      { month: '2026-02', kind: 'answer_accepted', staff: false, count: 3 },
    ]);
    expect(rows.map((r) => [r.month, r.answerShare, r.acceptedShare])).toEqual([
      ['2026-01', 0.2, null],
      ['2026-02', 0.75, 1],
    ]);
  });
});

describe('concentration', () => {
  it('measures the 90-9-1 shares and how few give half of all answers', () => {
    // 100 answerers: one gives 50, nine give 5 each, ninety give 0.5 on average (1 for half of them).
    const counts = [50, ...Array(9).fill(5), ...Array(45).fill(1), ...Array(45).fill(0)];
    const c = concentration(counts);
    expect(c.answerers).toBe(55);
    expect(c.answers).toBe(140);
    expect(c.top1).toBeCloseTo(50 / 140);
    expect(c.halfBy).toBe(5); // 50 + 5 + 5 + 5 + 5 = 70 = half of 140
  });
});

describe('support responsiveness', () => {
  const q = (ref: string, askedAt: number, askerId = 1, solved = false) => ({ ref, askedAt, askerId, url: `https://x/${ref}`, title: ref, solved });
  it('times the first reply by someone else, skipping the asker and bots, and lists the unanswered oldest first', () => {
    const r = responsiveness(
      [q('a', T), q('b', T + DAY, 2, true), q('c', T + 2 * DAY), q('d', T - DAY)],
      [
        { questionRef: 'a', at: T + 60_000, authorId: 1, isBot: false }, // the asker: not a response
        { questionRef: 'a', at: T + 120_000, authorId: 9, isBot: true }, // a bot: not a response
        { questionRef: 'a', at: T + 30 * 60_000, authorId: 3, isBot: false },
        { questionRef: 'b', at: T + DAY + 2 * DAY, authorId: 3, isBot: false },
      ],
    );
    expect(r.medianFirstResponseMinutes).toBe(Math.round((30 + 2 * 24 * 60) / 2));
    expect(r.answeredWithin24h).toBe(0.25);
    expect(r.solved).toBe(0.25);
    expect(r.unanswered.map((x) => x.ref)).toEqual(['d', 'c']);
  });
});

describe('new and lapsed contributors', () => {
  it('counts first productions per month, and lapses 90 days after the last one', () => {
    const flow = contributorFlow(
      [
        { first: T, last: T + 5 * DAY }, // lapses 2026-04-06
        { first: T + 40 * DAY, last: T + 200 * DAY }, // not lapsed yet
      ],
      month,
      T + 150 * DAY,
    );
    expect(flow).toEqual([
      { month: '2026-01', newContributors: 1, lapsed: 0 },
      { month: '2026-02', newContributors: 1, lapsed: 0 },
      { month: '2026-04', newContributors: 0, lapsed: 1 },
    ]);
  });
});

describe('affinity', () => {
  it('decays each month by 0.9', () => {
    expect(affinity([{ monthsAgo: 0, points: 10 }, { monthsAgo: 1, points: 10 }, { monthsAgo: 2, points: 100 }])).toBe(10 + 9 + 81);
  });
});

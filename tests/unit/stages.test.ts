import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGE_RULES, mayChangeJourney, productionWindowStart, stageTimeline } from '../../src/domain/stages.js';

const at = (iso: string) => Date.parse(iso);
type Day = { iso: string; kind: 'seen' | 'took part' | 'produced' };
const day = (iso: string, kind: Day['kind']): Day => ({ iso, kind });
const journey = (days: Day[], asOf: string, helpedAt: number[] = [], championTerms: Array<{ from: number; to: number }> = []) => {
  const participations = days.filter((d) => d.kind !== 'seen').map((d) => at(d.iso));
  const facts = {
    firstSeenAt: Math.min(...days.map((d) => at(d.iso))),
    firstParticipationAt: participations.length ? Math.min(...participations) : null,
    productions: days.filter((d) => d.kind === 'produced').map((d) => ({ day: d.iso.slice(0, 10), at: at(d.iso) })),
    reachBefore: 0,
    helpedAt,
    championTerms,
  };
  return stageTimeline(facts, at(asOf), 'UTC', DEFAULT_STAGE_RULES).map((t) => [t.stage, new Date(t.at).toISOString().slice(0, 10)]);
};

describe('the consumer → producer ladder', () => {
  it('stays observer while only consuming', () => {
    expect(journey([day('2026-01-05T10:00:00Z', 'seen'), day('2026-02-05T10:00:00Z', 'seen')], '2026-06-01')).toEqual([['observer', '2026-01-05']]);
  });

  it('promotes immediately: asking makes a participant, helping someone a contributor', () => {
    expect(journey([day('2026-01-05T10:00:00Z', 'seen'), day('2026-01-07T10:00:00Z', 'took part'), day('2026-01-09T10:00:00Z', 'produced')], '2026-01-10'))
      .toEqual([['observer', '2026-01-05'], ['participant', '2026-01-07'], ['contributor', '2026-01-09']]);
  });

  it('demotes only at a monthly review, after 90 quiet days', () => {
    expect(journey([day('2026-01-09T10:00:00Z', 'produced')], '2026-06-15')).toEqual([
      ['contributor', '2026-01-09'],
      ['participant', '2026-05-01'], // 90 days after Jan 9 is Apr 9; the next review is May 1
    ]);
  });

  it('makes an advocate of someone who produced in 3 of the last 6 months and helped 5 members', () => {
    const days = [day('2026-01-10T10:00:00Z', 'produced'), day('2026-02-10T10:00:00Z', 'produced'), day('2026-03-10T10:00:00Z', 'produced')];
    const helped = [1, 2, 3, 4, 5].map((d) => at(`2026-01-1${d}T12:00:00Z`));
    expect(journey(days, '2026-03-20', helped)).toEqual([['contributor', '2026-01-10'], ['advocate', '2026-03-10']]);
    expect(journey(days, '2026-03-20', helped.slice(0, 4))).toEqual([['contributor', '2026-01-10']]);
  });

  it('keeps an active champion an advocate', () => {
    expect(journey([day('2026-01-05T10:00:00Z', 'took part')], '2026-02-10', [], [{ from: at('2026-02-01T00:00:00Z'), to: at('2027-02-01T00:00:00Z') }]))
      .toEqual([['participant', '2026-01-05'], ['advocate', '2026-02-01']]);
  });

  it('knows when a batch cannot change a journey, so the pipeline can skip it', () => {
    const settled = [{ stage: 'observer' as const, at: 100 }, { stage: 'participant' as const, at: 200 }];
    expect(mayChangeJourney([{ at: 500, participation: true, production: false }], settled)).toBe(false);
    expect(mayChangeJourney([{ at: 150, participation: true, production: false }], settled)).toBe(true); // took part earlier than known
    expect(mayChangeJourney([{ at: 50, participation: false, production: false }], settled)).toBe(true); // seen earlier than known
    expect(mayChangeJourney([{ at: 500, participation: true, production: true }], settled)).toBe(true);
    expect(mayChangeJourney([{ at: 500, participation: false, production: false }], [])).toBe(true); // new member
  });

  it('resumes a journey from any point with only a window of facts, and gives the full answer', () => {
    const productions = ['2026-01-10', '2026-02-10', '2026-03-10', '2026-07-02', '2026-11-05'].map((d) => ({ day: d, at: at(`${d}T10:00:00Z`) }));
    const helped = [1, 2, 3, 4, 5, 6].map((d) => at(`2026-0${d}-15T12:00:00Z`));
    const full = { firstSeenAt: at('2026-01-02T09:00:00Z'), firstParticipationAt: at('2026-01-03T09:00:00Z'), productions, reachBefore: 0, helpedAt: helped, championTerms: [] };
    const asOf = at('2026-12-20T00:00:00Z');
    const whole = stageTimeline(full, asOf, 'UTC', DEFAULT_STAGE_RULES);
    for (const cut of ['2026-02-01', '2026-04-20', '2026-07-01', '2026-09-01', '2026-11-05']) {
      const from = at(`${cut}T00:00:00Z`);
      const window = productionWindowStart(from, 'UTC', DEFAULT_STAGE_RULES);
      const partial = {
        ...full,
        productions: productions.filter((p) => p.day >= window),
        reachBefore: helped.filter((h) => h < from).length,
        helpedAt: helped.filter((h) => h >= from),
      };
      expect(stageTimeline(partial, asOf, 'UTC', DEFAULT_STAGE_RULES, { from, before: whole.filter((t) => t.at < from) })).toEqual(whole);
    }
  });
});

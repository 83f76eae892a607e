import { describe, expect, it } from 'vitest';
import type { LedgerActivity } from '../../src/domain/activity.js';
import { DEFAULT_KIND_RULES, type LedgerKind } from '../../src/domain/kinds.js';
import { decideAwards, type RuleFacts, type Rules } from '../../src/domain/rules.js';
import { DEFAULT_FAIR_PLAY, type FairPlayRules } from '../../src/domain/fair-play.js';

const OFF: FairPlayRules = { ...DEFAULT_FAIR_PLAY, endorsementsPerPair: null, acceptedPerPair: null, answersNeedEndorsement: false };

const rules: Rules = { kinds: DEFAULT_KIND_RULES, dailyCap: 200, messageCooldownMs: 60_000, pairCooldownMs: 30 * 60_000, timeZone: 'UTC', fairPlay: OFF };
// The rules below the fair-play block are about other rules: fair play is off there, on in its own block.
const fair: Rules = { ...rules, fairPlay: DEFAULT_FAIR_PLAY };
const none: RuleFacts = { messages: [], thanks: [], dayUsage: [], liveAnswers: [], targets: [], reversedSources: [], bots: new Set() };
const T = Date.parse('2026-11-20T10:00:00Z');
let id = 0;
const row = (kind: LedgerKind, memberId: number, at: number, extra: Partial<LedgerActivity> = {}): LedgerActivity => ({
  id: ++id, key: `k${id}`, kind, platform: 'discord', memberId, counterpartId: null, occurredAt: at,
  sourceRef: `k${id}`, subjectRef: null, reverses: null, points: null, space: null, ...extra,
});
const decide = (batch: LedgerActivity[], facts: Partial<RuleFacts> = {}) =>
  decideAwards(batch, { ...none, ...facts }, rules).map((a) => [a.points, a.reason]);

describe('award rules', () => {
  it('gives each kind its configured points', () => {
    expect(decide([row('answer_accepted', 1, T, { counterpartId: 2 }), row('question_asked', 2, T)])).toEqual([[15, 'awarded'], [2, 'awarded']]);
  });

  it('records self-awards with 0 points and the reason', () => {
    expect(decide([row('thanks_received', 1, T, { counterpartId: 1 }), row('answer_accepted', 1, T, { counterpartId: 1 }), row('reaction_received', 1, T, { counterpartId: 1 })]))
      .toEqual([[0, 'self_award'], [0, 'self_award'], [0, 'self_award']]);
  });

  it('allows one thanks per pair per 30 minutes, in both directions', () => {
    const out = decide([
      row('thanks_received', 2, T, { counterpartId: 1 }),
      row('thanks_received', 1, T + 10 * 60_000, { counterpartId: 2 }), // back the other way: same pair
      row('thanks_received', 2, T + 31 * 60_000, { counterpartId: 1 }),
      row('thanks_received', 3, T + 32 * 60_000, { counterpartId: 1 }), // another pair
    ]);
    expect(out).toEqual([[5, 'awarded'], [0, 'pair_cooldown'], [5, 'awarded'], [5, 'awarded']]);
  });

  it('sees thanks already in history when deciding the pair cooldown', () => {
    expect(decide([row('thanks_received', 2, T, { counterpartId: 1 })], { thanks: [{ kind: 'thanks_received', memberId: 1, counterpartId: 2, at: T - 60_000 }] }))
      .toEqual([[0, 'pair_cooldown']]);
  });

  it('gives message points at most once per 60 seconds per member', () => {
    expect(decide([row('message_posted', 1, T), row('message_posted', 1, T + 30_000), row('message_posted', 2, T + 30_000), row('message_posted', 1, T + 61_000)]))
      .toEqual([[1, 'awarded'], [0, 'message_cooldown'], [1, 'awarded'], [1, 'awarded']]);
  });

  it('caps capped kinds at 200 a day, partially, and exempts accepted answers and manual awards', () => {
    const out = decide(
      [row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q1' }), row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q2' }),
       row('answer_accepted', 1, T, { counterpartId: 2 }), row('manual_award', 1, T, { points: 50 })],
      { dayUsage: [{ memberId: 1, day: '2026-11-20', points: 197 }] },
    );
    expect(out).toEqual([[3, 'daily_cap'], [0, 'daily_cap'], [15, 'awarded'], [50, 'awarded']]);
  });

  it('starts the cap afresh on the next local day', () => {
    const tzRules = { ...rules, timeZone: 'America/New_York' };
    // 03:00 UTC on the 21st is still the 20th in New York.
    const out = decideAwards([row('answer_posted', 1, Date.parse('2026-11-21T03:00:00Z'), { counterpartId: 2, subjectRef: 'q' })],
      { ...none, dayUsage: [{ memberId: 1, day: '2026-11-20', points: 200 }] }, tzRules);
    expect(out.map((a) => [a.points, a.reason, a.day])).toEqual([[0, 'daily_cap', '2026-11-20']]);
  });

  it('counts only the first answer per member per question', () => {
    expect(decide([row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q' }), row('answer_posted', 1, T + 1, { counterpartId: 2, subjectRef: 'q' }), row('answer_posted', 3, T + 2, { counterpartId: 2, subjectRef: 'q' })]))
      .toEqual([[5, 'awarded'], [0, 'repeat_answer'], [5, 'awarded']]);
  });

  it('gives bots nothing', () => {
    expect(decide([row('answer_posted', 9, T, { counterpartId: 2, subjectRef: 'q' })], { bots: new Set([9]) })).toEqual([[0, 'bot']]);
  });

  it('reverses exactly what a source earned, for every member it paid', () => {
    const given = row('thanks_given', 1, T, { counterpartId: 2, sourceRef: 'msg' });
    const received = row('thanks_received', 2, T, { counterpartId: 1, sourceRef: 'msg' });
    const deletion = row('reversal', 1, T + 5000, { reverses: 'msg' });
    const out = decideAwards([given, received, deletion], none, rules);
    expect(out.map((a) => [a.memberId, a.points, a.reason, a.cancelsActivityId])).toEqual([
      [1, 1, 'awarded', null], [2, 5, 'awarded', null], [1, -1, 'reversal', given.id], [2, -5, 'reversal', received.id],
    ]);
  });

  it('gives a reversed answer back to the daily cap and lets a new first answer count', () => {
    const answer = row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q', sourceRef: 'm1' });
    const out = decide([answer, row('reversal', 1, T + 1, { reverses: 'm1' }), row('answer_posted', 1, T + 2, { counterpartId: 2, subjectRef: 'q' })],
      { dayUsage: [{ memberId: 1, day: '2026-11-20', points: 195 }] });
    expect(out).toEqual([[5, 'awarded'], [-5, 'reversal'], [5, 'awarded']]);
  });

  it('keeps the counted answer when a repeat answer is deleted', () => {
    const first = row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q', sourceRef: 'm1' });
    const repeat = row('answer_posted', 1, T + 1, { counterpartId: 2, subjectRef: 'q', sourceRef: 'm2' });
    expect(decide([first, repeat, row('reversal', 1, T + 2, { reverses: 'm2' }), row('answer_posted', 1, T + 3, { counterpartId: 2, subjectRef: 'q' })]))
      .toEqual([[5, 'awarded'], [0, 'repeat_answer'], [0, 'reversal'], [0, 'repeat_answer']]);
  });

  it('gives nothing to an original that arrives after its reversal', () => {
    expect(decide([row('reversal', 1, T, { reverses: 'm1' }), row('answer_posted', 1, T - 1000, { counterpartId: 2, sourceRef: 'm1' })]))
      .toEqual([[0, 'reversed']]);
    expect(decide([row('answer_posted', 1, T, { counterpartId: 2, sourceRef: 'm2' })], { reversedSources: ['m2'] })).toEqual([[0, 'reversed']]);
  });

  it('marks production for someone else, not for oneself', () => {
    const out = decideAwards([row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q' }), row('thanks_received', 1, T, { counterpartId: 1 }), row('question_asked', 1, T)], none, rules);
    expect(out.map((a) => [a.production, a.participation])).toEqual([[true, true], [false, true], [false, true]]);
  });
});

describe('fair play', () => {
  const DAY = 86_400_000;
  const decideFair = (batch: LedgerActivity[], facts: Partial<RuleFacts> = {}) => decideAwards(batch, { ...none, ...facts }, fair);
  const like = (author: number, liker: number, at: number, post: string) =>
    row('reaction_received', author, at, { counterpartId: liker, sourceRef: `${post}:liked_by:${liker}` });

  it('counts five likes or thanks from one member to another per week, and records the rest with 0 and the reason', () => {
    const week = Array.from({ length: 7 }, (_, i) => like(1, 2, T + i * 60_000, `p${i}`));
    const out = decideFair([...week, like(1, 3, T, 'p9'), like(1, 2, T + 7 * DAY, 'p10')]).map((a) => [a.points, a.reason]);
    expect(out).toEqual([[1, 'awarded'], [1, 'awarded'], [1, 'awarded'], [1, 'awarded'], [1, 'awarded'], [0, 'pair_limit'], [0, 'pair_limit'], [1, 'awarded'], [1, 'awarded']]);
    // Earlier batches' likes count toward the week too.
    expect(decideFair([like(1, 2, T, 'px')], { pairUsage: [{ group: 'endorsements', memberId: 1, counterpartId: 2, window: '2026-11-16', count: 5 }] }).map((a) => a.reason)).toEqual(['pair_limit']);
  });

  it('pays an answer once someone else endorses it, dated at the endorsement, and only once', () => {
    const answer = row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q', sourceRef: 'post:7' });
    const out = decideFair([answer, like(1, 2, T + DAY, 'post:7'), like(1, 3, T + DAY + 1, 'post:7')]);
    expect(out.map((a) => [a.activityId, a.kind, a.points, a.reason, a.day, a.production])).toEqual([
      [answer.id, 'answer_posted', 0, 'unendorsed', '2026-11-20', false],
      [answer.id + 1, 'reaction_received', 1, 'awarded', '2026-11-21', false],
      [answer.id, 'answer_posted', 5, 'awarded', '2026-11-21', true],
      [answer.id + 2, 'reaction_received', 1, 'awarded', '2026-11-21', false],
    ]);
  });

  it('pays at once an answer whose question already endorsed the answerer, and never a self-endorsed one', () => {
    const accepted = row('answer_accepted', 1, T, { counterpartId: 2, subjectRef: 'q' });
    expect(decideFair([accepted, row('answer_posted', 1, T + 1, { counterpartId: 2, subjectRef: 'q' })]).map((a) => [a.points, a.reason])).toEqual([[15, 'awarded'], [5, 'awarded']]);
    expect(decideFair([row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q', sourceRef: 'm' }), row('reaction_received', 1, T + 1, { counterpartId: 1, sourceRef: 'm:r' })]).map((a) => a.reason)).toEqual(['unendorsed', 'self_award']);
  });

  it('does not let a limited acceptance pay the answer it accepts', () => {
    const out = decideFair(
      [0, 1, 2, 3].flatMap((i) => [
        row('answer_posted', 1, T + i * 1000, { counterpartId: 2, subjectRef: `q${i}` }),
        row('answer_accepted', 1, T + i * 1000 + 1, { counterpartId: 2, subjectRef: `q${i}` }),
      ]),
    );
    expect(out.reduce((n, a) => n + a.points, 0)).toBe(3 * (15 + 5));
    expect(out.filter((a) => a.reason === 'pair_limit')).toHaveLength(1);
  });

  it('takes an answer\'s pay back with the answer, and keeps it when only the like is withdrawn', () => {
    const answer = row('answer_posted', 1, T, { counterpartId: 2, subjectRef: 'q', sourceRef: 'post:7' });
    const liked = like(1, 2, T + 1, 'post:7');
    const unliked = decideFair([answer, liked, row('reversal', 1, T + 2, { reverses: liked.sourceRef })]);
    expect(unliked.reduce((n, a) => n + a.points, 0)).toBe(5);
    const deleted = decideFair([answer, like(1, 2, T + 1, 'post:7'), row('reversal', 1, T + 2, { reverses: 'post:7' })]);
    expect(deleted.filter((a) => a.memberId === 1 && a.kind === 'answer_posted').reduce((n, a) => n + a.points, 0)).toBe(0);
  });

  it('gives a day of 500 unendorsed replies across 51 questions nothing', () => {
    const replies = Array.from({ length: 500 }, (_, i) => row('answer_posted', 9, T + i * 60_000, { counterpartId: 2, subjectRef: `q${i % 51}` }));
    const out = decideFair(replies);
    expect(out.reduce((n, a) => n + a.points, 0)).toBe(0);
    expect(out.filter((a) => a.production)).toEqual([]);
  });

  it('counts likes received as endorsement, not as help for the ladder', () => {
    expect(decideFair([like(1, 2, T, 'm')]).map((a) => a.production)).toEqual([false]);
  });
});

import { describe, expect, it } from 'vitest';
import { assertPending, dueForRenewal, placeNomination, rankCandidates, reasonProblem, termEnd } from '../../src/domain/champions.js';

describe('where a nomination goes', () => {
  const state = (over: object = {}) => ({ nomineeId: 1, nominatorId: 2, pending: null, activeTerm: null, ...over });

  it('creates a nomination or a suggestion for someone new', () => {
    expect(placeNomination('nomination', state())).toEqual({ action: 'create', kind: 'nomination' });
    expect(placeNomination('suggestion', state())).toEqual({ action: 'create', kind: 'suggestion' });
  });

  it('turns a second one into an endorsement of the pending first', () => {
    expect(placeNomination('nomination', state({ pending: { id: 7 } }))).toEqual({ action: 'endorse', nominationId: 7 });
    expect(placeNomination('suggestion', state({ pending: { id: 7 }, activeTerm: { id: 3 } }))).toEqual({ action: 'endorse', nominationId: 7 });
  });

  it('puts a serving champion up for renewal only, and refuses self-nomination', () => {
    expect(placeNomination('nomination', state({ activeTerm: { id: 3 } }))).toEqual({ action: 'create', kind: 'renewal' });
    expect(() => placeNomination('nomination', state({ nominatorId: 1 }))).toThrow(/nobody nominates themself/);
  });
});

describe('reasons and decisions', () => {
  it('asks for at least a sentence', () => {
    expect(reasonProblem('yes')).toMatch(/at least a sentence/);
    expect(reasonProblem('so good yes')).toMatch(/at least a sentence/);
    expect(reasonProblem('greatgreatgreatgreat')).toMatch(/at least a sentence/);
    expect(reasonProblem('Answers every question within the hour')).toBeNull();
  });

  it('treats decisions as final', () => {
    expect(() => assertPending('pending')).not.toThrow();
    expect(() => assertPending('approved')).toThrow(/already approved; decisions are final/);
  });
});

describe('terms', () => {
  it('run whole calendar months, clamped to the month’s end', () => {
    expect(new Date(termEnd(Date.parse('2026-03-15T10:00:00Z'), 12)).toISOString()).toBe('2027-03-15T10:00:00.000Z');
    expect(new Date(termEnd(Date.parse('2026-01-31T10:00:00Z'), 1)).toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });

  it('come up for renewal within 30 days of their end', () => {
    const end = Date.parse('2027-01-10T00:00:00Z');
    expect(dueForRenewal({ termEnd: end }, Date.parse('2026-12-01T00:00:00Z'))).toBe(false);
    expect(dueForRenewal({ termEnd: end }, Date.parse('2026-12-15T00:00:00Z'))).toBe(true);
  });
});

describe('suggested candidates', () => {
  it('rank reach first, then consistency and accepted answers, with the reasons shown', () => {
    const ranked = rankCandidates(
      [
        { memberId: 1, acceptedAnswers: 40, reach: 2, activeMonths: 1, supportShare: 1 },
        { memberId: 2, acceptedAnswers: 5, reach: 30, activeMonths: 6, supportShare: 0.8 },
        { memberId: 3, acceptedAnswers: 0, reach: 0, activeMonths: 6, supportShare: 0 },
      ],
      10,
    );
    expect(ranked.map((c) => c.memberId)).toEqual([2, 1]);
    expect(ranked[0]!.reasons).toEqual(['helped 30 different members', '5 accepted answers', 'active in 6 of the last 6 months', 'mostly answers questions']);
  });
});

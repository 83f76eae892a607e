import { describe, expect, it } from 'vitest';
import { stageProgress } from '../../src/domain/stage-progress.js';
import { DEFAULT_STAGE_RULES } from '../../src/domain/stages.js';

const rules = DEFAULT_STAGE_RULES; // advocates: 3 of 6 months, 5 members helped

describe('the way to the next stage', () => {
  it('names the next step from every stage, in plain words', () => {
    expect(stageProgress(null, { reach: 0, activeMonths: 0 }, rules)).toEqual({ stage: null, next: 'participant', share: 0, needs: 'Ask a question, post, or thank someone' });
    expect(stageProgress('participant', { reach: 0, activeMonths: 0 }, rules)).toMatchObject({ next: 'contributor', needs: 'Help someone else: answer a question' });
    expect(stageProgress('advocate', { reach: 9, activeMonths: 6 }, rules)).toMatchObject({ next: null, share: 1 });
  });

  it('measures a contributor against the advocate thresholds of the configuration', () => {
    expect(stageProgress('contributor', { reach: 1, activeMonths: 1 }, rules)).toEqual({ stage: 'contributor', next: 'advocate', share: (1 / 3 + 1 / 5) / 2, needs: 'Help in 2 more months and 4 more members' });
    expect(stageProgress('contributor', { reach: 9, activeMonths: 2 }, rules)).toMatchObject({ share: (2 / 3 + 1) / 2, needs: 'Help in 1 more month' });
    expect(stageProgress('contributor', { reach: 4, activeMonths: 5 }, rules)).toMatchObject({ share: (1 + 4 / 5) / 2, needs: 'Help 1 more member' });
    expect(stageProgress('contributor', { reach: 2, activeMonths: 1 }, { ...rules, advocateReach: 10, advocateActiveMonths: 4 }).needs).toBe('Help in 3 more months and 8 more members');
  });
});

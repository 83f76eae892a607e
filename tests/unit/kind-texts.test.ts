/**
 * Every activity kind has its words, from one table typed by kind (src/domain/kind-texts.ts): a
 * kind added to kinds.ts without texts does not compile. What pages and badge descriptions say
 * for each kind is unchanged.
 */
import { describe, expect, it } from 'vitest';
import { KINDS, REVERSAL } from '../../src/domain/kinds.js';
import { KIND_COUNTED, KIND_LABEL, kindLabel } from '../../src/domain/kind-texts.js';
import { howToEarn } from '../../src/app/community.js';
import { viewHelpers } from '../../src/web/view-helpers.js';
import type { Badge } from '../../src/domain/badges.js';

const countBadge = (kind: Badge['criterion'] & { type: 'count' }): Badge =>
  ({ id: 'b', name: 'B', tier: 'bronze', description: '', repeatable: false, revocable: false, criterion: kind }) as Badge;

describe('kind texts', () => {
  it('has a label and counted words for every kind, and nothing else', () => {
    expect(Object.keys(KIND_LABEL).sort()).toEqual([...KINDS, REVERSAL].sort());
    expect(Object.keys(KIND_COUNTED).sort()).toEqual([...KINDS].sort());
    for (const kind of KINDS) {
      expect(KIND_LABEL[kind]).not.toBe('');
      expect(KIND_COUNTED[kind].every((w) => w.length > 0)).toBe(true);
    }
  });

  it('reads kinds on pages as before, and anything else as itself', () => {
    expect(viewHelpers.kindLabel!('answer_accepted')).toBe('an accepted answer');
    expect(viewHelpers.kindLabel!('manual_award')).toBe('a manager’s award');
    expect(viewHelpers.kindLabel!('message_posted')).toBe('message posted');
    expect(kindLabel('reversal')).toBe('reversal');
    expect(kindLabel('not_a_kind')).toBe('not a kind');
    expect(kindLabel('toString')).toBe('toString');
  });

  it('says how to earn a count badge in the kind’s words', () => {
    expect(howToEarn(countBadge({ type: 'count', kind: 'answer_accepted', atLeast: 10 }))).toBe('10 accepted answers');
    expect(howToEarn(countBadge({ type: 'count', kind: 'answer_posted', atLeast: 1 }))).toBe('1 answer to someone else’s question');
    expect(howToEarn(countBadge({ type: 'count', kind: 'message_posted', atLeast: 5 }))).toBe('5 messages');
  });
});

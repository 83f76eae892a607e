/**
 * How far a member is from the next step of the ladder, in plain words and as a share of the way:
 * what a rank card's bar shows. The thresholds are the ladder's own (stages.ts), so the words
 * follow the configuration.
 */
import type { Stage, StageRules } from './stages.js';

export interface StageProgress {
  stage: Stage | null;
  /** The next stage, or null at the top. */
  next: Stage | null;
  /** 0–1: how much of what the next stage asks for is already done. */
  share: number;
  /** What is still needed, in words. */
  needs: string;
}

const more = (n: number, one: string, many: string): string => `${n} more ${n === 1 ? one : many}`;

/** `reach`: distinct members helped; `activeMonths`: months with help given in the advocate window. */
export function stageProgress(stage: Stage | null, facts: { reach: number; activeMonths: number }, rules: StageRules): StageProgress {
  if (stage === 'advocate') return { stage, next: null, share: 1, needs: 'Top of the ladder: an advocate' };
  if (stage === null || stage === 'observer') return { stage, next: 'participant', share: 0, needs: 'Ask a question, post, or thank someone' };
  if (stage === 'participant') return { stage, next: 'contributor', share: 0, needs: 'Help someone else: answer a question' };
  const months = Math.min(facts.activeMonths, rules.advocateActiveMonths);
  const reach = Math.min(facts.reach, rules.advocateReach);
  const parts = [
    months < rules.advocateActiveMonths ? `help in ${more(rules.advocateActiveMonths - months, 'month', 'months')}` : null,
    reach < rules.advocateReach ? `${months < rules.advocateActiveMonths ? '' : 'help '}${more(rules.advocateReach - reach, 'member', 'members')}` : null,
  ].filter((p): p is string => p !== null);
  const share = (months / Math.max(1, rules.advocateActiveMonths) + reach / Math.max(1, rules.advocateReach)) / 2;
  const needs = parts.length ? parts.join(' and ') : 'keep helping this month';
  return { stage, next: 'advocate', share, needs: needs.charAt(0).toUpperCase() + needs.slice(1) };
}

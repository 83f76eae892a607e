/**
 * What a member still needs for the next stage of the ladder, in plain words, from the same rules
 * the ladder uses (stages.ts): a contributor becomes an advocate by producing in enough of the
 * last months and helping enough distinct members; an active champion is an advocate outright.
 */
import type { Stage, StageRules } from './stages.js';
import { counted } from './words.js';

export interface StageProgressFacts {
  /** Months with production for someone else among the last `advocateMonthWindow`, this one included. */
  activeMonths: number;
  /** Distinct members helped. */
  reach: number;
}

export interface StageProgress {
  next: Stage | null;
  /** 0–1, for the bar. */
  share: number;
  /** One sentence per thing still needed (empty at the top of the ladder). */
  needs: string[];
  /** Where the member stands, in one line. */
  summary: string;
}

export function stageProgress(stage: Stage | null, facts: StageProgressFacts, rules: StageRules): StageProgress {
  switch (stage) {
    case null:
    case 'observer':
      return { next: 'participant', share: 0, needs: ['Ask a question, post a message or thank someone.'], summary: 'One step to become a participant.' };
    case 'participant':
      return {
        next: 'contributor',
        share: 0.5,
        needs: ['Help someone else: answer a question, share what you know, or be thanked for your help.'],
        summary: 'One contribution for someone else makes you a contributor.',
      };
    case 'contributor': {
      const months = Math.min(facts.activeMonths, rules.advocateActiveMonths);
      const reach = Math.min(facts.reach, rules.advocateReach);
      const needs: string[] = [];
      if (months < rules.advocateActiveMonths)
        needs.push(
          `Help in ${counted(rules.advocateActiveMonths - months, 'more month')} (${months} of ${rules.advocateActiveMonths} in the last ${counted(rules.advocateMonthWindow, 'month')} so far).`,
        );
      if (reach < rules.advocateReach) needs.push(`Help ${counted(rules.advocateReach - reach, 'more person', 'more people')} (${counted(reach, 'person', 'people')} helped so far).`);
      const share = (months / Math.max(1, rules.advocateActiveMonths) + reach / Math.max(1, rules.advocateReach)) / 2;
      return {
        next: 'advocate',
        share: needs.length === 0 ? 1 : Math.min(share, 0.99),
        needs,
        summary: needs.length === 0 ? 'Everything an advocate needs is there: the promotion comes with your next contribution.' : 'On the way to advocate.',
      };
    }
    case 'advocate':
      return {
        next: null,
        share: 1,
        needs: [],
        summary: `Top of the ladder. Advocates stay advocates by helping in ${rules.advocateActiveMonths} of every ${counted(rules.advocateMonthWindow, 'month')}.`,
      };
  }
}

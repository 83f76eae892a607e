/**
 * "How it works", written from the rules the site is running with: the points per activity, the
 * cap, cooldowns and pair limits, the ladder's thresholds and how to earn each badge. Nothing here
 * is a copy of a number: change the configuration and the page says the new one.
 */
import type { PipelineRules } from './award-pipeline.js';
import type { Tier } from '../domain/badges.js';
import type { PairLimit } from '../domain/fair-play.js';
import { KINDS, type Kind, type Space } from '../domain/kinds.js';
import type { Stage } from '../domain/stages.js';
import { howToEarn } from './community.js';

/** What each activity is, in a member's words (manual awards are a manager's, not earned by doing). */
const DOING: Record<Exclude<Kind, 'manual_award'>, string> = {
  member_joined: 'Joining the community',
  message_posted: 'Posting a message',
  question_asked: 'Asking a question',
  answer_posted: 'Answering someone else’s question',
  answer_accepted: 'Your answer is marked as the solution',
  thanks_received: 'Being thanked by another member',
  thanks_given: 'Thanking someone',
  reaction_received: 'A like or reaction on your post',
  reaction_given: 'Liking or reacting to a post',
  topic_created: 'Starting a discussion topic',
  content_published: 'Publishing a blog post, tutorial, talk or docs',
  feedback_submitted: 'Sending product feedback or an idea',
  event_attended: 'Attending an event',
  event_spoke: 'Speaking at an event',
  member_referred: 'Bringing in a new member',
  review_written: 'Writing a public review',
};

/** Help for someone else, as the ladder counts it (a like received endorses help but is none itself). */
const HELP: Partial<Record<Kind, string>> = {
  answer_posted: 'an answer',
  answer_accepted: 'an accepted answer',
  thanks_received: 'a thank-you received',
  topic_created: 'a topic',
  content_published: 'a publication',
  feedback_submitted: 'feedback',
  event_spoke: 'a talk',
  member_referred: 'a referral',
  review_written: 'a review',
};

export interface EarningRow {
  kind: Kind;
  label: string;
  points: number;
  space: Space;
  /** Counts toward the daily cap. */
  capped: boolean;
  /** The rules that apply to this activity in particular. */
  notes: string[];
}

export interface HowItWorks {
  earning: EarningRow[];
  /** Activities that are recorded (they count for the ladder) but earn no points. */
  recordedOnly: string[];
  dailyCap: number;
  /** Activities the daily cap never cuts. */
  uncapped: string[];
  fairness: string[];
  ladder: Array<{ stage: Stage; enters: string }>;
  ladderNote: string;
  badges: Array<{ tier: Tier; badges: Array<{ id: string; name: string; description: string; howToEarn: string; repeatable: boolean }> }>;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const duration = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  const [n, unit] = seconds % 3600 === 0 && seconds >= 3600 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 && seconds >= 60 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return n === 1 ? unit : plural(n, unit);
};
const limit = (l: PairLimit): string => `${plural(l.count, 'time')} a ${l.per}`;

export function howItWorks(config: PipelineRules): HowItWorks {
  const { rules, stages } = config;
  const fair = rules.fairPlay;
  const kinds = KINDS.filter((k): k is Exclude<Kind, 'manual_award'> => k !== 'manual_award');
  const notes = (kind: Kind): string[] => {
    const out: string[] = [];
    if (kind === 'message_posted') out.push(`at most one message counts every ${duration(rules.messageCooldownMs)}`);
    if (kind === 'answer_posted') {
      out.push('your first answer in each question counts, answers to your own questions do not');
      if (fair.answersNeedEndorsement) out.push('paid once someone else likes, thanks or accepts your help there');
    }
    if (kind === 'answer_accepted') {
      out.push('never for answering your own question');
      if (fair.acceptedPerPair) out.push(`one member can accept your answers ${limit(fair.acceptedPerPair)}`);
    }
    if (kind === 'thanks_received' || kind === 'thanks_given') out.push(`once per pair of members every ${duration(rules.pairCooldownMs)}`);
    if ((kind === 'thanks_received' || kind === 'reaction_received') && fair.endorsementsPerPair)
      out.push(`one member’s likes and thanks pay you ${limit(fair.endorsementsPerPair)}`);
    if (kind === 'content_published' || kind === 'event_spoke' || kind === 'event_attended' || kind === 'feedback_submitted' || kind === 'review_written' || kind === 'member_referred')
      out.push('recorded by the community team or an approved submission');
    return out;
  };
  const earning = kinds
    .filter((k) => rules.kinds[k].points !== 0)
    .map((k) => ({ kind: k, label: DOING[k], points: rules.kinds[k].points, space: rules.kinds[k].space, capped: rules.kinds[k].capped, notes: notes(k) }))
    .sort((a, b) => b.points - a.points || a.label.localeCompare(b.label));

  const fairness = [
    'Rewarding yourself earns nothing: thanking yourself, accepting your own answer or liking your own post is recorded with 0 points.',
    `Thanks between the same two members count once every ${duration(rules.pairCooldownMs)}, whichever of you thanks.`,
    `Messages count at most once every ${duration(rules.messageCooldownMs)} per member.`,
  ];
  if (fair.endorsementsPerPair) fairness.push(`Likes, reactions and thanks from one member pay another at most ${limit(fair.endorsementsPerPair)}.`);
  if (fair.acceptedPerPair) fairness.push(`One member’s accepted answers pay the same answerer at most ${limit(fair.acceptedPerPair)}.`);
  if (fair.answersNeedEndorsement) fairness.push('An answer earns its points once someone else has liked, thanked or accepted your help in that question.');
  fairness.push(
    'Deleting a post or unaccepting a solution takes back what it earned; nothing is counted twice.',
    'Bots and staff earn activity but are left off the public leaderboards.',
    'The community team can see members whose points come from one or two people, and can leave a member off the boards and badges.',
  );

  const helping = kinds.filter((k) => rules.kinds[k].role === 'producer' && rules.kinds[k].points > 0 && HELP[k]).map((k) => HELP[k]);
  const ladder: HowItWorks['ladder'] = [
    { stage: 'observer', enters: 'Everyone starts here: reading, joining, reacting.' },
    { stage: 'participant', enters: 'You asked a question, posted, or thanked someone.' },
    {
      stage: 'contributor',
      enters: `You helped someone else in the last ${plural(stages.contributorWindowDays, 'day')} — ${helping.join(', ')}.`,
    },
    {
      stage: 'advocate',
      enters: `You helped others in at least ${plural(stages.advocateActiveMonths, 'month')} of the last ${plural(stages.advocateMonthWindow, 'calendar month')} and have helped ${plural(stages.advocateReach, 'different member')} — or you are a current champion.`,
    },
  ];

  const tiers: Tier[] = ['bronze', 'silver', 'gold'];
  return {
    earning,
    recordedOnly: kinds.filter((k) => rules.kinds[k].points === 0).map((k) => DOING[k]),
    dailyCap: rules.dailyCap,
    uncapped: earning.filter((e) => !e.capped).map((e) => e.label),
    fairness,
    ladder,
    ladderNote: 'Moving up happens at once; moving down is considered at most once a month, so a quiet week never costs you your stage.',
    badges: tiers
      .map((tier) => ({
        tier,
        badges: config.badges
          .filter((b) => b.tier === tier)
          .map((b) => ({ id: b.id, name: b.name, description: b.description, howToEarn: howToEarn(b), repeatable: b.repeatable })),
      }))
      .filter((t) => t.badges.length > 0),
  };
}

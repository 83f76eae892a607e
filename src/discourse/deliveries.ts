/**
 * One verified webhook delivery → the activities it records. Translates only: which event, which
 * payload, who authored the topic (from the ledger, else the forum's API); the pipeline decides.
 */
import type { Flywheel } from '../app/flywheel.js';
import type { DiscourseConfig } from '../config.js';
import type { ActivityInput, IdentityRef } from '../domain/activity.js';
import { DomainError } from '../domain/errors.js';
import { acceptedTime } from '../domain/time-range.js';
import type { Logger } from '../logger.js';
import { fetchTopic } from './api.js';
import {
  hasAuthor,
  isPublicReply,
  joinActivities,
  likeActivities,
  postActivities,
  postRef,
  solutionActivities,
  solutionSource,
  topicActivities,
  topicAuthorOf,
  topicRef,
  type AuthoredPost,
  type DiscoursePost,
  type DiscourseTopic,
  type DiscourseUser,
  type MapContext,
} from './activities.js';

export type Delivery = { kind: 'activities'; activities: ActivityInput[] } | { kind: 'ping' } | { kind: 'ignored' } | { kind: 'skipped'; reason: string };

const bad = (what: string) => new DomainError('invalid_parameter', `body: expected ${what}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need<T>(value: unknown, what: string, check: (v: Record<string, unknown>) => boolean): T {
  if (!isObject(value) || !check(value)) throw bad(what);
  return value as T;
}
// The author may be missing: Discourse keeps the posts of a deleted account, with `user_id: null`.
const isPost = (p: Record<string, unknown>) =>
  Number.isInteger(p.id) && Number.isInteger(p.topic_id) && Number.isInteger(p.post_number) && (p.user_id === null || p.user_id === undefined || (Number.isInteger(p.user_id) && typeof p.username === 'string'));
const isTopic = (t: Record<string, unknown>) => Number.isInteger(t.id) && typeof t.title === 'string';
const isUser = (u: Record<string, unknown>) => Number.isInteger(u.id) && typeof u.username === 'string';

/** A delete is dated by deleted_at (or updated_at), a restore by updated_at: each is a time like created_at. */
const TIME_FIELDS = ['created_at', 'deleted_at', 'updated_at'] as const;

/**
 * The times a delivery carries (`created_at`, `deleted_at`, `updated_at` of its post, topic,
 * user, liked or solved post), refused outside the accepted range with the field named as
 * Discourse spells it — before a lookup or a write.
 */

function checkTimes(body: Record<string, unknown>, now: number): void {
  const objects: Array<[string, unknown]> = [
    ['post', body.post],
    ['topic', body.topic],
    ['user', body.user],
    ['solved', body.solved],
    ['like.post', isObject(body.like) ? body.like.post : undefined],
  ];
  for (const [name, value] of objects)
    if (isObject(value))
      for (const field of TIME_FIELDS) if (value[field] !== undefined && value[field] !== null) acceptedTime(`${name}.${field}`, value[field], now);
}

/** The forum's own time for an event (a payload's timestamp), when it carries a readable one. */
const forumTime = (...stamps: unknown[]): number | undefined => {
  const times = stamps.flatMap((s) => (typeof s === 'string' && Number.isFinite(Date.parse(s)) ? [Date.parse(s)] : []));
  return times.length ? Math.max(...times) : undefined;
};

const AUTHOR_DELETED = 'the post’s author no longer has an account on the forum';

export interface DeliveryDeps {
  fw: Flywheel;
  /** The forum's address, categories and API key (to ask it what a webhook leaves out). */
  forum: DiscourseConfig;
  log: Logger;
}

/** Who opened a topic: the ledger knows if we recorded it; otherwise ask the forum. */
async function topicAuthor(deps: DeliveryDeps, topicId: number): Promise<IdentityRef | null> {
  const known = await deps.fw.ledger.authorOf(topicRef(topicId), 'discourse');
  if (known) return known;
  const topic = await fetchTopic(deps.forum, topicId).catch((err: unknown) => {
    deps.log.warn({ err, topicId }, 'could not ask the forum who opened a topic');
    return null;
  });
  return topic ? topicAuthorOf(topic) : null;
}

/**
 * Which post the forum shows as the topic's solution now (the solved plugin's `accepted_answer`):
 * its post number, null for none, undefined when the forum's API is not configured or did not answer.
 */
async function forumSolution(deps: DeliveryDeps, topicId: number): Promise<number | null | undefined> {
  const topic = await fetchTopic(deps.forum, topicId).catch((err: unknown) => {
    deps.log.warn({ err, topicId }, 'could not ask the forum which post solves a topic');
    return null;
  });
  return topic ? (topic.accepted_answer?.post_number ?? null) : undefined;
}

/** Events whose activities depend on what the ledger holds (reversals, restorations, replaced acceptances). */
const LEDGER_READERS = new Set(['solved:accepted_solution', 'solved:unaccepted_solution', 'post:post_destroyed', 'topic:topic_destroyed', 'post:post_recovered', 'topic:topic_recovered']);

export const readsLedger = (group: string, event: string): boolean => LEDGER_READERS.has(`${group}:${event}`);

export async function readDelivery(deps: DeliveryDeps, group: string, event: string, body: unknown, now: number): Promise<Delivery> {
  if (isObject(body) && body.ping !== undefined) return { kind: 'ping' };
  if (!isObject(body)) throw bad('a JSON object');
  checkTimes(body, now);
  const { fw } = deps;
  const ctx = (author: IdentityRef | null): MapContext => ({ url: deps.forum.url, qaCategories: deps.forum.qaCategories, topicAuthor: author });
  const activities = (list: ActivityInput[]): Delivery => ({ kind: 'activities', activities: list });
  const authored = (post: DiscoursePost, then: (p: AuthoredPost) => Promise<Delivery> | Delivery): Promise<Delivery> | Delivery =>
    hasAuthor(post) ? then(post) : { kind: 'skipped', reason: AUTHOR_DELETED };
  switch (`${group}:${event}`) {
    case 'topic:topic_created':
      return activities(topicActivities(need<DiscourseTopic>(body.topic, 'a topic', isTopic), ctx(null)));
    case 'post:post_created': {
      const post = need<DiscoursePost>(body.post, 'a post', isPost);
      // Only public replies earn: asking the forum who opened a private conversation would be wasted.
      if (post.post_number <= 1 || !isPublicReply(post)) return activities([]);
      return authored(post, async (p) => activities(postActivities(p, ctx(await topicAuthor(deps, p.topic_id)))));
    }
    case 'like:post_liked': {
      const like = need<{ post: DiscoursePost; user: DiscourseUser }>(body.like, 'a like', (l) => isObject(l.post) && isPost(l.post) && isObject(l.user) && isUser(l.user));
      return authored(like.post, (post) => activities(likeActivities({ post, user: like.user }, ctx(null), now)));
    }
    case 'solved:accepted_solution': {
      const post = need<DiscoursePost>(body.solved, 'the solution post', isPost);
      return authored(post, async (p) => {
        const accepted = solutionActivities(p, ctx(await topicAuthor(deps, p.topic_id)), now);
        if (accepted.length === 0) return activities([]);
        const replaced = () => fw.ledger.replacedAcceptances(topicRef(p.topic_id), solutionSource(p.id), 'discourse', now);
        if (!(await fw.ledger.authorOf(accepted[0]!.key, 'discourse'))) return activities([...(await replaced()), ...accepted]);
        // Accepted before: a retry or a late copy, or the asker choosing this answer again. Only the
        // forum can tell (the plugin's payloads are the same): when it says this is the solution
        // now, a withdrawn acceptance comes back (a new generation) and any other is withdrawn.
        if ((await forumSolution(deps, p.topic_id)) !== p.post_number) return activities(accepted);
        return activities([...(await replaced()), ...(await fw.ledger.restorationsUnder(solutionSource(p.id), 'discourse', now))]);
      });
    }
    case 'solved:unaccepted_solution': {
      const post = need<DiscoursePost>(body.solved, 'the solution post', isPost);
      // A late copy of an old unaccept must not withdraw the solution the forum shows now.
      if ((await forumSolution(deps, post.topic_id)) === post.post_number) return activities([]);
      return activities(await fw.ledger.reversalsUnder(solutionSource(post.id), 'discourse', now));
    }
    case 'post:post_destroyed': {
      const post = need<DiscoursePost>(body.post, 'a post', isPost);
      // Dated when the forum deleted it: that time tells this delete from an earlier or a later one.
      const deletedAt = forumTime(post.deleted_at, post.updated_at) ?? now;
      return activities(await fw.ledger.reversalsUnder(postRef(post.id), 'discourse', deletedAt, { deletedAt }));
    }
    case 'topic:topic_destroyed': {
      const topic = need<DiscourseTopic & { deleted_at?: string | null }>(body.topic, 'a topic', isTopic);
      // The question, and everything about it: its answers, their likes, its acceptance.
      const deletedAt = forumTime(topic.deleted_at) ?? now;
      return activities(await fw.ledger.reversalsUnder(topicRef(topic.id), 'discourse', deletedAt, { subject: topicRef(topic.id), deletedAt }));
    }
    // Restoring brings back what the delete withdrew — but not an acceptance: the solved plugin
    // withdraws it with the delete and does not give it back, so neither does Flywheel.
    case 'post:post_recovered': {
      const post = need<DiscoursePost>(body.post, 'a post', isPost);
      return activities(await fw.ledger.restorationsUnder(postRef(post.id), 'discourse', forumTime(post.updated_at) ?? now, { except: ['answer_accepted'] }));
    }
    case 'topic:topic_recovered': {
      const topic = need<DiscourseTopic>(body.topic, 'a topic', isTopic);
      return activities(await fw.ledger.restorationsUnder(topicRef(topic.id), 'discourse', now, { subject: topicRef(topic.id), except: ['answer_accepted'] }));
    }
    case 'user:user_created':
      return activities(joinActivities(need<DiscourseUser & { created_at?: string }>(body.user, 'a user', isUser), now));
    default:
      return { kind: 'ignored' };
  }
}

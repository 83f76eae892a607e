/**
 * One verified webhook delivery → the activities it records. Translates only: which event, which
 * payload, who authored the topic (from the ledger, else the forum's API); the pipeline decides.
 */
import type { Flywheel } from '../app/flywheel.js';
import type { ActivityInput, IdentityRef } from '../domain/activity.js';
import { DomainError } from '../domain/errors.js';
import { acceptedTime } from '../domain/time-range.js';
import type { Logger } from '../logger.js';
import { fetchTopic } from './api.js';
import {
  joinActivities,
  likeActivities,
  postActivities,
  postRef,
  solutionActivities,
  solutionSource,
  topicActivities,
  topicAuthorOf,
  topicRef,
  type DiscoursePost,
  type DiscourseTopic,
  type DiscourseUser,
  type MapContext,
} from './activities.js';
import { reversalKey } from '../app/reversals.js';

export type Delivery = { kind: 'activities'; activities: ActivityInput[] } | { kind: 'ping' } | { kind: 'ignored' };

const bad = (what: string) => new DomainError('invalid_parameter', `body: expected ${what}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need<T>(value: unknown, what: string, check: (v: Record<string, unknown>) => boolean): T {
  if (!isObject(value) || !check(value)) throw bad(what);
  return value as T;
}
const isPost = (p: Record<string, unknown>) => Number.isInteger(p.id) && Number.isInteger(p.topic_id) && Number.isInteger(p.post_number) && Number.isInteger(p.user_id) && typeof p.username === 'string';
const isTopic = (t: Record<string, unknown>) => Number.isInteger(t.id) && typeof t.title === 'string';
const isUser = (u: Record<string, unknown>) => Number.isInteger(u.id) && typeof u.username === 'string';

/**
 * The times a delivery carries (`created_at` of its post, topic, user, liked or solved post),
 * refused outside the accepted range with the field named as Discourse spells it — before a
 * lookup or a write.
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
    if (isObject(value) && value.created_at !== undefined && value.created_at !== null) acceptedTime(`${name}.created_at`, value.created_at, now);
}

export interface DeliveryDeps {
  fw: Flywheel;
  log: Logger;
}

/** Who opened a topic: the ledger knows if we recorded it; otherwise ask the forum. */
async function topicAuthor(deps: DeliveryDeps, topicId: number): Promise<IdentityRef | null> {
  const known = await deps.fw.authorOf(topicRef(topicId), 'discourse');
  if (known) return known;
  const topic = await fetchTopic(deps.fw.config.discourse, topicId).catch((err: unknown) => {
    deps.log.warn({ err, topicId }, 'could not ask the forum who opened a topic');
    return null;
  });
  return topic ? topicAuthorOf(topic) : null;
}

export async function readDelivery(deps: DeliveryDeps, group: string, event: string, body: unknown, now: number): Promise<Delivery> {
  if (isObject(body) && body.ping !== undefined) return { kind: 'ping' };
  if (!isObject(body)) throw bad('a JSON object');
  checkTimes(body, now);
  const ctx = (author: IdentityRef | null): MapContext => ({ url: deps.fw.config.discourse.url, qaCategories: deps.fw.config.discourse.qaCategories, topicAuthor: author });
  const activities = (list: ActivityInput[]): Delivery => ({ kind: 'activities', activities: list });
  switch (`${group}:${event}`) {
    case 'topic:topic_created':
      return activities(topicActivities(need<DiscourseTopic>(body.topic, 'a topic', isTopic), ctx(null)));
    case 'post:post_created': {
      const post = need<DiscoursePost>(body.post, 'a post', isPost);
      return activities(post.post_number > 1 ? postActivities(post, ctx(await topicAuthor(deps, post.topic_id))) : []);
    }
    case 'like:post_liked': {
      const like = need<{ post: DiscoursePost; user: DiscourseUser }>(body.like, 'a like', (l) => isObject(l.post) && isPost(l.post) && isObject(l.user) && isUser(l.user));
      return activities(likeActivities(like, ctx(null), now));
    }
    case 'solved:accepted_solution': {
      const post = need<DiscoursePost>(body.solved, 'the solution post', isPost);
      return activities(solutionActivities(post, ctx(await topicAuthor(deps, post.topic_id)), now));
    }
    case 'solved:unaccepted_solution': {
      const post = need<DiscoursePost>(body.solved, 'the solution post', isPost);
      const source = solutionSource(post.id);
      return activities([{ key: reversalKey(source), kind: 'reversal', platform: 'discourse', actor: { platform: 'discourse', externalId: String(post.user_id) }, occurredAt: now, reverses: source }]);
    }
    case 'post:post_destroyed': {
      const post = need<DiscoursePost>(body.post, 'a post', isPost);
      return activities(await deps.fw.reversalsUnder(postRef(post.id), 'discourse', now));
    }
    case 'topic:topic_destroyed': {
      const topic = need<DiscourseTopic>(body.topic, 'a topic', isTopic);
      return activities(await deps.fw.reversalsUnder(topicRef(topic.id), 'discourse', now));
    }
    case 'user:user_created':
      return activities(joinActivities(need<DiscourseUser & { created_at?: string }>(body.user, 'a user', isUser), now));
    default:
      return { kind: 'ignored' };
  }
}

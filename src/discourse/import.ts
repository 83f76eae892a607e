/**
 * `flywheel import discourse`: the forum's history, page by page (topics oldest first, their
 * posts, likes and solutions), through the same mapping and the same pipeline as webhooks — so a
 * re-run changes nothing. The page reached is saved after each page: an interrupted import resumes.
 */
import type { Flywheel } from '../app/flywheel.js';
import type { DiscourseConfig, ForumConfig } from '../config.js';
import type { ActivityInput } from '../domain/activity.js';
import { discourseFetch } from './api.js';
import {
  hasAuthor,
  isPublicReply,
  likeActivities,
  postActivities,
  solutionActivities,
  topicActivities,
  topicAuthorOf,
  type DiscoursePost,
  type DiscourseTopic,
  type DiscourseUser,
  type MapContext,
} from './activities.js';

const CURSOR = 'discourse_import_page';
const POSTS_PER_REQUEST = 50;
/** Discourse serves at most 200 likers a page (PostActionUsersController::INDEX_LIMIT). */
const LIKERS_PER_PAGE = 200;
/** `actions_summary` id of a like (PostActionType.types[:like]). */
const LIKE = 2;

/** A post as a topic serves it: likes are counted in `actions_summary` (the count left out when 0); the solved plugin adds `accepted_answer`. */
type TopicPost = DiscoursePost & { actions_summary?: Array<{ id: number; count?: number }>; accepted_answer?: boolean };
type TopicView = DiscourseTopic & { post_stream: { posts: TopicPost[]; stream: number[] } };
interface LikersPage {
  post_action_users: DiscourseUser[];
  /** Present while more pages follow: the path of the next one. */
  load_more_post_action_users?: string;
}

export interface ImportProgress {
  total: number | null;
  topics: number;
  activities: number;
}

export interface ImportResult extends ImportProgress {
  recorded: number;
  resumedFromPage: number;
}

const likeCount = (post: TopicPost): number => post.actions_summary?.find((a) => a.id === LIKE)?.count ?? 0;

/** Everyone who liked a post, page after page. */
async function likersOf(c: DiscourseConfig, postId: number): Promise<DiscourseUser[]> {
  const likers: DiscourseUser[] = [];
  for (let page = 0; ; page++) {
    const answer = await discourseFetch<LikersPage>(c, `/post_action_users.json?id=${postId}&post_action_type_id=${LIKE}&page=${page}&limit=${LIKERS_PER_PAGE}`);
    likers.push(...answer.post_action_users);
    if (!answer.load_more_post_action_users || answer.post_action_users.length === 0) return likers;
  }
}

async function topicHistory(c: DiscourseConfig, id: number, qaCategories: readonly number[]): Promise<ActivityInput[]> {
  const view = await discourseFetch<TopicView>(c, `/t/${id}.json`);
  if (view.archetype === 'private_message') return [];
  const posts = [...view.post_stream.posts];
  const missing = view.post_stream.stream.filter((pid) => !posts.some((p) => p.id === pid));
  for (let i = 0; i < missing.length; i += POSTS_PER_REQUEST) {
    const query = missing.slice(i, i + POSTS_PER_REQUEST).map((pid) => `post_ids[]=${pid}`).join('&');
    posts.push(...(await discourseFetch<{ post_stream: { posts: TopicPost[] } }>(c, `/t/${id}/posts.json?${query}`)).post_stream.posts);
  }
  posts.sort((a, b) => a.post_number - b.post_number);
  const ctx: MapContext = { url: c.url, qaCategories, topicAuthor: topicAuthorOf(view) };
  const out: ActivityInput[] = [...topicActivities(view, ctx)];
  for (const post of posts) {
    // A topic's posts do not name the topic's archetype or category: the topic does.
    const p = { ...post, category_id: post.category_id ?? view.category_id, topic_slug: post.topic_slug ?? view.slug, topic_archetype: view.archetype ?? null };
    // Whispers, small actions ("closed this topic") and moderator notices are nobody's reply; a deleted account's posts are no one's.
    if (!isPublicReply(p) || !hasAuthor(p)) continue;
    out.push(...postActivities(p, ctx));
    if (likeCount(post) > 0) {
      // The API does not say when a like was given: it is dated with the post.
      for (const user of await likersOf(c, post.id)) out.push(...likeActivities({ post: p, user }, ctx, p.created_at));
    }
    if (post.accepted_answer) out.push(...solutionActivities(p, ctx, p.created_at));
  }
  return out;
}

export async function importHistory(fw: Flywheel, config: ForumConfig, options: { restart?: boolean; onProgress?: (p: ImportProgress) => void } = {}): Promise<ImportResult> {
  const c = config.discourse;
  const saved = options.restart ? null : await fw.settings.get(CURSOR);
  const startPage = saved ? Number(saved) : 0;
  const about = await discourseFetch<{ about?: { stats?: { topic_count?: number; topics_count?: number } } }>(c, '/about.json').catch(() => null);
  const progress: ImportProgress = { total: about?.about?.stats?.topic_count ?? about?.about?.stats?.topics_count ?? null, topics: 0, activities: 0 };
  let recorded = 0;
  for (let page = startPage; ; page++) {
    const list = await discourseFetch<{ topic_list: { topics: Array<{ id: number }>; more_topics_url?: string } }>(c, `/latest.json?order=created&ascending=true&page=${page}`);
    const activities: ActivityInput[] = [];
    for (const topic of list.topic_list.topics) activities.push(...(await topicHistory(c, topic.id, c.qaCategories)));
    for (let i = 0; i < activities.length; i += 1000) {
      const { outcomes } = await fw.ingest(activities.slice(i, i + 1000));
      recorded += outcomes.filter((o) => o.status !== 'duplicate').length;
    }
    progress.topics += list.topic_list.topics.length;
    progress.activities += activities.length;
    options.onProgress?.(progress);
    // Saved once the page is in the ledger: a restart redoes at most this page (a no-op by natural keys).
    await fw.settings.set(CURSOR, String(page + 1));
    if (!list.topic_list.more_topics_url || list.topic_list.topics.length === 0) break;
  }
  return { ...progress, recorded, resumedFromPage: startPage };
}

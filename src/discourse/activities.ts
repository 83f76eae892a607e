/**
 * Discourse events → activities. Pure: takes Discourse's own payloads (webhook serializers, same
 * field names) and names the activities and their natural keys. Everything a post earns is recorded
 * under `discourse:post:<id>`, so destroying the post reverses all of it. Idempotency comes from
 * these keys, never from the delivery id (a retried delivery gets a new one).
 */
import type { ActivityInput, IdentityRef } from '../domain/activity.js';

export interface DiscourseUser {
  id: number;
  username: string;
  name?: string | null;
  /** The forum's avatar address with `{size}` in it, relative to the forum or absolute. */
  avatar_template?: string | null;
  admin?: boolean;
  moderator?: boolean;
  staff?: boolean;
}

export interface DiscoursePost {
  id: number;
  topic_id: number;
  post_number: number;
  /** Null once the author's account was deleted (Discourse keeps the post). */
  user_id: number | null;
  username: string | null;
  name?: string | null;
  avatar_template?: string | null;
  created_at: string;
  updated_at?: string | null;
  deleted_at?: string | null;
  /** 1 regular, 2 moderator action, 3 small action ("closed this topic"), 4 whisper (staff only). */
  post_type?: number;
  /** Webhook payloads name the topic's archetype: `regular` or `private_message`. */
  topic_archetype?: string | null;
  category_id?: number | null;
  topic_slug?: string | null;
  topic_title?: string | null;
  staff?: boolean;
  admin?: boolean;
  moderator?: boolean;
}

/** A post as far as the ledger cares: one with an author. */
export type AuthoredPost = DiscoursePost & { user_id: number; username: string };

export interface DiscourseTopic {
  id: number;
  title: string;
  slug?: string | null;
  category_id?: number | null;
  user_id?: number | null;
  created_at: string;
  archetype?: string;
  created_by?: { id: number; username: string; name?: string | null; avatar_template?: string | null } | null;
  /** The solved plugin's topic view: which post is the solution now (absent when none). */
  accepted_answer?: { post_number: number } | null;
  details?: { created_by?: { id: number; username: string; name?: string | null; avatar_template?: string | null } | null } | null;
}

export interface MapContext {
  /** The forum's address, for links. */
  url: string | null;
  qaCategories: readonly number[];
  /** The topic's author, when known (from the ledger or the forum's API). */
  topicAuthor: IdentityRef | null;
}

export const postRef = (id: number): string => `discourse:post:${id}`;
export const topicRef = (id: number): string => `discourse:topic:${id}`;

/** Forums allow longer names (Discourse: 255) than the ledger keeps; a long name must not cost the member the activity. */
const NAME_LIMIT = 200;
const clip = (text: string): string => (text.length > NAME_LIMIT ? `${text.slice(0, NAME_LIMIT - 1)}…` : text);

/** Discourse's own accounts (system, discobot, …) have negative ids: they are bots, whatever they post. */
export const isSystemUser = (id: number): boolean => id < 0;

const person = (u: { id: number; username: string; name?: string | null; avatar_template?: string | null }, flags?: { staff?: boolean; admin?: boolean; moderator?: boolean }): IdentityRef => ({
  platform: 'discourse',
  externalId: String(u.id),
  username: clip(u.username),
  displayName: clip(u.name || u.username),
  // Kept as the forum gives it (a template with {size}); a payload without the field says nothing.
  ...(u.avatar_template !== undefined ? { avatar: u.avatar_template } : {}),
  ...(isSystemUser(u.id) ? { isBot: true } : {}),
  // Staff flags say something only when the payload carries them.
  isStaff: flags && (flags.staff !== undefined || flags.admin !== undefined || flags.moderator !== undefined) ? Boolean(flags.staff || flags.admin || flags.moderator) : undefined,
});

export const isQa = (categoryId: number | null | undefined, ctx: Pick<MapContext, 'qaCategories'>): boolean =>
  ctx.qaCategories.length === 0 || (categoryId !== null && categoryId !== undefined && ctx.qaCategories.includes(categoryId));

const topicUrl = (ctx: MapContext, id: number, slug?: string | null) => (ctx.url ? `${ctx.url}/t/${slug || '-'}/${id}` : undefined);
const postUrl = (ctx: MapContext, p: DiscoursePost) => (ctx.url ? `${ctx.url}/t/${p.topic_slug || '-'}/${p.topic_id}/${p.post_number}` : undefined);

export const topicAuthorOf = (t: DiscourseTopic): IdentityRef | null => {
  const by = t.created_by ?? t.details?.created_by;
  if (by) return person(by);
  return t.user_id ? { platform: 'discourse', externalId: String(t.user_id) } : null;
};

export const hasAuthor = (p: DiscoursePost): p is AuthoredPost => Number.isInteger(p.user_id) && typeof p.username === 'string';

/**
 * What members can see and reply to: a regular post in a public topic. Private messages (a
 * welcome from the forum's bot, a conversation between two members), staff-only whispers, and the
 * notices Discourse posts itself ("closed this topic", a moderator's action) are nobody's answer.
 */
export const isPublicReply = (p: DiscoursePost): boolean => (p.post_type ?? 1) === 1 && p.topic_archetype !== 'private_message';

/** A new topic: a question in a Q&A category, a contribution elsewhere. Private messages are not topics here. */
export function topicActivities(t: DiscourseTopic, ctx: MapContext): ActivityInput[] {
  const author = topicAuthorOf(t);
  if (!author || t.archetype === 'private_message') return [];
  return [
    {
      key: topicRef(t.id),
      kind: isQa(t.category_id, ctx) ? 'question_asked' : 'topic_created',
      platform: 'discourse',
      actor: author,
      occurredAt: t.created_at,
      subject: topicRef(t.id),
      url: topicUrl(ctx, t.id, t.slug),
      payload: { title: t.title },
    },
  ];
}

/**
 * A new post. The first post of a topic is the topic itself (it arrives beside topic_created) and
 * earns nothing more; a reply by someone other than the asker in a Q&A category is an answer.
 */
export function postActivities(p: AuthoredPost, ctx: MapContext): ActivityInput[] {
  if (p.post_number <= 1 || !isPublicReply(p)) return [];
  const author = person({ id: p.user_id, username: p.username, name: p.name, avatar_template: p.avatar_template }, p);
  const base = { key: postRef(p.id), platform: 'discourse' as const, actor: author, occurredAt: p.created_at, subject: topicRef(p.topic_id), url: postUrl(ctx, p) };
  const asker = ctx.topicAuthor;
  if (isQa(p.category_id, ctx) && asker && asker.externalId !== author.externalId) return [{ ...base, kind: 'answer_posted', counterpart: asker }];
  return [{ ...base, kind: 'message_posted' }];
}

/** A like: `user` liked `post`. Filed under the post (a deleted post takes its likes along) and about its topic (so does a deleted topic). */
export function likeActivities(like: { post: AuthoredPost; user: DiscourseUser }, ctx: MapContext, at: string | number): ActivityInput[] {
  if (like.post.topic_archetype === 'private_message') return [];
  const source = `${postRef(like.post.id)}:liked_by:${like.user.id}`;
  const liker = person(like.user, like.user);
  const author = person({ id: like.post.user_id, username: like.post.username, name: like.post.name, avatar_template: like.post.avatar_template }, like.post);
  const base = { platform: 'discourse' as const, occurredAt: at, source, subject: topicRef(like.post.topic_id), url: postUrl(ctx, like.post) };
  return [
    { ...base, key: `${source}:given`, kind: 'reaction_given', actor: liker, counterpart: author },
    { ...base, key: `${source}:received`, kind: 'reaction_received', actor: author, counterpart: liker },
  ];
}

export const solutionSource = (postId: number): string => `${postRef(postId)}:accepted`;

/** A post marked as the solution: an accepted answer for its author (a self-solution earns nothing — the rules see the asker). */
export function solutionActivities(post: AuthoredPost, ctx: MapContext, at: string | number): ActivityInput[] {
  if (!isPublicReply(post)) return [];
  return [
    {
      key: solutionSource(post.id),
      kind: 'answer_accepted',
      platform: 'discourse',
      actor: person({ id: post.user_id, username: post.username, name: post.name, avatar_template: post.avatar_template }, post),
      counterpart: ctx.topicAuthor ?? undefined,
      occurredAt: at,
      subject: topicRef(post.topic_id),
      url: postUrl(ctx, post),
    },
  ];
}

export function joinActivities(user: DiscourseUser & { created_at?: string }, at: string | number): ActivityInput[] {
  return [{ key: `discourse:user:${user.id}:joined`, kind: 'member_joined', platform: 'discourse', actor: person(user, user), occurredAt: user.created_at ?? at }];
}

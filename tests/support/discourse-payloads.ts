/** Webhook bodies shaped like Discourse's own serializers (WebHookPostSerializer, WebHookTopicViewSerializer, …). */
let nextId = 1000;

export interface ForumUser {
  id: number;
  username: string;
  name: string;
  staff?: boolean;
}

export const forumUser = (username: string, extra: Partial<ForumUser> = {}): ForumUser => ({ id: nextId++, username, name: username[0]!.toUpperCase() + username.slice(1), ...extra });

export function topicPayload(author: ForumUser, title: string, categoryId: number | null, at: string) {
  const id = nextId++;
  return {
    id,
    title,
    fancy_title: title,
    slug: title.toLowerCase().replace(/\W+/g, '-'),
    posts_count: 1,
    reply_count: 0,
    created_at: at,
    last_posted_at: at,
    visible: true,
    closed: false,
    archived: false,
    archetype: 'regular' as string,
    category_id: categoryId,
    user_id: author.id,
    tags: [],
    details: { created_by: { id: author.id, username: author.username, name: author.name, avatar_template: '/a/{size}.png' } },
  };
}

export function postPayload(topic: ReturnType<typeof topicPayload>, author: ForumUser, postNumber: number, at: string, raw = 'text') {
  return {
    id: nextId++,
    name: author.name,
    username: author.username,
    avatar_template: '/a/{size}.png',
    created_at: at,
    cooked: `<p>${raw}</p>`,
    raw,
    post_number: postNumber,
    post_type: 1,
    updated_at: at,
    reply_count: 0,
    reply_to_post_number: null,
    topic_id: topic.id,
    topic_slug: topic.slug,
    topic_title: topic.title,
    topic_archetype: topic.archetype,
    category_id: topic.category_id,
    user_id: author.id,
    staff: author.staff ?? false,
    admin: false,
    moderator: author.staff ?? false,
    trust_level: 1,
    deleted_at: null,
  };
}

/** Discourse's own accounts: negative ids (`Discourse.system_user` is -1, discobot -2). */
export const systemUser: ForumUser = { id: -1, username: 'system', name: 'system', staff: true };
export const discobot: ForumUser = { id: -2, username: 'discobot', name: 'discobot' };

/** A private message between `author` and others (`archetype: private_message`, no category). */
export function privateMessagePayload(author: ForumUser, title: string, at: string) {
  return { ...topicPayload(author, title, null, at), archetype: 'private_message' };
}

/** A post of another type than a regular reply: 2 moderator action, 3 small action ("closed this topic"), 4 whisper. */
export function specialPostPayload(topic: ReturnType<typeof topicPayload>, author: ForumUser, postNumber: number, at: string, postType: 2 | 3 | 4, raw = '') {
  return { ...postPayload(topic, author, postNumber, at, raw), post_type: postType, ...(postType === 3 ? { action_code: 'closed.enabled', cooked: '', raw: '' } : {}) };
}

/** A post whose author's account was deleted: Discourse keeps it, with no user. */
export function orphanPostPayload(topic: ReturnType<typeof topicPayload>, postNumber: number, at: string) {
  return { ...postPayload(topic, { id: 0, username: '', name: '' }, postNumber, at), user_id: null, username: null, name: null, avatar_template: null, display_username: null, staff: false, admin: false, moderator: false, trust_level: null };
}

/** The same post, as `post_destroyed` sends it (`deleted_at` set) or `post_recovered` (updated when restored). */
export const destroyed = <P extends { updated_at: string }>(post: P, at: string) => ({ ...post, deleted_at: at });
export const recovered = <P extends { updated_at: string }>(post: P, at: string) => ({ ...post, deleted_at: null, updated_at: at });

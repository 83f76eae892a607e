/** Webhook bodies shaped like Discourse's own serializers (WebHookPostSerializer, WebHookTopicViewSerializer, …). */
let nextId = 1000;

export interface ForumUser {
  id: number;
  username: string;
  name: string;
  staff?: boolean;
}

export const forumUser = (username: string, extra: Partial<ForumUser> = {}): ForumUser => ({ id: nextId++, username, name: username[0]!.toUpperCase() + username.slice(1), ...extra });

export function topicPayload(author: ForumUser, title: string, categoryId: number, at: string) {
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
    archetype: 'regular',
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
    topic_archetype: 'regular',
    category_id: topic.category_id,
    user_id: author.id,
    staff: author.staff ?? false,
    admin: false,
    moderator: author.staff ?? false,
    trust_level: 1,
    deleted_at: null,
  };
}

/**
 * What a Discourse forum (with the solved plugin) sends its webhooks when members and staff act —
 * the same events, in the same order, with the same payloads — while the fake forum's API state
 * follows along. Read from Discourse's PostDestroyer (destroy, recover), PostCreator, the webhook
 * initializer, and discourse-solved's plugin.rb (accept_answer!, unaccept_answer!, and its
 * `on(:post_destroyed)` hook, which unaccepts the topic's solution whichever post is deleted).
 */
import { postPayload, privateMessagePayload, specialPostPayload, topicPayload, type ForumUser } from './discourse-payloads.js';
import type { FakeDiscourse } from './fake-discourse.js';

export interface WebhookDelivery {
  group: string;
  event: string;
  body: unknown;
}

type Topic = ReturnType<typeof topicPayload>;
type Post = ReturnType<typeof postPayload>;

const basic = (u: ForumUser) => ({ id: u.id, username: u.username, name: u.name, avatar_template: '/letter_avatar_proxy/v4/letter/a/ccc/{size}.png' });

export class ForumWebhooks {
  constructor(readonly forum: FakeDiscourse) {}

  private postsOf(topicId: number): Post[] {
    let posts = this.forum.posts.get(topicId) as Post[] | undefined;
    if (!posts) this.forum.posts.set(topicId, (posts = []));
    return posts;
  }

  private topicOf(post: { topic_id: number }): Topic {
    return this.forum.topics.find((t) => t.id === post.topic_id) as Topic;
  }

  private add(topic: Topic, post: Post): Post {
    this.postsOf(topic.id).push(post);
    return post;
  }

  /** A member opens a topic: `topic_created`, then its first post's `post_created`. */
  openTopic(author: ForumUser, title: string, categoryId: number, at: string): { topic: Topic; first: Post; sent: WebhookDelivery[] } {
    const topic = topicPayload(author, title, categoryId, at);
    this.forum.topics.push(topic);
    const first = this.add(topic, postPayload(topic, author, 1, at));
    return { topic, first, sent: [{ group: 'topic', event: 'topic_created', body: { topic } }, { group: 'post', event: 'post_created', body: { post: first } }] };
  }

  /** A private message (the forum's bot welcoming a member, or two members talking). */
  privateMessage(author: ForumUser, title: string, at: string): { topic: Topic; first: Post; sent: WebhookDelivery[] } {
    const topic = privateMessagePayload(author, title, at);
    this.forum.topics.push(topic);
    const first = this.add(topic, postPayload(topic, author, 1, at));
    return { topic, first, sent: [{ group: 'topic', event: 'topic_created', body: { topic } }, { group: 'post', event: 'post_created', body: { post: first } }] };
  }

  private next(topic: Topic): number {
    return this.postsOf(topic.id).length + 1;
  }

  reply(topic: Topic, author: ForumUser, at: string, raw = 'text'): { post: Post; sent: WebhookDelivery[] } {
    const post = this.add(topic, postPayload(topic, author, this.next(topic), at, raw));
    return { post, sent: [{ group: 'post', event: 'post_created', body: { post } }] };
  }

  /** A staff whisper (post_type 4): only staff see it. */
  whisper(topic: Topic, author: ForumUser, at: string, raw = 'staff only'): { post: Post; sent: WebhookDelivery[] } {
    const post = this.add(topic, specialPostPayload(topic, author, this.next(topic), at, 4, raw) as Post);
    return { post, sent: [{ group: 'post', event: 'post_created', body: { post } }] };
  }

  /** Staff closes the topic: Discourse posts a small action (post_type 3), "closed this topic", as the closer. */
  close(topic: Topic, by: ForumUser, at: string): { post: Post; sent: WebhookDelivery[] } {
    const post = this.add(topic, specialPostPayload(topic, by, this.next(topic), at, 3) as Post);
    return { post, sent: [{ group: 'post', event: 'post_created', body: { post } }] };
  }

  like(post: Post, user: ForumUser): WebhookDelivery[] {
    const likers = this.forum.likes.get(post.id) ?? [];
    this.forum.likes.set(post.id, [...likers, { id: user.id, username: user.username, name: user.name }]);
    return [{ group: 'like', event: 'post_liked', body: { like: { post, user: basic(user) } } }];
  }

  /** The asker marks a solution. The plugin replaces an earlier one and says nothing about it. */
  accept(post: Post): WebhookDelivery[] {
    this.forum.solutions.set(post.topic_id, post.id);
    return [{ group: 'solved', event: 'accepted_solution', body: { solved: post } }];
  }

  unaccept(post: Post): WebhookDelivery[] {
    if (!this.forum.solutions.has(post.topic_id)) return [];
    this.forum.solutions.delete(post.topic_id);
    return [{ group: 'solved', event: 'unaccepted_solution', body: { solved: post } }];
  }

  /**
   * Staff deletes a post: the solved plugin's hook first (it unaccepts the topic's solution, sending
   * the deleted post), then `post_destroyed` with `deleted_at` set; deleting the first post deletes
   * the topic, and `topic_destroyed` follows.
   */
  deletePost(post: Post, at: string): WebhookDelivery[] {
    const topic = this.topicOf(post);
    const gone = { ...post, deleted_at: at };
    const sent: WebhookDelivery[] = [...this.unaccept(post), { group: 'post', event: 'post_destroyed', body: { post: gone } }];
    if (post.post_number === 1) sent.push({ group: 'topic', event: 'topic_destroyed', body: { topic: { ...topic, deleted_at: at } } });
    return sent;
  }

  deleteTopic(topic: Topic, at: string): WebhookDelivery[] {
    return this.deletePost(this.postsOf(topic.id)[0]!, at);
  }

  /** Staff restores a post (its `updated_at` moves to now); restoring the first post restores the topic. */
  recoverPost(post: Post, at: string): WebhookDelivery[] {
    const topic = this.topicOf(post);
    const back = { ...post, deleted_at: null, updated_at: at };
    const sent: WebhookDelivery[] = [{ group: 'post', event: 'post_recovered', body: { post: back } }];
    if (post.post_number === 1) sent.push({ group: 'topic', event: 'topic_recovered', body: { topic: { ...topic, deleted_at: null } } });
    return sent;
  }

  recoverTopic(topic: Topic, at: string): WebhookDelivery[] {
    return this.recoverPost(this.postsOf(topic.id)[0]!, at);
  }

  /**
   * An account deleted with its posts kept: they stay, authorless (`user_id` and `username` null).
   * Returns the posts as the forum now serializes them (a later edit or like sends these).
   */
  deleteUser(user: ForumUser): Post[] {
    const orphaned: Post[] = [];
    for (const posts of this.forum.posts.values())
      posts.forEach((p, i) => {
        if (p.user_id !== user.id) return;
        posts[i] = { ...p, user_id: null, username: null, name: null, avatar_template: null };
        orphaned.push(posts[i] as Post);
      });
    return orphaned;
  }

  /** The post edited: `post_edited` (Flywheel records nothing for it, but must not refuse it). */
  edit(post: Post, at: string): WebhookDelivery[] {
    return [{ group: 'post', event: 'post_edited', body: { post: { ...post, updated_at: at } } }];
  }
}

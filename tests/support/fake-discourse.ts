/**
 * A small Discourse on 127.0.0.1: receives badge grants (and can fail on purpose, like a forum that
 * is down or rate-limiting), creates badges, and serves the read API the history import pages
 * through. It keeps its forum as webhook payloads (discourse-payloads.ts) and answers the API in
 * Discourse's own shapes — every field its published schemas require, none they do not name
 * (tests/support/discourse-schemas.ts; tests/unit/fake-discourse.test.ts holds it to them): a
 * topic's posts count their likes in `actions_summary`, likers come 200 a page.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>;

/** A forum account as DiscourseConnect describes it; `groups` are the names of the groups it is in. */
export interface ConnectUser {
  id: number;
  username: string;
  name: string;
  email?: string;
  admin?: boolean;
  moderator?: boolean;
  groups?: string[];
}

export class FakeDiscourse {
  readonly apiKey = 'fake-api-key';
  readonly grants: Array<{ username: string; badge_id: number; reason?: string }> = [];
  /** Every `POST /user_badges.json` that reached the forum, accepted or not, in the order received (what "granted twice" counts). */
  readonly grantPosts: Array<{ username: string; badge_id: number; reason?: string }> = [];
  readonly badges: Array<{ id: number; name: string; badge_type_id: number; description?: string }> = [{ id: 1, name: 'Basic User', badge_type_id: 3 }];
  /** Responses to give the next badge grants instead of accepting them (e.g. 500, or 429 with Retry-After). */
  readonly failures: Array<{ status: number; retryAfter?: number }> = [];
  readonly requests: Array<{ method: string; path: string }> = [];
  /** Topics, as `topicPayload` builds them (the webhook's shape). */
  readonly topics: Json[] = [];
  /** Each topic's posts, as `postPayload` builds them: regular posts, whispers, small actions. */
  readonly posts = new Map<number, Json[]>();
  /** Who liked each post (id, username, name), oldest first. */
  readonly likes = new Map<number, Json[]>();
  /** Each topic's solution (the solved plugin): topic id → post id. */
  readonly solutions = new Map<number, number>();
  /** Every answer given to an authorised request, for checking against Discourse's schemas. */
  readonly answers: Array<{ route: string; status: number; body: unknown }> = [];
  /** How long a badge grant takes to answer (a busy forum), so concurrent senders overlap. */
  grantDelayMs = 0;
  /** Topic pages served before the fake answers 500 (to interrupt an import), or null. */
  failAfterRequests: number | null = null;
  private server: Server | null = null;
  private base = '';

  get url(): string {
    return this.base;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** DiscourseConnect: the shared secret, and who is signed in on the forum in the visitor's browser. */
  connectSecret = 'fake-connect-secret';
  connectUser: ConnectUser | null = null;
  /** The forum's accounts as its admin API sees them now (every account that signed in lands here). */
  readonly accounts = new Map<number, ConnectUser>();

  /** Like Discourse's /session/sso_provider: the payload SessionController#sso_provider signs. */
  private connect(url: URL, res: ServerResponse): unknown {
    const sso = url.searchParams.get('sso') ?? '';
    const sig = createHmac('sha256', this.connectSecret).update(sso).digest('hex');
    if (sig !== url.searchParams.get('sig') || !this.connectUser) return res.writeHead(403).end('bad sso');
    const user = this.connectUser;
    this.accounts.set(user.id, user);
    const request = new URLSearchParams(Buffer.from(sso, 'base64').toString('utf8'));
    // Discourse lists every group the user is in, automatic ones (trust levels, staff) included.
    const groups = [`trust_level_0`, ...(user.admin ? ['admins', 'staff'] : []), ...(user.moderator ? ['moderators', 'staff'] : []), ...(user.groups ?? [])];
    const answer = Buffer.from(
      new URLSearchParams({
        nonce: request.get('nonce')!,
        return_sso_url: request.get('return_sso_url')!,
        name: user.name,
        username: user.username,
        email: user.email ?? `${user.username}@example.com`,
        external_id: String(user.id),
        admin: String(user.admin ?? false),
        moderator: String(user.moderator ?? false),
        groups: [...new Set(groups)].join(','),
        avatar_url: `${this.base}/user_avatar/${user.username}.png`,
      }).toString(),
    ).toString('base64');
    const back = new URL(request.get('return_sso_url')!);
    back.searchParams.set('sso', answer);
    back.searchParams.set('sig', createHmac('sha256', this.connectSecret).update(answer).digest('hex'));
    return res.writeHead(302, { location: back.toString() }).end();
  }

  /** A post as a topic serves it (PostSerializer with the solved plugin): no topic title, category or raw; likes in `actions_summary`. */
  private topicPost(topic: Json, p: Json): Json {
    const likes = (this.likes.get(p.id) ?? []).length;
    const solution = this.solutions.get(topic.id);
    return {
      id: p.id,
      name: p.name ?? '',
      username: p.username,
      avatar_template: avatar,
      created_at: p.created_at,
      cooked: p.cooked,
      post_number: p.post_number,
      post_type: p.post_type,
      updated_at: p.updated_at,
      reply_count: 0,
      reply_to_post_number: null,
      quote_count: 0,
      incoming_link_count: 0,
      reads: 1,
      readers_count: 0,
      score: 0,
      yours: false,
      topic_id: topic.id,
      topic_slug: topic.slug,
      display_username: p.name ?? '',
      primary_group_name: null,
      flair_name: null,
      flair_url: null,
      flair_bg_color: null,
      flair_color: null,
      version: 1,
      can_edit: true,
      can_delete: true,
      can_recover: false,
      can_wiki: true,
      link_counts: [],
      read: true,
      user_title: null,
      bookmarked: false,
      // Discourse leaves the count out when it is 0.
      actions_summary: [{ id: 2, ...(likes > 0 ? { count: likes } : {}), can_act: true }],
      moderator: Boolean(p.moderator),
      admin: Boolean(p.admin),
      staff: Boolean(p.staff),
      user_id: p.user_id,
      hidden: false,
      trust_level: p.trust_level ?? 1,
      deleted_at: null,
      user_deleted: false,
      edit_reason: null,
      can_view_edit_history: true,
      wiki: false,
      reviewable_id: 0,
      reviewable_score_count: 0,
      reviewable_score_pending_count: 0,
      accepted_answer: solution === p.id,
      can_accept_answer: p.post_number > 1 && solution !== p.id,
      can_unaccept_answer: solution === p.id,
      topic_accepted_answer: solution !== undefined,
    };
  }

  /** `GET /t/{id}.json`: like Discourse, the first posts inline (here 2, to make the importer ask for the rest) and every post's id in the stream. */
  private topicView(topic: Json): Json {
    const posts = this.posts.get(topic.id) ?? [];
    const by = topic.details.created_by;
    const last = posts.at(-1) ?? { user_id: by.id, username: by.username, name: by.name };
    return {
      post_stream: { posts: posts.slice(0, 2).map((p) => this.topicPost(topic, p)), stream: posts.map((p) => p.id) },
      timeline_lookup: [],
      suggested_topics: [],
      tags: [],
      tags_descriptions: {},
      id: topic.id,
      title: topic.title,
      fancy_title: topic.fancy_title,
      posts_count: posts.length,
      created_at: topic.created_at,
      views: 1,
      reply_count: Math.max(posts.length - 1, 0),
      like_count: posts.reduce((n, p) => n + (this.likes.get(p.id) ?? []).length, 0),
      last_posted_at: posts.at(-1)?.created_at ?? topic.created_at,
      visible: true,
      closed: false,
      archived: false,
      has_summary: false,
      archetype: topic.archetype,
      slug: topic.slug,
      category_id: topic.category_id,
      word_count: 10 * posts.length,
      deleted_at: null,
      user_id: topic.user_id,
      featured_link: null,
      pinned_globally: false,
      pinned_at: null,
      pinned_until: null,
      image_url: null,
      slow_mode_seconds: 0,
      draft: null,
      draft_key: `topic_${topic.id}`,
      draft_sequence: 0,
      unpinned: null,
      pinned: false,
      highest_post_number: posts.at(-1)?.post_number ?? 1,
      deleted_by: null,
      has_deleted: false,
      actions_summary: [4, 8, 10, 7].map((id) => ({ id, count: 0, hidden: false, can_act: true })),
      chunk_size: 20,
      bookmarked: false,
      bookmarks: [],
      topic_timer: null,
      message_bus_last_id: 0,
      participant_count: new Set(posts.map((p) => p.user_id)).size,
      show_read_indicator: false,
      thumbnails: null,
      slow_mode_enabled_until: null,
      summarizable: false,
      // The solved plugin's TopicViewSerializerExtension: the solution, while there is one.
      ...(this.solutions.has(topic.id) ? { accepted_answer: this.acceptedAnswer(topic, this.solutions.get(topic.id)!) } : {}),
      details: {
        can_edit: true,
        notification_level: 1,
        can_move_posts: true,
        can_delete: true,
        can_remove_allowed_users: true,
        can_create_post: true,
        can_reply_as_new_topic: true,
        can_convert_topic: true,
        can_review_topic: true,
        can_close_topic: true,
        can_archive_topic: true,
        can_split_merge_topic: true,
        can_edit_staff_notes: true,
        can_toggle_topic_visibility: true,
        can_pin_unpin_topic: true,
        can_moderate_category: true,
        can_remove_self_id: 0,
        created_by: basicUser(by),
        last_poster: basicUser({ id: last.user_id, username: last.username, name: last.name }),
      },
    };
  }

  private acceptedAnswer(topic: Json, postId: number): Json {
    const post = (this.posts.get(topic.id) ?? []).find((p) => p.id === postId)!;
    return { post_number: post.post_number, username: post.username, name: post.name ?? null, excerpt: String(post.cooked).replace(/<[^>]+>/g, '') };
  }

  /** One topic of a list (`/latest.json`). */
  private listed(topic: Json): Json {
    const posts = this.posts.get(topic.id) ?? [];
    const lastPost = posts.at(-1);
    return {
      id: topic.id,
      title: topic.title,
      fancy_title: topic.fancy_title,
      slug: topic.slug,
      posts_count: posts.length,
      reply_count: Math.max(posts.length - 1, 0),
      highest_post_number: lastPost?.post_number ?? 1,
      image_url: null,
      created_at: topic.created_at,
      last_posted_at: lastPost?.created_at ?? topic.created_at,
      bumped: true,
      bumped_at: lastPost?.created_at ?? topic.created_at,
      archetype: topic.archetype,
      unseen: false,
      pinned: false,
      unpinned: null,
      excerpt: topic.title,
      visible: true,
      closed: false,
      archived: false,
      bookmarked: null,
      liked: null,
      views: 1,
      like_count: posts.reduce((n, p) => n + (this.likes.get(p.id) ?? []).length, 0),
      has_summary: false,
      last_poster_username: lastPost?.username ?? topic.details.created_by.username,
      category_id: topic.category_id,
      pinned_globally: false,
      featured_link: null,
      posters: [{ extras: 'latest single', description: 'Original Poster, Most Recent Poster', user_id: topic.user_id, primary_group_id: null }],
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const url = new URL(req.url ?? '/', this.base);
    if (url.pathname === '/session/sso_provider') return this.connect(url, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Json) : {};
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname });
    let answered = '';
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      if (answered) this.answers.push({ route: answered, status, body: data });
      return res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    };
    if (req.headers['api-key'] !== this.apiKey || !req.headers['api-username']) return send(403, { errors: ['You are not permitted to view the requested resource.'] });
    if (this.failAfterRequests !== null && this.requests.length > this.failAfterRequests) return send(500, { errors: ['down for maintenance'] });
    const route = `${req.method} ${url.pathname}`;
    answered = route.replace(/\/\d+/g, '/{id}');
    let m: RegExpMatchArray | null;

    if (route === 'POST /user_badges.json') {
      this.grantPosts.push({ username: body.username, badge_id: body.badge_id, reason: body.reason });
      if (this.grantDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.grantDelayMs));
      // UserBadgesController#create: a reason must be a link to one of this forum's topics or posts.
      if (body.reason && !String(body.reason).startsWith(`${this.base}/t/`) && !String(body.reason).startsWith(`${this.base}/p/`))
        return send(400, { failed: 'FAILED', message: 'A link to a Discourse post or topic is required.' });
      const failure = this.failures.shift();
      if (failure) return send(failure.status, { errors: ['try again later'] }, failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {});
      const badge = this.badges.find((b) => b.id === body.badge_id);
      if (!badge) return send(422, { errors: ['Badge not found'] });
      if (this.grants.some((g) => g.username === body.username && g.badge_id === body.badge_id)) return send(422, { errors: ['User already has this badge'] });
      this.grants.push({ username: body.username, badge_id: body.badge_id, reason: body.reason });
      return send(200, { badges: [badge], user_badges: [{ id: this.grants.length, badge_id: badge.id }] });
    }
    if (route === 'GET /admin/badges.json') return send(200, badgeList(this.badges));
    if (req.method === 'GET' && (m = url.pathname.match(/^\/admin\/users\/(\d+)\.json$/))) {
      const user = this.accounts.get(Number(m[1]));
      if (!user) return send(404, { errors: ['The requested URL or resource could not be found.'] });
      return send(200, { id: user.id, username: user.username, name: user.name, admin: user.admin ?? false, moderator: user.moderator ?? false, groups: (user.groups ?? []).map((name, i) => ({ id: 40 + i, name, automatic: false })) });
    }
    if (route === 'POST /admin/badges.json') {
      const badge = { id: 100 + this.badges.length, name: body.name, badge_type_id: body.badge_type_id, description: body.description };
      this.badges.push(badge);
      return send(200, { badge_types: BADGE_TYPES, badge: { ...fullBadge(badge), trigger: null, image_upload_id: null, post_header: true } });
    }
    if (route === 'GET /latest.json') {
      const page = Number(url.searchParams.get('page') ?? 0);
      const per = 2;
      // The API user is staff, but /latest lists no private messages.
      const sorted = this.topics.filter((t) => t.archetype !== 'private_message').sort((a, b) => a.created_at.localeCompare(b.created_at));
      const slice = sorted.slice(page * per, page * per + per);
      return send(200, {
        users: slice.map((t) => ({ ...t.details.created_by })),
        primary_groups: [],
        topic_list: { can_create_topic: true, per_page: per, topics: slice.map((t) => this.listed(t)), ...(sorted.length > (page + 1) * per ? { more_topics_url: `/latest?page=${page + 1}` } : {}) },
      });
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/t\/(\d+)\.json$/))) {
      const topic = this.topics.find((t) => t.id === Number(m![1]));
      if (!topic) return send(404, { errors: ['The requested URL or resource could not be found.'], error_type: 'not_found' });
      return send(200, this.topicView(topic));
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/t\/(\d+)\/posts\.json$/))) {
      const topicId = Number(m[1]);
      const wanted = url.searchParams.getAll('post_ids[]').map(Number);
      const topic = this.topics.find((t) => t.id === topicId);
      return send(200, { post_stream: { posts: (this.posts.get(topicId) ?? []).filter((p) => wanted.includes(p.id)).map((p) => this.topicPost(topic!, p)) }, id: topicId });
    }
    if (route === 'GET /about.json') return send(200, { about: { stats: { topics_count: this.topics.length, posts_count: [...this.posts.values()].flat().length, users_count: 0 } } });
    if (route === 'GET /post_action_users.json') {
      // Like PostActionUsersController: `limit` at most 200, `page` from 0; the total and the next page only when there is more than one.
      const postId = Number(url.searchParams.get('id'));
      const page = Number(url.searchParams.get('page') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? LIKERS_PAGE) || LIKERS_PAGE, LIKERS_PAGE);
      const all = Number(url.searchParams.get('post_action_type_id')) === 2 ? (this.likes.get(postId) ?? []) : [];
      const users = all.slice(page * limit, (page + 1) * limit).map((u) => ({ id: u.id, username: u.username, name: u.name ?? null, avatar_template: '/letter_avatar_proxy/v4/letter/a/ccc/{size}.png', post_url: null, username_lower: String(u.username).toLowerCase() }));
      const more = all.length > limit ? { total_rows_post_action_users: all.length, ...(all.length > (page + 1) * limit ? { load_more_post_action_users: `/post_action_users?id=${postId}&limit=${limit}&page=${page + 1}&post_action_type_id=2` } : {}) } : {};
      return send(200, { post_action_users: users, ...more });
    }
    return send(404, { errors: [`fake Discourse has no route ${route}`] });
  }
}

const LIKERS_PAGE = 200;
const BADGE_TYPES = [
  { id: 1, name: 'Gold', sort_order: 9 },
  { id: 2, name: 'Silver', sort_order: 8 },
  { id: 3, name: 'Bronze', sort_order: 7 },
];
const avatar = '/letter_avatar_proxy/v4/letter/a/ccc/{size}.png';
const basicUser = (u: Json) => ({ id: u.id, username: u.username, name: u.name ?? '', avatar_template: avatar });

function fullBadge(b: { id: number; name: string; badge_type_id: number; description?: string }) {
  return {
    id: b.id,
    name: b.name,
    description: b.description ?? '',
    grant_count: 0,
    allow_title: false,
    multiple_grant: false,
    icon: 'certificate',
    image_url: null,
    listable: true,
    enabled: true,
    badge_grouping_id: 5,
    system: b.id < 100,
    long_description: '',
    slug: b.name.toLowerCase().replace(/\W+/g, '-'),
    manually_grantable: true,
    query: null,
    target_posts: false,
    auto_revoke: true,
    show_posts: false,
    badge_type_id: b.badge_type_id,
  };
}

function badgeList(badges: ReadonlyArray<{ id: number; name: string; badge_type_id: number; description?: string }>) {
  return {
    badges: badges.map((b) => ({ ...fullBadge(b), trigger: null, i18n_name: b.name })),
    badge_types: BADGE_TYPES,
    badge_groupings: [{ id: 5, name: 'Other', description: null, position: 14, system: true }],
    admin_badges: {
      protected_system_fields: ['name', 'badge_type_id'],
      triggers: { user_change: 8, none: 0, post_revision: 2, trust_level_change: 4, post_action: 1 },
      badge_ids: badges.map((b) => b.id),
      badge_grouping_ids: [5],
      badge_type_ids: [1, 2, 3],
    },
  };
}

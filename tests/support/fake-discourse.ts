/**
 * A small Discourse on 127.0.0.1: receives badge grants (and can fail on purpose, like a forum that
 * is down or rate-limiting), creates badges, and serves the read API the history import pages
 * through — with Discourse's field names.
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
  readonly badges: Array<{ id: number; name: string; badge_type_id: number; description?: string }> = [{ id: 1, name: 'Basic User', badge_type_id: 3 }];
  /** Responses to give the next badge grants instead of accepting them (e.g. 500, or 429 with Retry-After). */
  readonly failures: Array<{ status: number; retryAfter?: number }> = [];
  readonly requests: Array<{ method: string; path: string }> = [];
  readonly topics: Json[] = [];
  readonly posts = new Map<number, Json[]>();
  readonly likes = new Map<number, Json[]>();
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const url = new URL(req.url ?? '/', this.base);
    if (url.pathname === '/session/sso_provider') return this.connect(url, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Json) : {};
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    if (req.headers['api-key'] !== this.apiKey || !req.headers['api-username']) return send(403, { errors: ['You are not permitted to view the requested resource.'] });
    if (this.failAfterRequests !== null && this.requests.length > this.failAfterRequests) return send(500, { errors: ['down for maintenance'] });
    const route = `${req.method} ${url.pathname}`;
    let m: RegExpMatchArray | null;

    if (route === 'POST /user_badges.json') {
      const failure = this.failures.shift();
      if (failure) return send(failure.status, { errors: ['try again later'] }, failure.retryAfter ? { 'retry-after': String(failure.retryAfter) } : {});
      const badge = this.badges.find((b) => b.id === body.badge_id);
      if (!badge) return send(422, { errors: ['Badge not found'] });
      if (this.grants.some((g) => g.username === body.username && g.badge_id === body.badge_id)) return send(422, { errors: ['User already has this badge'] });
      this.grants.push({ username: body.username, badge_id: body.badge_id, reason: body.reason });
      return send(200, { badges: [badge], user_badges: [{ id: this.grants.length, badge_id: badge.id }] });
    }
    if (route === 'GET /admin/badges.json') return send(200, { badges: this.badges });
    if (req.method === 'GET' && (m = url.pathname.match(/^\/admin\/users\/(\d+)\.json$/))) {
      const user = this.accounts.get(Number(m[1]));
      if (!user) return send(404, { errors: ['The requested URL or resource could not be found.'] });
      return send(200, { id: user.id, username: user.username, name: user.name, admin: user.admin ?? false, moderator: user.moderator ?? false, groups: (user.groups ?? []).map((name, i) => ({ id: 40 + i, name, automatic: false })) });
    }
    if (route === 'POST /admin/badges.json') {
      const badge = { id: 100 + this.badges.length, name: body.name, badge_type_id: body.badge_type_id, description: body.description };
      this.badges.push(badge);
      return send(200, { badge });
    }
    if (route === 'GET /latest.json') {
      const page = Number(url.searchParams.get('page') ?? 0);
      const per = 2;
      const sorted = [...this.topics].sort((a, b) => a.created_at.localeCompare(b.created_at));
      const slice = sorted.slice(page * per, page * per + per);
      return send(200, { topic_list: { topics: slice, ...(sorted.length > (page + 1) * per ? { more_topics_url: `/latest?page=${page + 1}` } : {}) } });
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/t\/(\d+)\.json$/))) {
      const topic = this.topics.find((t) => t.id === Number(m![1]));
      if (!topic) return send(404, { errors: ['not found'] });
      const posts = this.posts.get(topic.id) ?? [];
      // Like Discourse: the first page of posts inline, the ids of all of them in the stream.
      return send(200, { ...topic, post_stream: { posts: posts.slice(0, 2), stream: posts.map((p) => p.id) } });
    }
    if (req.method === 'GET' && (m = url.pathname.match(/^\/t\/(\d+)\/posts\.json$/))) {
      const wanted = url.searchParams.getAll('post_ids[]').map(Number);
      return send(200, { post_stream: { posts: (this.posts.get(Number(m[1])) ?? []).filter((p) => wanted.includes(p.id)) } });
    }
    if (route === 'GET /about.json') return send(200, { about: { stats: { topic_count: this.topics.length } } });
    if (route === 'GET /post_action_users.json') return send(200, { post_action_users: this.likes.get(Number(url.searchParams.get('id'))) ?? [] });
    return send(404, { errors: [`fake Discourse has no route ${route}`] });
  }
}

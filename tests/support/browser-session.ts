/**
 * A visitor to the site, driven with `inject`: keeps cookies like a browser, signs in through the
 * real Discord OAuth2 flow against the fake Discord (or with the admin password), and fills forms
 * with the CSRF token the page gave it.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { FakeDiscord } from './fake-discord.js';

export class Visitor {
  private cookies = new Map<string, string>();

  constructor(private readonly app: FastifyInstance) {}

  get cookieHeader(): string {
    // Kept decoded (as light-my-request parses them); sent encoded, as the server set them.
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async get(url: string, accept = 'text/html'): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { accept, cookie: this.cookieHeader } }));
  }

  async post(url: string, form: Record<string, string>, accept = 'text/html'): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { accept, cookie: this.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** The CSRF token of a page's forms. */
  async csrf(page = '/login?next=%2Fadmin'): Promise<string> {
    const res = await this.get(page);
    const token = res.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error(`no CSRF token on ${page} (status ${res.statusCode})`);
    return token;
  }

  async signInWithPassword(password: string): Promise<LightMyRequestResponse> {
    return this.post('/login', { _csrf: await this.csrf(), password });
  }

  /** Sign in as a Discord user: the site sends us to Discord, Discord sends us back with a code. */
  async signInWithDiscord(discord: FakeDiscord, userId: string): Promise<LightMyRequestResponse> {
    discord.oauthUser = userId;
    const start = await this.get('/login/discord');
    const consent = await fetch(start.headers.location as string, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    return this.get(`${back.pathname}${back.search}`);
  }
}

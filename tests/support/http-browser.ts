/**
 * A browser over real HTTP: fetch with a cookie jar for the site, following redirects itself
 * (to the fake forum or Discord and back) the way a browser does, and filling forms with the CSRF
 * token the page gave it.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

export interface Page {
  status: number;
  /** Where the browser ended up. */
  url: string;
  body: string;
  headers: Headers;
}

/** Listen on a free port and make the site's own address its PUBLIC_URL (DiscourseConnect returns there). */
export async function listenForReal(app: FastifyInstance, config: { community: { siteUrl: string } }): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  config.community.siteUrl = base;
  return base;
}

export class HttpBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly site: string) {}

  /** The site's cookies as the browser would send them. */
  get cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  private keep(res: Response, url: URL): void {
    if (url.origin !== new URL(this.site).origin) return;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((p) => p.trim());
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      const gone = value === '' || attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (gone) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** Open a page (or post a form) and follow redirects wherever they lead, like a browser. */
  async open(path: string, init: { form?: Record<string, string>; accept?: string; follow?: boolean } = {}): Promise<Page> {
    let url = new URL(path, this.site);
    let method = init.form ? 'POST' : 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hop = 0; hop < 10; hop++) {
      const ours = url.origin === new URL(this.site).origin;
      const headers: Record<string, string> = { accept: init.accept ?? 'text/html' };
      if (ours && this.jar.size) headers.cookie = this.cookieHeader;
      if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(url, { method, headers, body, redirect: 'manual' });
      this.keep(res, url);
      const location = res.headers.get('location');
      if (init.follow === false || res.status < 300 || res.status >= 400 || !location) {
        return { status: res.status, url: url.toString(), body: await res.text(), headers: res.headers };
      }
      await res.arrayBuffer();
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** The CSRF token of a page's forms. */
  async csrf(path: string): Promise<string> {
    const page = await this.open(path);
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return token;
  }

  /** Click the link whose text is `text` on the page at `path`. */
  async click(path: string, text: string): Promise<Page> {
    const page = await this.open(path);
    const href = [...page.body.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].find((m) => m[2]!.trim() === text)?.[1];
    if (!href) throw new Error(`no link "${text}" on ${path}`);
    return this.open(href.replace(/&amp;/g, '&'));
  }
}

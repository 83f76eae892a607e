/**
 * `/link`: join a forum account to a Discord account. The visitor proves the forum account by
 * signing in on the forum (DiscourseConnect) and the Discord account with the code `/link` gave
 * them in Discord. Neither proof alone links anything.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { connectRequest, connectResponse, type ForumAccount } from '../../discourse/connect.js';
import { DomainError } from '../../domain/errors.js';
import { csrfToken } from '../auth/session.js';
import { parseQuery } from '../query.js';

const NONCE_COOKIE = 'fw_connect';
const FORUM_COOKIE = 'fw_forum';
const PROOF_SECONDS = 15 * 60;
const callbackQuery = z.object({ sso: z.string().min(1).max(4000), sig: z.string().min(1).max(200) });
const linkBody = z.object({ _csrf: z.string().optional(), code: z.string().trim().min(4, 'expected the code from /link in Discord').max(20) });

function signedJson<T>(request: FastifyRequest, name: string): T | null {
  const raw = request.cookies[name];
  const value = raw ? request.unsignCookie(raw) : null;
  if (!value?.valid || !value.value) return null;
  try {
    return JSON.parse(value.value) as T;
  } catch {
    return null;
  }
}

export async function linkRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  const c = fw.config.discourse;
  const secure = fw.config.community.siteUrl.startsWith('https://');
  const ready = () => {
    if (!c.url || !c.connectSecret) throw new DomainError('not_found', 'linking a forum account is not set up here (DISCOURSE_URL, DISCOURSE_CONNECT_SECRET)');
    return { url: c.url, secret: c.connectSecret };
  };
  const page = (reply: FastifyReply, forum: ForumAccount | null, data: object = {}) =>
    reply.view('pages/link.hbs', { title: `Link your accounts — ${fw.config.community.name}`, community: fw.config.community.name, forum, csrf: csrfToken(reply), ...data });

  app.get('/link', async (request, reply) => {
    ready();
    return page(reply, signedJson<ForumAccount>(request, FORUM_COOKIE));
  });

  app.get('/link/discourse', async (_request, reply) => {
    const { url, secret } = ready();
    const { url: target, nonce } = connectRequest(url, secret, `${fw.config.community.siteUrl.replace(/\/$/, '')}/link/discourse/callback`);
    reply.setCookie(NONCE_COOKIE, nonce, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/link', maxAge: 600 });
    return reply.redirect(target);
  });

  app.get('/link/discourse/callback', async (request, reply) => {
    const { secret } = ready();
    const { sso, sig } = parseQuery(callbackQuery, request.query);
    const raw = request.cookies[NONCE_COOKIE];
    const nonce = raw ? request.unsignCookie(raw) : null;
    if (!nonce?.valid || !nonce.value) throw new DomainError('invalid_parameter', 'nonce: this sign-in was not started here; please try again');
    const account = connectResponse(sso, sig, secret, nonce.value);
    reply.clearCookie(NONCE_COOKIE, { path: '/link' });
    reply.setCookie(FORUM_COOKIE, JSON.stringify(account), { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/link', maxAge: PROOF_SECONDS });
    return reply.redirect('/link', 303);
  });

  app.post('/link', { preHandler: app.csrfProtection, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    ready();
    const forum = signedJson<ForumAccount>(request, FORUM_COOKIE);
    if (!forum) throw new DomainError('unauthorized', 'sign in with your forum account first');
    const { code } = parseQuery(linkBody, request.body);
    const result = await fw.links.linkWithCode(code, { platform: 'discourse', externalId: forum.id, username: forum.username, displayName: forum.name ?? forum.username, isStaff: forum.staff });
    reply.clearCookie(FORUM_COOKIE, { path: '/link' });
    return page(reply, null, { linked: result.memberId });
  });
}

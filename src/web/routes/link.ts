/**
 * `/link`: join a forum account to a Discord account. The visitor proves the forum account by
 * signing in on the forum (DiscourseConnect) and the Discord account with the code `/link` gave
 * them in Discord. Neither proof alone links anything. The forum's answer is taken once (its nonce is
 * consumed in the database) and the forum proof it leaves lasts 15 minutes, by the expiry it signs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { connectRequest, connectResponse, type ForumAccount } from '../../discourse/connect.js';
import { DomainError } from '../../domain/errors.js';
import { csrfToken } from '../auth/session.js';
import { noQuery, PAGE } from '../openapi.js';

const NONCE_COOKIE = 'fw_connect';
const FORUM_COOKIE = 'fw_forum';
const PROOF_MS = 15 * 60_000;
const callbackQuery = z.object({ sso: z.string().min(1).max(4000), sig: z.string().min(1).max(200) });
const linkBody = z.object({ _csrf: z.string().optional(), code: z.string().trim().min(4, 'expected the code from /link in Discord').max(20) });

const NONCE_PURPOSE = 'discourse-connect';
const NONCE_MS = 10 * 60_000;

/** The forum account this browser proved, while the proof lasts: its expiry is inside the signed value. */
function forumProof(request: FastifyRequest, now: number): ForumAccount | null {
  const raw = request.cookies[FORUM_COOKIE];
  const value = raw ? request.unsignCookie(raw) : null;
  if (!value?.valid || !value.value) return null;
  try {
    const proof = JSON.parse(value.value) as { account?: ForumAccount; exp?: unknown };
    return proof.account && typeof proof.exp === 'number' && proof.exp > now ? proof.account : null;
  } catch {
    return null;
  }
}

export async function linkRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const page = { ...PAGE, schema: { querystring: noQuery } };
  const c = config.discourse;
  const secure = config.community.siteUrl.startsWith('https://');
  const ready = () => {
    if (!c.url || !c.connectSecret) throw new DomainError('not_found', 'linking a forum account is not set up here (DISCOURSE_URL, DISCOURSE_CONNECT_SECRET)');
    return { url: c.url, secret: c.connectSecret };
  };
  const view = (reply: FastifyReply, forum: ForumAccount | null, data: object = {}) =>
    reply.view('pages/link.hbs', { title: `Link your accounts — ${config.community.name}`, community: config.community.name, forum, csrf: csrfToken(reply), ...data });

  app.get('/link', page, async (request, reply) => {
    ready();
    return view(reply, forumProof(request, fw.now()));
  });

  // Each visit stores a nonce: limited, so nobody fills the table.
  app.get('/link/discourse', { ...page, config: { ...PAGE.config, rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (_request, reply) => {
    const { url, secret } = ready();
    const { url: target, nonce } = connectRequest(url, secret, `${config.community.siteUrl.replace(/\/$/, '')}/link/discourse/callback`);
    // Kept in the database too, so the forum's answer is taken once, on whichever instance it arrives.
    await fw.nonces.remember(NONCE_PURPOSE, nonce, NONCE_MS);
    reply.setCookie(NONCE_COOKIE, nonce, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/link', maxAge: NONCE_MS / 1000 });
    return reply.redirect(target);
  });

  app.get('/link/discourse/callback', { ...PAGE, schema: { querystring: callbackQuery } }, async (request, reply) => {
    const { secret } = ready();
    const { sso, sig } = request.query;
    const raw = request.cookies[NONCE_COOKIE];
    const nonce = raw ? request.unsignCookie(raw) : null;
    if (!nonce?.valid || !nonce.value) throw new DomainError('invalid_parameter', 'nonce: this sign-in was not started here; please try again');
    const account = connectResponse(sso, sig, secret, nonce.value);
    if (!(await fw.nonces.consume(NONCE_PURPOSE, nonce.value))) throw new DomainError('invalid_parameter', 'nonce: this forum sign-in was already used or has expired; please try again');
    reply.clearCookie(NONCE_COOKIE, { path: '/link' });
    const proof = { account, exp: fw.now() + PROOF_MS };
    reply.setCookie(FORUM_COOKIE, JSON.stringify(proof), { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/link', maxAge: PROOF_MS / 1000 });
    return reply.redirect('/link', 303);
  });

  app.post('/link', { preValidation: app.csrfProtection, schema: { body: linkBody }, config: { ...PAGE.config, rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request, reply) => {
    ready();
    const forum = forumProof(request, fw.now());
    if (!forum) throw new DomainError('unauthorized', 'sign in with your forum account first');
    const { code } = request.body;
    const result = await fw.links.linkWithCode(code, { platform: 'discourse', externalId: forum.id, username: forum.username, displayName: forum.name ?? forum.username, isStaff: forum.staff });
    reply.clearCookie(FORUM_COOKIE, { path: '/link' });
    return view(reply, null, { linked: result.memberId });
  });
}

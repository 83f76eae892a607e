/**
 * Sign-in and sign-out: with Discord (OAuth2) or with the forum (DiscourseConnect), whichever the
 * community configured, for members and the team alike; the admin password only for the team — its
 * form appears only on the way to an /admin page, never on a member's way to /me. Sessions live in
 * the database (auth/session.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import { connectRequest, connectResponse } from '../../discourse/connect.js';
import { accountFor, authorizeUrl, oauthConfigured, roleOf } from '../auth/discord-oauth.js';
import { forumGrant } from '../auth/forum-grant.js';
import { forumSignInConfigured } from '../auth/providers.js';
import { csrfToken, endSession, startSession } from '../auth/session.js';
import { noQuery, PAGE } from '../openapi.js';
import { sameOriginPath } from '../same-origin.js';

const STATE_COOKIE = 'fw_oauth';
const FORUM_STATE_COOKIE = 'fw_forum_signin';
// Its own purpose: an answer the forum gave for linking cannot be used to sign in, nor the reverse.
const FORUM_NONCE_PURPOSE = 'discourse-signin';
const FORUM_NONCE_MS = 10 * 60_000;
// Every `next` goes through sameOriginPath, here and again when it is followed.
const nextSchema = z
  .string()
  .transform((v, ctx) => sameOriginPath(v) ?? (ctx.addIssue({ code: 'custom', message: 'expected a path on this site' }), z.NEVER))
  .optional();

const loginQuery = z.object({ next: nextSchema });
const loginBody = z.object({ password: z.string({ message: 'expected a password' }).min(1, 'expected a password').max(200), next: nextSchema, _csrf: z.string().optional() });
const callbackQuery = z.object({ code: z.string().min(1).max(500), state: z.string().min(1).max(200) });
const forumCallbackQuery = z.object({ sso: z.string().min(1).max(4000), sig: z.string().min(1).max(200) });

/** On the way to a team page: the only place the admin password form is offered. */
const forTeam = (next: string | undefined) => next !== undefined && (next === '/admin' || next.startsWith('/admin/') || next.startsWith('/admin?'));

export async function authRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const secure = config.community.siteUrl.startsWith('https://');
  const login = app.passwordLogin;

  const discord = oauthConfigured(config);
  const forum = forumSignInConfigured(config);

  // `team`: the password form is shown (on the way to a team page, or after a wrong password).
  const page = (reply: FastifyReply, next: string | undefined, error?: string, team = forTeam(next)) =>
    reply.view('pages/login.hbs', {
      title: `Sign in — ${config.community.name}`,
      community: config.community.name,
      discord,
      forum,
      password: login.enabled && team,
      // Members have no way in yet: say so, and show the team where theirs is.
      noMemberSignIn: !discord && !forum,
      // Which settings open sign-in is for whoever runs the site (on the team's way in), not for members.
      operatorHint: team,
      teamLink: !discord && !forum && login.enabled && !team,
      next,
      nextQuery: next ? encodeURIComponent(next) : undefined,
      error,
      csrf: csrfToken(reply),
    });

  app.get('/login', { ...PAGE, schema: { querystring: loginQuery } }, async (request, reply) => page(reply, request.query.next));

  app.post(
    '/login',
    { preValidation: app.csrfProtection, schema: { body: loginBody }, config: { ...PAGE.config, rateLimit: { max: 5, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = request.body;
      if (!login.check(body.password)) {
        request.log.warn({ ip: request.ip }, 'failed admin sign-in');
        reply.code(401);
        return page(reply, body.next, 'That password is not right.', true);
      }
      await startSession(request, reply, fw, { identity: null, name: 'Admin', role: 'admin' }, secure);
      return reply.redirect(sameOriginPath(body.next) ?? '/admin', 303);
    },
  );

  app.get('/login/discord', { ...PAGE, schema: { querystring: loginQuery } }, async (request, reply) => {
    if (!oauthConfigured(config)) throw new DomainError('not_found', 'Discord sign-in is not configured here');
    const next = request.query.next;
    const state = randomBytes(18).toString('base64url');
    reply.setCookie(STATE_COOKIE, JSON.stringify({ state, next }), { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/auth', maxAge: 600 });
    return reply.redirect(authorizeUrl(config, state));
  });

  app.get('/auth/discord/callback', { ...PAGE, schema: { querystring: callbackQuery } }, async (request, reply) => {
    const { code, state } = request.query;
    const raw = request.cookies[STATE_COOKIE];
    const saved = raw ? request.unsignCookie(raw) : null;
    const expected = saved?.valid && saved.value ? (JSON.parse(saved.value) as { state: string; next?: string }) : null;
    // The state proves this browser started the sign-in: no match, no session.
    if (!expected || expected.state !== state) throw new DomainError('invalid_parameter', 'state: this sign-in was not started here; please sign in again');
    reply.clearCookie(STATE_COOKIE, { path: '/auth' });
    const account = await accountFor(config, code);
    const role = await roleOf(config, account.id);
    // The member exists before the session: the session finds it through the Discord account.
    await fw.members.resolve({ platform: 'discord', externalId: account.id, username: account.username, displayName: account.displayName });
    await startSession(request, reply, fw, { identity: { platform: 'discord', externalId: account.id }, name: account.displayName, role }, secure);
    return reply.redirect(sameOriginPath(expected.next) ?? (role === 'member' ? '/me' : '/admin'), 303);
  });

  const forumReady = () => {
    const { url, connectSecret } = config.discourse;
    if (!url || !connectSecret) throw new DomainError('not_found', 'forum sign-in is not configured here');
    return { url, secret: connectSecret };
  };

  // Each visit stores a nonce: limited, so nobody fills the table.
  app.get('/login/forum', { schema: { querystring: loginQuery }, config: { ...PAGE.config, rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (request, reply) => {
    const { url, secret } = forumReady();
    const next = request.query.next;
    const { url: target, nonce } = connectRequest(url, secret, `${config.community.siteUrl.replace(/\/$/, '')}/auth/forum/callback`);
    // Kept in the database too, so the forum's answer is taken once, on whichever instance it arrives.
    await fw.nonces.remember(FORUM_NONCE_PURPOSE, nonce, FORUM_NONCE_MS);
    reply.setCookie(FORUM_STATE_COOKIE, JSON.stringify({ nonce, next }), { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/auth', maxAge: FORUM_NONCE_MS / 1000 });
    return reply.redirect(target);
  });

  app.get('/auth/forum/callback', { ...PAGE, schema: { querystring: forumCallbackQuery } }, async (request, reply) => {
    const { secret } = forumReady();
    const { sso, sig } = request.query;
    const raw = request.cookies[FORUM_STATE_COOKIE];
    const saved = raw ? request.unsignCookie(raw) : null;
    let expected: { nonce?: unknown; next?: string } | null = null;
    try {
      expected = saved?.valid && saved.value ? (JSON.parse(saved.value) as { nonce?: unknown; next?: string }) : null;
    } catch {
      expected = null;
    }
    if (!expected || typeof expected.nonce !== 'string') throw new DomainError('invalid_parameter', 'nonce: this sign-in was not started here; please sign in again');
    const account = connectResponse(sso, sig, secret, expected.nonce);
    if (!(await fw.nonces.consume(FORUM_NONCE_PURPOSE, expected.nonce))) throw new DomainError('invalid_parameter', 'nonce: this forum sign-in was already used or has expired; please sign in again');
    reply.clearCookie(FORUM_STATE_COOKIE, { path: '/auth' });
    // The same key the forum's webhook and import record the account under (its forum user id): one person, one member.
    const identity = { platform: 'discourse' as const, externalId: account.id };
    const displayName = account.name ?? account.username;
    await fw.members.resolve({ ...identity, username: account.username, displayName, isStaff: account.staff });
    const { role, rule } = forumGrant(config, account);
    await startSession(request, reply, fw, { identity, name: displayName, role, forumRule: rule }, secure);
    return reply.redirect(sameOriginPath(expected.next) ?? (role === 'member' ? '/me' : '/admin'), 303);
  });

  app.get('/logout', { ...PAGE, schema: { querystring: noQuery } }, async (_request, reply) =>
    reply.view('pages/logout.hbs', { title: 'Sign out', community: config.community.name, csrf: csrfToken(reply) }),
  );
  app.post('/logout', { ...PAGE, preValidation: app.csrfProtection, schema: { body: z.object({ _csrf: z.string().optional() }).optional() } }, async (request, reply) => {
    await endSession(request, reply, fw);
    return reply.redirect('/', 303);
  });
}

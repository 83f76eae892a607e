/** Sign-in and sign-out: Discord OAuth2 for everyone, a password for an admin on a fresh install. Sessions live in the database (auth/session.ts). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { DomainError } from '../../domain/errors.js';
import { accountFor, authorizeUrl, oauthConfigured, roleOf } from '../auth/discord-oauth.js';
import { csrfToken, endSession, startSession } from '../auth/session.js';
import { parseQuery } from '../query.js';
import { sameOriginPath } from '../same-origin.js';

const STATE_COOKIE = 'fw_oauth';
// Every `next` goes through sameOriginPath, here and again when it is followed.
const nextSchema = z
  .string()
  .transform((v, ctx) => sameOriginPath(v) ?? (ctx.addIssue({ code: 'custom', message: 'expected a path on this site' }), z.NEVER))
  .optional();

const loginQuery = z.object({ next: nextSchema });
const loginBody = z.object({ password: z.string({ message: 'expected a password' }).min(1, 'expected a password').max(200), next: nextSchema, _csrf: z.string().optional() });
const callbackQuery = z.object({ code: z.string().min(1).max(500), state: z.string().min(1).max(200) });

export async function authRoutes(app: FastifyInstance, fw: Flywheel): Promise<void> {
  const secure = fw.config.community.siteUrl.startsWith('https://');
  const login = app.passwordLogin;

  const page = (reply: FastifyReply, next: string | undefined, error?: string) =>
    reply.view('pages/login.hbs', {
      title: `Sign in — ${fw.config.community.name}`,
      community: fw.config.community.name,
      discord: oauthConfigured(fw.config),
      password: login.enabled,
      next,
      nextQuery: next ? encodeURIComponent(next) : undefined,
      error,
      csrf: csrfToken(reply),
    });

  app.get('/login', async (request, reply) => page(reply, parseQuery(loginQuery, request.query).next));

  app.post(
    '/login',
    { preHandler: app.csrfProtection, config: { rateLimit: { max: 5, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = parseQuery(loginBody, request.body);
      if (!login.check(body.password)) {
        request.log.warn({ ip: request.ip }, 'failed admin sign-in');
        reply.code(401);
        return page(reply, body.next, 'That password is not right.');
      }
      await startSession(request, reply, fw, { discordId: null, name: 'Admin', role: 'admin' }, secure);
      return reply.redirect(sameOriginPath(body.next) ?? '/admin', 303);
    },
  );

  app.get('/login/discord', async (request, reply) => {
    if (!oauthConfigured(fw.config)) throw new DomainError('not_found', 'Discord sign-in is not configured here');
    const next = parseQuery(loginQuery, request.query).next;
    const state = randomBytes(18).toString('base64url');
    reply.setCookie(STATE_COOKIE, JSON.stringify({ state, next }), { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/auth', maxAge: 600 });
    return reply.redirect(authorizeUrl(fw.config, state));
  });

  app.get('/auth/discord/callback', async (request: FastifyRequest, reply) => {
    const { code, state } = parseQuery(callbackQuery, request.query);
    const raw = request.cookies[STATE_COOKIE];
    const saved = raw ? request.unsignCookie(raw) : null;
    const expected = saved?.valid && saved.value ? (JSON.parse(saved.value) as { state: string; next?: string }) : null;
    // The state proves this browser started the sign-in: no match, no session.
    if (!expected || expected.state !== state) throw new DomainError('invalid_parameter', 'state: this sign-in was not started here; please sign in again');
    reply.clearCookie(STATE_COOKIE, { path: '/auth' });
    const account = await accountFor(fw.config, code);
    const role = await roleOf(fw.config, account.id);
    // The member exists before the session: the session finds it through the Discord account.
    await fw.memberFor({ platform: 'discord', externalId: account.id, username: account.username, displayName: account.displayName });
    await startSession(request, reply, fw, { discordId: account.id, name: account.displayName, role }, secure);
    return reply.redirect(sameOriginPath(expected.next) ?? (role === 'member' ? '/me' : '/admin'), 303);
  });

  app.get('/logout', async (_request, reply) =>
    reply.view('pages/logout.hbs', { title: 'Sign out', community: fw.config.community.name, csrf: csrfToken(reply) }),
  );
  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    await endSession(request, reply, fw);
    return reply.redirect('/', 303);
  });
}

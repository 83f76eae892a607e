/**
 * Sessions: an http-only cookie holds a random token (signed, so garbage costs no lookup); the
 * database holds the session. Every request with the cookie is one indexed read. A session ends
 * at sign-out, after seven days, when its member's data is deleted, or when what granted its role
 * no longer does (grant.ts: the configuration at once, a Discord or forum role within ten minutes).
 */
import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { SESSION_MS, type SessionIdentity, type SessionRole } from '../../app/sessions.js';
import { grants as grantsOf, type Grants } from './grant.js';

export type Role = SessionRole;

export interface Session {
  /** Names the session (the hash of its token); CSRF tokens are bound to it. */
  id: string;
  /** The member behind the session (null for the admin password). */
  memberId: number | null;
  /** The account signed in with: a Discord or a forum account (null for the admin password). */
  identity: SessionIdentity | null;
  name: string;
  role: Role;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export const SESSION_COOKIE = 'fw_session';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
  interface FastifyInstance {
    sessionGrants: Grants;
  }
}

export const canManage = (s: Session | null): boolean => s?.role === 'manager' || s?.role === 'admin';

async function readSession(request: FastifyRequest, fw: Flywheel, grants: Grants): Promise<Session | null> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const { valid, value } = request.unsignCookie(raw);
  if (!valid || !value) return null;
  const stored = await fw.sessions.find(value);
  if (!stored) return null;
  // The role must still be granted as it was; a member's session needs their account still here.
  if (!grants.holds(stored)) return null;
  if (stored.identity !== null && stored.memberId === null) return null;
  if (grants.recheckDue(stored, fw.now())) {
    // A role granted by Discord or the forum: ask again. When it cannot be asked, trust it ten minutes more.
    const held = await grants.stillHeld(stored).catch((error: unknown) => {
      request.log.warn({ err: error, platform: stored.identity?.platform }, 'could not confirm a role with the platform that grants it');
      return true;
    });
    if (!held) {
      await fw.sessions.end(stored.id);
      return null;
    }
    await fw.sessions.confirm(stored.id);
  }
  return { id: stored.id, memberId: stored.memberId, identity: stored.identity, name: stored.name, role: stored.role, exp: stored.expiresAt };
}

/** Start a session (ending the one this browser had), and hand the browser its token. */
export async function startSession(request: FastifyRequest, reply: FastifyReply, fw: Flywheel, who: { identity: SessionIdentity | null; name: string; role: Role; forumRule?: string | null }, secure: boolean): Promise<void> {
  if (request.session) await fw.sessions.end(request.session.id);
  const grantKey = request.server.sessionGrants.keyOf(who);
  const { token } = await fw.sessions.start({ identity: who.identity, name: who.name, role: who.role, grantKey });
  reply.setCookie(SESSION_COOKIE, token, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_MS / 1000 });
}

export async function endSession(request: FastifyRequest, reply: FastifyReply, fw: Flywheel): Promise<void> {
  if (request.session) await fw.sessions.end(request.session.id);
  request.session = null;
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function registerSessions(app: FastifyInstance, fw: Flywheel, config: WebConfig): void {
  const grants = grantsOf(config);
  app.decorate('sessionGrants', grants);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    request.session = await readSession(request, fw, grants);
  });
}

/** Visitors without a session share this; a signed-in visitor's CSRF tokens name their session. */
const SIGNED_OUT = 'signed-out';
export const csrfUserInfo = (request: FastifyRequest): string => request.session?.id ?? SIGNED_OUT;

/** A CSRF token for this page's forms, good only with this browser's CSRF cookie and this session. */
export const csrfToken = (reply: FastifyReply): string => reply.generateCsrf({ userInfo: csrfUserInfo(reply.request) });

/**
 * Sessions in a signed, http-only cookie: who is signed in and as what. Nothing else is kept on
 * the server; a cookie whose signature does not match is no session at all.
 */
import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type Role = 'member' | 'manager' | 'admin';

export interface Session {
  /** The member behind the session (null for the admin password). */
  memberId: number | null;
  discordId: string | null;
  name: string;
  role: Role;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export const SESSION_COOKIE = 'fw_session';
const SESSION_MS = 7 * 86_400_000;

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

export const canManage = (s: Session | null): boolean => s?.role === 'manager' || s?.role === 'admin';

export function readSession(request: FastifyRequest): Session | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const { valid, value } = request.unsignCookie(raw);
  if (!valid || !value) return null;
  try {
    const session = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Session;
    return typeof session.exp === 'number' && session.exp > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function startSession(reply: FastifyReply, session: Omit<Session, 'exp'>, secure: boolean): void {
  const value = Buffer.from(JSON.stringify({ ...session, exp: Date.now() + SESSION_MS })).toString('base64url');
  reply.setCookie(SESSION_COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_MS / 1000 });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

export function registerSessions(app: FastifyInstance): void {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    request.session = readSession(request);
  });
}

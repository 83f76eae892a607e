/**
 * Sessions on the server: the browser holds a random token, the database its hash. A session is
 * found with one indexed read per request; ending one (sign-out, deleted data) is a delete, seen
 * by every instance at once. Whoever grants the role decides whether a stored grant still holds.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/knex.js';
import type { Platform } from '../domain/kinds.js';
import { consumeNonce, deleteExpiredNonces, deleteExpiredSessions, deleteSession, deleteSessionsOfMember, findSession, insertNonce, insertSession, markSessionChecked } from '../db/sessions-repo.js';

export type SessionRole = 'member' | 'manager' | 'admin';

/** A Discord account or a forum account: the identity key the rest of Flywheel knows it by. */
export interface SessionIdentity {
  platform: Platform;
  externalId: string;
}

/** How long a session lasts from sign-in. */
export const SESSION_MS = 7 * 86_400_000;

export interface StoredSession {
  /** The hash of the cookie's token: names the session without being able to open it. */
  id: string;
  memberId: number | null;
  /** The account that signed in; null for the admin password. */
  identity: SessionIdentity | null;
  name: string;
  role: SessionRole;
  /** What granted the role when the session started (compared with what grants it now). */
  grantKey: string;
  /** When the grant was last confirmed with whoever holds it (a Discord role). */
  checkedAt: number;
  expiresAt: number;
}

export interface Sessions {
  /** A new session; the token is for the cookie and is not kept. Expired sessions are removed on the way. */
  start(who: { identity: SessionIdentity | null; name: string; role: SessionRole; grantKey: string }): Promise<{ token: string; expiresAt: number }>;
  /** The live session behind a token, or null. */
  find(token: string): Promise<StoredSession | null>;
  /** The grant was confirmed just now. */
  confirm(id: string): Promise<void>;
  end(id: string): Promise<void>;
  /** End every session of every account of a member (they are deleting their data: call before). */
  endAllOf(memberId: number): Promise<void>;
}

export interface Nonces {
  /** Remember a nonce handed out for `purpose` until `ttlMs` from now. */
  remember(purpose: string, nonce: string, ttlMs: number): Promise<void>;
  /** Take it back: true once, for the first answer that carries it, on any instance. */
  consume(purpose: string, nonce: string): Promise<boolean>;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

/** `db` writes (outside the write lock: sessions decide no points); `reads` finds. */
export function sessionsUseCases(db: Db, reads: Db, now: () => number): Sessions {
  return {
    async start(who) {
      const at = now();
      await deleteExpiredSessions(db, at);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = at + SESSION_MS;
      await insertSession(db, { idHash: hash(token), platform: who.identity?.platform ?? null, externalId: who.identity?.externalId ?? null, name: who.name, role: who.role, grantKey: who.grantKey, createdAt: at, checkedAt: at, expiresAt });
      return { token, expiresAt };
    },
    async find(token) {
      const found = await findSession(reads, hash(token), now());
      if (!found) return null;
      return { id: found.idHash, memberId: found.memberId, identity: found.platform && found.externalId ? { platform: found.platform as Platform, externalId: found.externalId } : null, name: found.name, role: found.role as SessionRole, grantKey: found.grantKey, checkedAt: found.checkedAt, expiresAt: found.expiresAt };
    },
    confirm: (id) => markSessionChecked(db, id, now()),
    end: (id) => deleteSession(db, id),
    endAllOf: (memberId) => deleteSessionsOfMember(db, memberId),
  };
}

export function noncesUseCases(db: Db, now: () => number): Nonces {
  return {
    async remember(purpose, nonce, ttlMs) {
      const at = now();
      await deleteExpiredNonces(db, at);
      await insertNonce(db, purpose, hash(nonce), at + ttlMs);
    },
    consume: (purpose, nonce) => consumeNonce(db, purpose, hash(nonce), now()),
  };
}

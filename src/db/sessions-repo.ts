/** Sessions and one-time nonces: SQL only here. Tokens and nonces are stored as hashes. */
import type { Tx } from './knex.js';

export interface SessionRow {
  idHash: string;
  /** The account that signed in (a Discord or forum account); null for the admin password. */
  platform: string | null;
  externalId: string | null;
  name: string;
  role: string;
  grantKey: string;
  createdAt: number;
  checkedAt: number;
  expiresAt: number;
}

export interface FoundSession extends SessionRow {
  /** The member behind the account now (merges follow it); null when the account is gone. */
  memberId: number | null;
}

export async function insertSession(db: Tx, s: SessionRow): Promise<void> {
  await db('sessions').insert({ id_hash: s.idHash, platform: s.platform, external_id: s.externalId, name: s.name, role: s.role, grant_key: s.grantKey, created_at: s.createdAt, checked_at: s.checkedAt, expires_at: s.expiresAt });
}

/** One indexed read: the session by its primary key, with its identity's member (a unique key). */
export async function findSession(db: Tx, idHash: string, now: number): Promise<FoundSession | null> {
  const row = await db('sessions as s')
    .leftJoin('identities as i', (j) => j.on('i.platform', 's.platform').andOn('i.external_id', 's.external_id'))
    .select('s.id_hash', 's.platform', 's.external_id', 's.name', 's.role', 's.grant_key', 's.created_at', 's.checked_at', 's.expires_at', 'i.member_id')
    .where('s.id_hash', idHash)
    .andWhere('s.expires_at', '>', now)
    .first();
  if (!row) return null;
  return {
    idHash: row.id_hash,
    platform: row.platform ?? null,
    externalId: row.external_id ?? null,
    name: row.name,
    role: row.role,
    grantKey: row.grant_key,
    createdAt: Number(row.created_at),
    checkedAt: Number(row.checked_at),
    expiresAt: Number(row.expires_at),
    memberId: row.member_id === null || row.member_id === undefined ? null : Number(row.member_id),
  };
}

export async function markSessionChecked(db: Tx, idHash: string, at: number): Promise<void> {
  await db('sessions').where({ id_hash: idHash }).update({ checked_at: at });
}

export async function deleteSession(db: Tx, idHash: string): Promise<void> {
  await db('sessions').where({ id_hash: idHash }).delete();
}

/** End the sessions of every account a member has (run before the member's identities go). */
export async function deleteSessionsOfMember(db: Tx, memberId: number): Promise<void> {
  await db('sessions')
    .whereIn(['platform', 'external_id'], db('identities').select('platform', 'external_id').where({ member_id: memberId }))
    .delete();
}

export async function deleteExpiredSessions(db: Tx, now: number): Promise<number> {
  return db('sessions').where('expires_at', '<=', now).delete();
}

export async function insertNonce(db: Tx, purpose: string, nonceHash: string, expiresAt: number): Promise<void> {
  await db('nonces').insert({ purpose, nonce_hash: nonceHash, expires_at: expiresAt });
}

/** Take a nonce back: true exactly once, for the first caller on any instance, before it expires. */
export async function consumeNonce(db: Tx, purpose: string, nonceHash: string, now: number): Promise<boolean> {
  const deleted = await db('nonces').where({ purpose, nonce_hash: nonceHash }).andWhere('expires_at', '>', now).delete();
  return deleted === 1;
}

export async function deleteExpiredNonces(db: Tx, now: number): Promise<number> {
  return db('nonces').where('expires_at', '<=', now).delete();
}

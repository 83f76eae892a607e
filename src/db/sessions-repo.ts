/** Sessions and one-time nonces: SQL only here. Tokens and nonces are stored as hashes. */
import type { Tx } from './knex.js';

export interface SessionRow {
  idHash: string;
  discordId: string | null;
  name: string;
  role: string;
  grantKey: string;
  createdAt: number;
  checkedAt: number;
  expiresAt: number;
}

export interface FoundSession extends SessionRow {
  /** The member behind the Discord account now (merges follow it); null when the account is gone. */
  memberId: number | null;
}

export async function insertSession(db: Tx, s: SessionRow): Promise<void> {
  await db('sessions').insert({ id_hash: s.idHash, discord_id: s.discordId, name: s.name, role: s.role, grant_key: s.grantKey, created_at: s.createdAt, checked_at: s.checkedAt, expires_at: s.expiresAt });
}

/** One indexed read: the session by its primary key, with its Discord identity's member. */
export async function findSession(db: Tx, idHash: string, now: number): Promise<FoundSession | null> {
  const row = await db('sessions as s')
    .leftJoin('identities as i', (j) => j.on('i.external_id', 's.discord_id').andOnVal('i.platform', '=', 'discord'))
    .select('s.id_hash', 's.discord_id', 's.name', 's.role', 's.grant_key', 's.created_at', 's.checked_at', 's.expires_at', 'i.member_id')
    .where('s.id_hash', idHash)
    .andWhere('s.expires_at', '>', now)
    .first();
  if (!row) return null;
  return {
    idHash: row.id_hash,
    discordId: row.discord_id ?? null,
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

export async function deleteSessionsOf(db: Tx, discordId: string): Promise<void> {
  await db('sessions').where({ discord_id: discordId }).delete();
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

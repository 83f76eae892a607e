/** The community's Ed25519 signing key, created on first use and kept in the database. */
import { createHash, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Tx } from './knex.js';

export interface SigningKey {
  kid: string;
  publicJwk: JsonWebKey;
  privatePkcs8: string;
}

/** RFC 7638 thumbprint of an OKP key: a stable, content-derived key id. */
const thumbprint = (jwk: JsonWebKey): string =>
  createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');

export async function signingKey(db: Tx, now: number): Promise<SigningKey> {
  const row = await db('signing_keys').orderBy(['created_at', 'kid']).first();
  if (row) return { kid: row.kid, publicJwk: JSON.parse(row.public_jwk), privatePkcs8: row.private_pkcs8 };
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' });
  const key = { kid: thumbprint(publicJwk), publicJwk, privatePkcs8: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
  // Two first requests may race: the primary key keeps one, and everyone reads that one back.
  await db('signing_keys').insert({ kid: key.kid, public_jwk: JSON.stringify(publicJwk), private_pkcs8: key.privatePkcs8, created_at: now }).onConflict('kid').ignore();
  return signingKey(db, now);
}

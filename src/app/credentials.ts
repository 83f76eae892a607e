/**
 * Badges members can take with them: Open Badges 2.0 hosted objects (issuer, BadgeClass,
 * Assertion) and an Open Badges 3.0 OpenBadgeCredential signed as a VC-JWT (EdDSA) with the
 * community's key, published as a JWKS. The recipient is their public member page: named as
 * the 3.0 subject (`credentialSubject.id`, the JWT's `sub`, as the VC-JWT binding requires) and,
 * salted and hashed, as the 2.0 recipient and the 3.0 `identifier`. A hidden member's awards are
 * not found at all.
 *
 * Revocation a verifier can see: a revoked 2.0 assertion answers 410 with `revoked: true` (2.0's
 * hosted verification), a revoked 3.0 credential is no longer handed out (410), and every 3.0
 * credential carries a `credentialStatus` of type 1EdTechRevocationList (the status method
 * Open Badges 3.0 verification names) pointing at the list of revoked credentials.
 *
 * Open Badges 2.0 requires an issuer `email`: without `community.email` no 2.0 document is
 * published (a verifier would refuse every one), and 3.0 is unaffected.
 */
import { createHash, createHmac, createPrivateKey, sign } from 'node:crypto';
import type { Config } from '../config.js';
import type { Badge } from '../domain/badges.js';
import { DomainError } from '../domain/errors.js';
import type { Tx } from '../db/knex.js';
import { revokedAwardIds, sharedAward } from '../db/badges-repo.js';
import { signingKey } from '../db/keys-repo.js';
import type { WriteLock } from './write-lock.js';

/** What the documents say about the issuer (name, address, contact) and the badges they describe. */
export type CredentialsConfig = Pick<Config, 'community' | 'badges'>;

export interface AwardRecord {
  id: number;
  badge: Badge;
  memberId: number;
  memberName: string;
  awardedAt: number;
  revokedAt: number | null;
  /** Where the earning activity happened, when it has a link. */
  evidenceUrl: string | null;
}

const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';
const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
const OB3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const REVOCATION_REASON = 'The reason for this badge no longer holds.';

/** Public addresses of the site's pages and documents (only the site's address is needed). */
export function urls(config: { community: Pick<Config['community'], 'siteUrl'> }) {
  const base = config.community.siteUrl.replace(/\/$/, '');
  return {
    base,
    member: (id: number) => `${base}/members/${id}`,
    award: (id: number) => `${base}/badges/awards/${id}`,
    svg: (badgeId: string) => `${base}/badges/${badgeId}.svg`,
    png: (badgeId: string) => `${base}/badges/${badgeId}.png`,
    ob2Issuer: `${base}/ob/v2/issuer`,
    ob2Badge: (badgeId: string) => `${base}/ob/v2/badges/${badgeId}`,
    ob2Assertion: (id: number) => `${base}/ob/v2/assertions/${id}`,
    ob3Issuer: `${base}/ob/v3/issuer`,
    ob3Achievement: (badgeId: string) => `${base}/ob/v3/achievements/${badgeId}`,
    ob3Credential: (id: number) => `${base}/ob/v3/credentials/${id}`,
    ob3Revocations: `${base}/ob/v3/revocations`,
    jwks: `${base}/.well-known/jwks.json`,
  };
}

/** An award as shared publicly. A hidden member's awards are not found; revoked ones are, and say so. */
export async function findAward(db: Tx, catalog: readonly Badge[], id: number): Promise<AwardRecord> {
  const row = await sharedAward(db, id);
  const badge = row && !row.memberHidden ? catalog.find((b) => b.id === row.badgeId) : undefined;
  if (!row || !badge) throw new DomainError('not_found', 'badge award not found');
  return {
    id: row.id,
    badge,
    memberId: row.memberId,
    memberName: row.memberName,
    awardedAt: row.awardedAt,
    revokedAt: row.revokedAt,
    evidenceUrl: row.sourceUrl,
  };
}

/** The recipient identity, hashed with a per-award salt derived from the community's key. */
async function recipient(db: Tx, config: CredentialsConfig, award: AwardRecord, now: number) {
  const key = await signingKey(db, now);
  const salt = createHmac('sha256', key.privatePkcs8).update(`salt:${award.id}`).digest('hex').slice(0, 16);
  const identity = urls(config).member(award.memberId);
  return { salt, identity, hash: `sha256$${createHash('sha256').update(identity + salt).digest('hex')}` };
}

const criteria = (badge: Badge) => `${badge.description}${badge.revocable ? ' (Taken back if the reason for it goes away.)' : ''}`;

/** The issuer's contact address, which Open Badges 2.0 requires: without it there is no 2.0 to publish. */
function ob2Email(config: CredentialsConfig): string {
  if (config.community.email) return config.community.email;
  throw new DomainError('not_found', 'Open Badges 2.0 is not published here: it requires an issuer contact email, and community.email is not set');
}

export function ob2Issuer(config: CredentialsConfig) {
  const u = urls(config);
  return { '@context': OB2_CONTEXT, type: 'Issuer', id: u.ob2Issuer, name: config.community.name, url: u.base, email: ob2Email(config) };
}

export function ob2BadgeClass(config: CredentialsConfig, badge: Badge) {
  ob2Email(config);
  const u = urls(config);
  return {
    '@context': OB2_CONTEXT,
    type: 'BadgeClass',
    id: u.ob2Badge(badge.id),
    name: badge.name,
    description: badge.description,
    image: u.svg(badge.id),
    criteria: { narrative: criteria(badge) },
    issuer: u.ob2Issuer,
    tags: [badge.tier],
  };
}

export async function ob2Assertion(db: Tx, config: CredentialsConfig, award: AwardRecord, now: number) {
  ob2Email(config);
  const u = urls(config);
  if (award.revokedAt !== null) return { '@context': OB2_CONTEXT, type: 'Assertion', id: u.ob2Assertion(award.id), revoked: true, revocationReason: REVOCATION_REASON };
  const r = await recipient(db, config, award, now);
  return {
    '@context': OB2_CONTEXT,
    type: 'Assertion',
    id: u.ob2Assertion(award.id),
    recipient: { type: 'url', hashed: true, salt: r.salt, identity: r.hash },
    badge: u.ob2Badge(award.badge.id),
    issuedOn: new Date(award.awardedAt).toISOString(),
    verification: { type: 'hosted' },
    ...(award.evidenceUrl ? { evidence: award.evidenceUrl } : {}),
  };
}

export function ob3Issuer(config: CredentialsConfig) {
  const u = urls(config);
  return { '@context': [VC_CONTEXT, OB3_CONTEXT], id: u.ob3Issuer, type: ['Profile'], name: config.community.name, url: u.base };
}

export function ob3Achievement(config: CredentialsConfig, badge: Badge) {
  const u = urls(config);
  return {
    id: u.ob3Achievement(badge.id),
    type: ['Achievement'],
    name: badge.name,
    description: badge.description,
    criteria: { narrative: criteria(badge) },
    image: { id: u.svg(badge.id), type: 'Image' },
    creator: { id: u.ob3Issuer, type: ['Profile'], name: config.community.name },
  };
}

/** The credential of a standing award; a revoked one is gone (410), as its 2.0 assertion is. */
export async function ob3Credential(db: Tx, config: CredentialsConfig, award: AwardRecord, now: number) {
  if (award.revokedAt !== null) throw new DomainError('gone', 'this badge was revoked');
  const u = urls(config);
  const r = await recipient(db, config, award, now);
  return {
    '@context': [VC_CONTEXT, OB3_CONTEXT],
    id: u.ob3Credential(award.id),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: u.ob3Issuer, type: ['Profile'], name: config.community.name, url: u.base },
    validFrom: new Date(award.awardedAt).toISOString(),
    name: award.badge.name,
    credentialSubject: {
      id: r.identity,
      type: ['AchievementSubject'],
      // `identifier`: the catch-all of OB 3.0's IdentifierTypeEnum; a page URL has no type of its own there.
      identifier: [{ type: 'IdentityObject', identityHash: r.hash, identityType: 'identifier', hashed: true, salt: r.salt }],
      achievement: ob3Achievement(config, award.badge),
    },
    credentialStatus: { id: u.ob3Revocations, type: '1EdTechRevocationList' },
    ...(award.evidenceUrl ? { evidence: [{ id: award.evidenceUrl, type: ['Evidence'] }] } : {}),
  };
}

/**
 * The 1EdTech Revocation List the credentials' `credentialStatus` points at: a credential is
 * revoked when its `id` is listed in `revokedCredential`. It names credentials by award number
 * only, so it says nothing about who held them (a hidden member's revoked award is listed too:
 * a verifier holding that credential must still learn it no longer stands).
 */
export async function revocationList(db: Tx, config: CredentialsConfig) {
  const u = urls(config);
  const ids = await revokedAwardIds(db);
  return { id: u.ob3Revocations, issuer: u.ob3Issuer, revokedCredential: ids.map((id) => ({ id: u.ob3Credential(id), revoked: true, revocationReason: REVOCATION_REASON })) };
}

const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The credential as a VC-JWT: the registered claims mirror the credential, `vc` carries it whole. */
export async function signedCredential(db: Tx, config: CredentialsConfig, award: AwardRecord, now: number): Promise<string> {
  const credential = await ob3Credential(db, config, award, now);
  const key = await signingKey(db, now);
  const header = { alg: 'EdDSA', typ: 'JWT', kid: `${urls(config).jwks}#${key.kid}` };
  const payload = {
    iss: credential.issuer.id,
    sub: credential.credentialSubject.id,
    jti: credential.id,
    nbf: Math.floor(award.awardedAt / 1000),
    iat: Math.floor(now / 1000),
    vc: credential,
  };
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign(null, Buffer.from(input), createPrivateKey(key.privatePkcs8)).toString('base64url');
  return `${input}.${signature}`;
}

export async function jwks(lock: WriteLock, now: number) {
  // Creating the key is a write: go through the lock so two first requests agree on one key.
  const key = await lock.run((trx) => signingKey(trx, now));
  return { keys: [{ ...key.publicJwk, kid: key.kid, use: 'sig', alg: 'EdDSA' }] };
}

export interface Credentials {
  ob2Issuer(): object;
  ob2BadgeClass(badgeId: string): object;
  ob2Assertion(awardId: number): Promise<{ revoked: boolean; document: object }>;
  ob3Issuer(): object;
  ob3Achievement(badgeId: string): object;
  ob3Credential(awardId: number): Promise<object>;
  /** The credential as a VC-JWT signed with the community's key. */
  signedCredential(awardId: number): Promise<string>;
  /** The 1EdTech Revocation List every credential's `credentialStatus` points at. */
  revocationList(): Promise<object>;
  jwks(): Promise<object>;
}

/** Flywheel's `credentials`: Open Badges 2.0 and 3.0 documents for the awards members share. */
export function credentialsUseCases(db: Tx, { lock, config, now }: { lock: WriteLock; config: CredentialsConfig; now: () => number }): Credentials {
  const badge = (id: string) => {
    const found = config.badges.find((b) => b.id === id);
    if (!found) throw new DomainError('not_found', 'badge not found');
    return found;
  };
  // The signing key is created (once, under the write lock) before anything derives from it.
  let keyReady: Promise<object> | null = null;
  const ready = () => (keyReady ??= jwks(lock, now()));
  const award = async (id: number) => {
    await ready();
    return findAward(db, config.badges, id);
  };
  return {
    ob2Issuer: () => ob2Issuer(config),
    ob2BadgeClass: (id) => ob2BadgeClass(config, badge(id)),
    ob2Assertion: async (id) => {
      const a = await award(id);
      return { revoked: a.revokedAt !== null, document: await ob2Assertion(db, config, a, now()) };
    },
    ob3Issuer: () => ob3Issuer(config),
    ob3Achievement: (id) => ob3Achievement(config, badge(id)),
    ob3Credential: async (id) => ob3Credential(db, config, await award(id), now()),
    signedCredential: async (id) => signedCredential(db, config, await award(id), now()),
    revocationList: () => revocationList(db, config),
    jwks: () => ready(),
  };
}

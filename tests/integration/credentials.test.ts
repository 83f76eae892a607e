/**
 * Badges members take with them: images, the shareable award page, Open Badges 2.0 hosted
 * objects and Open Badges 3.0 credentials signed with the community's published key. What a
 * third-party verifier checks is checked here against the specifications' schemas
 * (tests/support/open-badges-schemas.ts).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, discord } from '../support/builders.js';
import { IDENTIFIER_TYPES, schemaErrors } from '../support/open-badges-schemas.js';
import { testSite, type TestSite } from '../support/web.js';

let site: TestSite;
const BASE = 'https://community.example.org';
const EMAIL = 'badges@community.example.org';
const ana = discord('1', { displayName: 'Ana' });
const ben = discord('2', { displayName: 'Ben <b>' });
const hidden = discord('3', { displayName: 'Quiet' });
let award: number;
let revokedAward: number;
let hiddenAward: number;

const get = (url: string, accept = 'application/json') => site.app.inject({ method: 'GET', url, headers: { accept } });
const awardOf = async (who: string, badge: string) =>
  (await site.fw.db('badge_awards as b').join('identities as i', 'i.member_id', 'b.member_id').where({ 'i.external_id': who, 'b.badge_id': badge }).first('b.id')).id as number;

beforeAll(async () => {
  site = await testSite({ PUBLIC_URL: BASE }, (c) => (c.community.email = EMAIL));
  await site.fw.ingest([
    act('question_asked', ana, '2026-11-02T10:00:00Z', { key: 'q1' }),
    act('answer_posted', ben, '2026-11-02T11:00:00Z', { counterpart: ana, subject: 'q1', key: 'answer1', url: 'https://discord.com/channels/1/2/3' }),
    act('answer_accepted', ben, '2026-11-03T10:00:00Z', { counterpart: ana, key: 'accept1', subject: 'q1' }),
    act('answer_accepted', hidden, '2026-11-03T11:00:00Z', { counterpart: ana }),
  ]);
  await site.fw.ingest([{ key: 'unaccept1', kind: 'reversal', platform: 'discord', actor: ben, occurredAt: '2026-11-04T10:00:00Z', reverses: 'accept1' }]);
  await site.fw.db('members').where({ origin: 'discord|3' }).update({ hidden: true });
  award = await awardOf('2', 'first-answer');
  revokedAward = await awardOf('2', 'first-solution');
  hiddenAward = await awardOf('3', 'first-solution');
});
afterAll(() => site.close());

describe('badge images', () => {
  it('serves each badge as SVG with its name, and as PNG', async () => {
    const svg = await get('/badges/first-answer.svg');
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('>First Answer</text>');
    const png = await get('/badges/oracle.png');
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await get('/badges/no-such-badge.svg')).statusCode).toBe(404);
    expect((await get('/badges/oracle.gif')).json()).toMatchObject({ code: 'invalid_parameter' });
  });
});

describe('the award page', () => {
  it('shows who earned what and when, with link previews and an Add to LinkedIn link', async () => {
    const page = await get(`/badges/awards/${award}`, 'text/html');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta property="og:title" content="Ben &lt;b&gt; earned First Answer">');
    expect(page.body).toContain(`<meta property="og:image" content="${BASE}/badges/first-answer.png">`);
    const href = page.body.match(/href="(https:\/\/www\.linkedin\.com\/profile\/add[^"]+)"/)![1]!;
    const linkedIn = new URL(href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
    expect(Object.fromEntries(linkedIn.searchParams)).toEqual({
      startTask: 'CERTIFICATION_NAME',
      name: 'First Answer',
      organizationName: 'Flywheel',
      issueYear: '2026',
      issueMonth: '11',
      certUrl: `${BASE}/badges/awards/${award}`,
      certId: String(award),
    });
    expect(page.body).toContain('Earned here: <a href="https://discord.com/channels/1/2/3"');
  });

  it('says when a badge was revoked, and offers nothing to share', async () => {
    const page = await get(`/badges/awards/${revokedAward}`, 'text/html');
    expect(page.body).toContain('This badge was revoked on 2026-11-22');
    expect(page.body).not.toContain('linkedin.com');
  });

  it('keeps a hidden member’s awards private', async () => {
    expect((await get(`/badges/awards/${hiddenAward}`, 'text/html')).statusCode).toBe(404);
    expect((await get(`/ob/v2/assertions/${hiddenAward}`)).statusCode).toBe(404);
    expect((await get(`/ob/v3/credentials/${hiddenAward}.jwt`)).statusCode).toBe(404);
  });
});

describe('Open Badges 2.0 (hosted)', () => {
  it('links assertion → BadgeClass → Issuer, each with the properties the spec requires', async () => {
    const assertion = (await get(`/ob/v2/assertions/${award}`)).json();
    expect(assertion).toMatchObject({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Assertion',
      id: `${BASE}/ob/v2/assertions/${award}`,
      badge: `${BASE}/ob/v2/badges/first-answer`,
      issuedOn: '2026-11-03T10:00:00.000Z', // the first answer badge: earned when the answer was accepted, which endorsed it (fair play)
      verification: { type: 'hosted' },
      recipient: { type: 'url', hashed: true },
      evidence: 'https://discord.com/channels/1/2/3',
    });
    expect(schemaErrors('ob2Assertion', assertion)).toEqual([]);
    const benId = (await site.fw.members.lookup('discord', '2')).id;
    const expected = `sha256$${createHash('sha256').update(`${BASE}/members/${benId}${assertion.recipient.salt}`).digest('hex')}`;
    expect(assertion.recipient.identity).toBe(expected);

    const badgeClass = (await get(new URL(assertion.badge).pathname)).json();
    expect(badgeClass).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'BadgeClass',
      id: assertion.badge,
      name: 'First Answer',
      description: "Answered someone else's question for the first time.",
      image: `${BASE}/badges/first-answer.svg`,
      criteria: { narrative: expect.stringContaining("Answered someone else's question") },
      issuer: `${BASE}/ob/v2/issuer`,
      tags: ['bronze'],
    });
    expect(schemaErrors('ob2BadgeClass', badgeClass)).toEqual([]);
    const issuer = (await get(new URL(badgeClass.issuer).pathname)).json();
    expect(issuer).toEqual({
      '@context': 'https://w3id.org/openbadges/v2',
      type: 'Issuer',
      id: `${BASE}/ob/v2/issuer`,
      name: 'Flywheel',
      url: BASE,
      email: EMAIL,
    });
    expect(schemaErrors('ob2Issuer', issuer)).toEqual([]);
    expect(schemaErrors('ob2Issuer', { ...issuer, email: undefined })).not.toEqual([]);
  });

  it('answers 410 Gone for a revoked assertion, saying so', async () => {
    const res = await get(`/ob/v2/assertions/${revokedAward}`);
    expect(res.statusCode).toBe(410);
    expect(res.json()).toMatchObject({ id: `${BASE}/ob/v2/assertions/${revokedAward}`, revoked: true });
    expect(schemaErrors('ob2RevokedAssertion', res.json())).toEqual([]);
  });

  it('without community.email publishes no 2.0 documents (every verifier refuses an issuer without one), and says why', async () => {
    const bare = await testSite({ PUBLIC_URL: BASE });
    try {
      await bare.fw.ingest([act('answer_posted', ben, '2026-11-02T11:00:00Z', { counterpart: ana, key: 'answer1' })]);
      const id = (await bare.fw.db('badge_awards').first('id')).id as number;
      for (const url of ['/ob/v2/issuer', '/ob/v2/badges/first-answer', `/ob/v2/assertions/${id}`]) {
        const res = await bare.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.json(), url).toEqual({ error: expect.stringContaining('community.email'), code: 'not_found' });
      }
      const page = await bare.app.inject({ method: 'GET', url: `/badges/awards/${id}`, headers: { accept: 'text/html' } });
      expect(page.body).not.toContain('/ob/v2/');
      expect(page.body).toContain(`/ob/v3/credentials/${id}.jwt`);
      expect((await bare.app.inject({ method: 'GET', url: `/ob/v3/credentials/${id}.jwt` })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('Open Badges 3.0 (signed)', () => {
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

  it('signs an OpenBadgeCredential as a VC-JWT that verifies with the published key', async () => {
    const res = await get(`/ob/v3/credentials/${award}.jwt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/vc+jwt');
    const [h, p, s] = res.body.split('.') as [string, string, string];
    const header = decode(h);
    const payload = decode(p);
    const { keys } = (await get('/.well-known/jwks.json')).json();
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: `${BASE}/.well-known/jwks.json#${keys[0].kid}` });
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
    expect(keys[0].d).toBeUndefined(); // never the private half

    const key = createPublicKey({ key: keys[0], format: 'jwk' });
    expect(verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);
    const forged = Buffer.from(JSON.stringify({ ...payload, vc: { ...payload.vc, name: 'Oracle' } })).toString('base64url');
    expect(verify(null, Buffer.from(`${h}.${forged}`), key, Buffer.from(s, 'base64url'))).toBe(false);

    const benUrl = `${BASE}/members/${(await site.fw.members.lookup('discord', '2')).id}`;
    expect(payload).toMatchObject({ iss: `${BASE}/ob/v3/issuer`, sub: benUrl, jti: `${BASE}/ob/v3/credentials/${award}`, nbf: Date.parse('2026-11-03T10:00:00Z') / 1000 });
    // The VC-JWT binding (OB 3.0 §8.2): iss, sub, jti and nbf each name what the credential says.
    expect([payload.iss, payload.sub, payload.jti, payload.nbf]).toEqual([payload.vc.issuer.id, payload.vc.credentialSubject.id, payload.vc.id, Date.parse(payload.vc.validFrom) / 1000]);
    expect(payload.vc).toEqual((await get(`/ob/v3/credentials/${award}.json`)).json());
    expect(payload.vc).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
      id: payload.jti,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: payload.iss, type: ['Profile'], name: 'Flywheel' },
      validFrom: '2026-11-03T10:00:00.000Z',
      credentialSubject: {
        type: ['AchievementSubject'],
        id: benUrl,
        identifier: [{ type: 'IdentityObject', identityType: 'identifier', hashed: true }],
        achievement: { id: `${BASE}/ob/v3/achievements/first-answer`, type: ['Achievement'], name: 'First Answer', criteria: { narrative: expect.any(String) } },
      },
    });
    expect((await get(`/ob/v3/achievements/first-answer`)).json()).toEqual(payload.vc.credentialSubject.achievement);
    expect(schemaErrors('ob3Credential', payload.vc)).toEqual([]);
    expect(IDENTIFIER_TYPES).toContain(payload.vc.credentialSubject.identifier[0].identityType);
    // The schema does refuse what verifiers refuse: a type outside the enumeration, a subject without id or identifier.
    const withSubject = (subject: object) => ({ ...payload.vc, credentialSubject: { ...payload.vc.credentialSubject, ...subject } });
    expect(schemaErrors('ob3Credential', withSubject({ identifier: [{ ...payload.vc.credentialSubject.identifier[0], identityType: 'url' }] }))).not.toEqual([]);
    expect(schemaErrors('ob3Credential', withSubject({ identifier: [{ ...payload.vc.credentialSubject.identifier[0], identityType: 'ext:memberPage' }] }))).toEqual([]);
    expect(schemaErrors('ob3Credential', withSubject({ id: undefined, identifier: undefined }))).not.toEqual([]);
    const { identityHash, salt } = payload.vc.credentialSubject.identifier[0];
    expect(identityHash).toBe(`sha256$${createHash('sha256').update(benUrl + salt).digest('hex')}`);
  });

  it('carries a status a holder can check: the 1EdTech Revocation List, which names the credential once its badge is revoked', async () => {
    const cy = discord('4', { displayName: 'Cy' });
    await site.fw.ingest([
      act('question_asked', ana, '2026-11-05T10:00:00Z', { key: 'q2' }),
      act('answer_accepted', cy, '2026-11-05T11:00:00Z', { counterpart: ana, key: 'accept2' }),
    ]);
    const held = await awardOf('4', 'first-solution');
    const jwt = await get(`/ob/v3/credentials/${held}.jwt`);
    expect(jwt.statusCode).toBe(200);
    const vc = decode(jwt.body.split('.')[1]!).vc;
    expect(vc.credentialStatus).toEqual({ id: `${BASE}/ob/v3/revocations`, type: '1EdTechRevocationList' });
    const listOf = async () => {
      const res = await get(new URL(vc.credentialStatus.id).pathname);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
      return res.json();
    };
    const before = await listOf();
    expect(before).toMatchObject({ id: vc.credentialStatus.id, issuer: vc.issuer.id });
    expect(before.revokedCredential).toContainEqual({ id: `${BASE}/ob/v3/credentials/${revokedAward}`, revoked: true, revocationReason: expect.any(String) });
    expect(before.revokedCredential.map((r: { id: string }) => r.id)).not.toContain(vc.id);

    await site.fw.ingest([{ key: 'unaccept2', kind: 'reversal', platform: 'discord', actor: cy, occurredAt: '2026-11-06T10:00:00Z', reverses: 'accept2' }]);
    expect((await listOf()).revokedCredential.map((r: { id: string }) => r.id)).toContain(vc.id);
    expect((await get(`/ob/v3/credentials/${held}.json`)).statusCode).toBe(410);
  });

  it('keeps one key, and refuses to sign a revoked award', async () => {
    const first = (await get('/.well-known/jwks.json')).json();
    expect((await get('/.well-known/jwks.json')).json()).toEqual(first);
    const revoked = await get(`/ob/v3/credentials/${revokedAward}.jwt`);
    expect(revoked.statusCode).toBe(410);
    expect(revoked.json()).toEqual({ error: 'this badge was revoked', code: 'gone' });
    // The unsigned credential says the same: a revoked badge is not handed out as if it held.
    const json = await get(`/ob/v3/credentials/${revokedAward}.json`);
    expect(json.statusCode).toBe(410);
    expect(json.json()).toEqual({ error: 'this badge was revoked', code: 'gone' });
    expect((await get('/ob/v3/credentials/abc.jwt')).json()).toMatchObject({ code: 'invalid_parameter' });
  });
});

/**
 * What a third-party verifier checks, as JSON Schemas, validated with ajv (the validator Fastify
 * already ships). Written here from the specifications, not copied from them:
 *
 * - Open Badges 3.0 (https://www.imsglobal.org/spec/ob/v3p0/): the AchievementCredential data model
 *   (appendix B.1) and its official JSON Schema
 *   (https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json,
 *   draft 2019-09), which no npm package ships. Only the parts a credential from us can touch are
 *   described, with the same required properties, enumerations and patterns as the official one;
 *   plus the rule of section "Verification" that a subject is named by `id` and/or `identifier`.
 * - Open Badges 2.0 (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html):
 *   the required properties of Assertion, BadgeClass and an issuer Profile (`id`, `type`, `name`,
 *   `url`, `email`), and of a revoked hosted Assertion (`id`, `revoked`). 1EdTech's reference
 *   verifier (openbadges-validator-core) requires the same.
 */
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: depending on the loader its plugin is the default import or under `.default`.
type FormatsPlugin = (ajv: Ajv2019) => unknown;
const formatsExport = addFormatsModule as unknown as FormatsPlugin | { default: FormatsPlugin };
const addFormats: FormatsPlugin = typeof formatsExport === 'function' ? formatsExport : formatsExport.default;

/** OB 3.0 IdentifierTypeEnum (from the 1EdTech common data model), extensible with `ext:` names. */
export const IDENTIFIER_TYPES = [
  'name',
  'sourcedId',
  'systemId',
  'productId',
  'userName',
  'accountId',
  'emailAddress',
  'nationalIdentityNumber',
  'isbn',
  'issn',
  'lisSourcedId',
  'oneRosterSourcedId',
  'sisSourcedId',
  'ltiContextId',
  'ltiDeploymentId',
  'ltiToolId',
  'ltiPlatformId',
  'ltiUserId',
  'identifier',
] as const;

/** An unordered set of IRIs that must include `name`: a bare string is the compacted one-item form. */
const typeIncluding = (...names: string[]) => ({
  oneOf: [
    { type: 'string', enum: names },
    { type: 'array', items: { type: 'string' }, minItems: 1, contains: { enum: names } },
  ],
});

const ob3 = {
  $id: 'flywheel:ob3-achievement-credential',
  $defs: {
    Profile: {
      type: 'object',
      required: ['id', 'type'],
      properties: { id: { type: 'string', format: 'uri' }, type: typeIncluding('Profile'), name: { type: 'string' }, url: { type: 'string', format: 'uri' }, email: { type: 'string', format: 'email' } },
    },
    Image: { type: 'object', required: ['id', 'type'], properties: { id: { type: 'string', format: 'uri' }, type: { const: 'Image' }, caption: { type: 'string' } } },
    Criteria: { type: 'object', properties: { id: { type: 'string', format: 'uri' }, narrative: { type: 'string' } }, anyOf: [{ required: ['id'] }, { required: ['narrative'] }] },
    Achievement: {
      type: 'object',
      required: ['id', 'type', 'name', 'description', 'criteria'],
      properties: {
        id: { type: 'string', format: 'uri' },
        type: typeIncluding('Achievement'),
        name: { type: 'string' },
        description: { type: 'string' },
        criteria: { $ref: '#/$defs/Criteria' },
        image: { $ref: '#/$defs/Image' },
        creator: { $ref: '#/$defs/Profile' },
      },
    },
    IdentityObject: {
      type: 'object',
      required: ['type', 'hashed', 'identityHash', 'identityType'],
      properties: {
        type: { const: 'IdentityObject' },
        hashed: { type: 'boolean' },
        identityHash: { type: 'string' },
        identityType: { anyOf: [{ enum: IDENTIFIER_TYPES }, { type: 'string', pattern: '^ext:[A-Za-z0-9._-]+$' }] },
        salt: { type: 'string' },
      },
    },
    AchievementSubject: {
      type: 'object',
      required: ['type', 'achievement'],
      properties: {
        id: { type: 'string', format: 'uri' },
        type: typeIncluding('AchievementSubject'),
        identifier: { type: 'array', items: { $ref: '#/$defs/IdentityObject' } },
        achievement: { $ref: '#/$defs/Achievement' },
      },
      anyOf: [{ required: ['id'] }, { required: ['identifier'], properties: { identifier: { type: 'array', minItems: 1 } } }],
    },
    CredentialStatus: { type: 'object', required: ['id', 'type'], properties: { id: { type: 'string', format: 'uri' }, type: { type: 'string' } } },
    Evidence: { type: 'object', required: ['type'], properties: { id: { type: 'string', format: 'uri' }, type: typeIncluding('Evidence') } },
  },
  type: 'object',
  required: ['@context', 'id', 'type', 'issuer', 'validFrom', 'name', 'credentialSubject'],
  properties: {
    '@context': {
      type: 'array',
      minItems: 2,
      items: [{ enum: ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/2018/credentials/v1'] }],
      additionalItems: { anyOf: [{ type: 'string' }, { type: 'object' }] },
      contains: { type: 'string', pattern: '^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-\\d+\\.\\d+\\.\\d+)*\\.json$' },
    },
    id: { type: 'string', format: 'uri' },
    type: { type: 'array', items: { type: 'string' }, allOf: [{ contains: { const: 'VerifiableCredential' } }, { contains: { enum: ['AchievementCredential', 'OpenBadgeCredential'] } }] },
    issuer: { $ref: '#/$defs/Profile' },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: { type: 'string', format: 'date-time' },
    name: { type: 'string' },
    credentialSubject: { $ref: '#/$defs/AchievementSubject' },
    credentialStatus: { $ref: '#/$defs/CredentialStatus' },
    evidence: { type: 'array', items: { $ref: '#/$defs/Evidence' } },
  },
};

const ob2IdentityObject = {
  type: 'object',
  required: ['type', 'identity', 'hashed'],
  properties: { type: { enum: ['id', 'email', 'url', 'telephone'] }, identity: { type: 'string' }, hashed: { type: 'boolean' }, salt: { type: 'string' } },
};

const ob2 = {
  issuer: {
    type: 'object',
    required: ['@context', 'id', 'type', 'name', 'url', 'email'],
    properties: { id: { type: 'string', format: 'uri' }, type: typeIncluding('Issuer', 'Profile'), name: { type: 'string' }, url: { type: 'string', format: 'uri' }, email: { type: 'string', format: 'email' } },
  },
  badgeClass: {
    type: 'object',
    required: ['@context', 'id', 'type', 'name', 'description', 'image', 'criteria', 'issuer'],
    properties: { id: { type: 'string', format: 'uri' }, type: typeIncluding('BadgeClass'), image: { type: 'string', format: 'uri' }, issuer: { type: 'string', format: 'uri' } },
  },
  assertion: {
    type: 'object',
    required: ['@context', 'id', 'type', 'recipient', 'badge', 'verification', 'issuedOn'],
    properties: {
      id: { type: 'string', format: 'uri' },
      type: typeIncluding('Assertion'),
      recipient: ob2IdentityObject,
      badge: { type: 'string', format: 'uri' },
      verification: { type: 'object', required: ['type'], properties: { type: { enum: ['hosted', 'HostedBadge', 'signed', 'SignedBadge'] } } },
      issuedOn: { type: 'string', format: 'date-time' },
    },
  },
  revokedAssertion: { type: 'object', required: ['id', 'revoked'], properties: { id: { type: 'string', format: 'uri' }, revoked: { const: true } } },
};

// Strict, except where the official schema is not: an open tuple (first context fixed, more may
// follow), and "one of these must be present" rules written as anyOf of required.
const ajv = new Ajv2019({ allErrors: true, strict: true, strictTuples: false, strictRequired: false });
addFormats(ajv);

const validators = {
  ob3Credential: ajv.compile(ob3),
  ob2Issuer: ajv.compile(ob2.issuer),
  ob2BadgeClass: ajv.compile(ob2.badgeClass),
  ob2Assertion: ajv.compile(ob2.assertion),
  ob2RevokedAssertion: ajv.compile(ob2.revokedAssertion),
};

/** The schema errors of `document` as `kind` ([] when it validates), readable in a failed expectation. */
export function schemaErrors(kind: keyof typeof validators, document: unknown): string[] {
  const validate = validators[kind];
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Open Badges endpoints: 2.0 hosted verification objects, and 3.0 signed credentials with the key that verifies them. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { errors, MAX_ID, noQuery } from '../openapi.js';
import { wholeDocument } from '../response-schemas.js';
import { awardParams } from './badge-pages.js';

const badgeParams = z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/, 'expected a badge id').max(60, 'expected a badge id') });
const credentialParams = z.strictObject({
  file: z
    .string()
    // The id in its one plain spelling (no leading zero), as every number in a request.
    .regex(/^[1-9]\d{0,9}\.(jwt|json)$/, 'expected <award id>.jwt or <award id>.json')
    .transform((f) => ({ id: Number(f.split('.')[0]), format: f.split('.')[1] as 'jwt' | 'json' }))
    .refine((f) => f.id > 0 && f.id <= MAX_ID, 'expected a positive award id'),
});

// The standards define these documents: they are answered whole (never trimmed to a schema of ours).
const document = (params?: z.ZodType) => ({ schema: { querystring: noQuery, ...(params ? { params } : {}), response: { 200: wholeDocument, ...errors(400, 404) } } });

/** The credential documents, as the JSON objects they are. */
const whole = async (document: object | Promise<object>) => (await document) as Record<string, unknown>;

export async function openBadges(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const ob = fw.credentials;
  app.get('/ob/v2/issuer', document(), async () => whole(ob.ob2Issuer()));
  app.get('/ob/v2/badges/:id', { schema: { ...document().schema, params: badgeParams } }, async (request) => whole(ob.ob2BadgeClass(request.params.id)));
  app.get(
    '/ob/v2/assertions/:id',
    // Open Badges 2.0: a revoked hosted assertion answers 410 Gone, saying it was revoked.
    { schema: { querystring: noQuery, params: awardParams, response: { 200: wholeDocument, 410: wholeDocument.describe('Revoked: the assertion, saying so'), ...errors(400, 404) } } },
    async (request, reply) => {
      const { revoked, document } = await ob.ob2Assertion(request.params.id);
      if (revoked) reply.code(410);
      return document as Record<string, unknown>;
    },
  );

  app.get('/ob/v3/issuer', document(), async () => whole(ob.ob3Issuer()));
  app.get('/ob/v3/achievements/:id', { schema: { ...document().schema, params: badgeParams } }, async (request) => whole(ob.ob3Achievement(request.params.id)));
  // <id>.json is the credential; <id>.jwt the same, signed (a string, sent as application/vc+jwt).
  app.get('/ob/v3/credentials/:file', { schema: { ...document().schema, params: credentialParams } }, async (request, reply) => {
    const { id, format } = request.params.file;
    if (format === 'json') return whole(ob.ob3Credential(id));
    return (reply as FastifyReply).type('application/vc+jwt').send(await ob.signedCredential(id));
  });
  app.get('/ob/v3/revocations', document(), async () => whole(ob.revocationList()));
  app.get('/.well-known/jwks.json', document(), async () => whole(ob.jwks()));
}

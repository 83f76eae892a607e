/** Open Badges endpoints: 2.0 hosted verification objects, and 3.0 signed credentials with the key that verifies them. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { parseQuery } from '../query.js';
import { awardParams } from './badge-pages.js';

const badgeParams = z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/, 'expected a badge id').max(60) });
const credentialParams = z.strictObject({
  file: z
    .string()
    .regex(/^\d{1,10}\.(jwt|json)$/, 'expected <award id>.jwt or <award id>.json')
    .transform((f) => ({ id: Number(f.split('.')[0]), format: f.split('.')[1] as 'jwt' | 'json' }))
    .refine((f) => f.id > 0 && f.id <= 2 ** 31 - 1, 'expected a positive award id'),
});

export async function openBadges(app: FastifyInstance, fw: Flywheel): Promise<void> {
  const ob = fw.credentials;
  app.get('/ob/v2/issuer', async () => ob.ob2Issuer());
  app.get('/ob/v2/badges/:id', async (request) => ob.ob2BadgeClass(parseQuery(badgeParams, request.params).id));
  app.get('/ob/v2/assertions/:id', async (request, reply) => {
    const { revoked, document } = await ob.ob2Assertion(parseQuery(awardParams, request.params).id);
    // Open Badges 2.0: a revoked hosted assertion answers 410 Gone, saying it was revoked.
    if (revoked) reply.code(410);
    return document;
  });

  app.get('/ob/v3/issuer', async () => ob.ob3Issuer());
  app.get('/ob/v3/achievements/:id', async (request) => ob.ob3Achievement(parseQuery(badgeParams, request.params).id));
  app.get('/ob/v3/credentials/:file', async (request, reply) => {
    const { id, format } = parseQuery(credentialParams, request.params).file;
    if (format === 'json') return ob.ob3Credential(id);
    return reply.type('application/vc+jwt').send(await ob.signedCredential(id));
  });
  app.get('/ob/v3/revocations', async () => ob.revocationList());
  app.get('/.well-known/jwks.json', async () => ob.jwks());
}

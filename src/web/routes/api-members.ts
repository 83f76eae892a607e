import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { apiDocs } from '../openapi.js';
import { PLATFORMS } from '../../domain/kinds.js';
import { parseQuery } from '../query.js';

export const idParams = z.object({
  id: z.coerce.number({ message: 'expected a member id (a positive whole number)' }).int().positive().max(2 ** 31 - 1),
});

const lookupQuery = z.strictObject({
  platform: z.enum(PLATFORMS, { message: `expected one of ${PLATFORMS.join(', ')}` }),
  externalId: z.string({ message: 'expected the account id on that platform' }).min(1).max(200),
});

export async function membersApi(app: FastifyInstance, fw: Flywheel): Promise<void> {
  app.get('/api/v1/members/lookup', apiDocs('A member found by a platform account', { query: lookupQuery }), async (request) => {
    const q = parseQuery(lookupQuery, request.query);
    return fw.members.lookup(q.platform, q.externalId);
  });

  app.get('/api/v1/members/:id', apiDocs('A member: points, rank, stage journey, badges, recent contributions', { params: idParams }), async (request) => {
    const { id } = parseQuery(idParams, request.params);
    return fw.members.profile(id);
  });
}

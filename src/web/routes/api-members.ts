import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { apiRoute, errors, idOf, noQuery } from '../openapi.js';
import { memberBody } from '../response-schemas.js';
import { PLATFORMS } from '../../domain/kinds.js';

export const idParams = z.strictObject({ id: idOf('a member id') });

const lookupQuery = z.strictObject({
  platform: z.enum(PLATFORMS, { message: `expected one of ${PLATFORMS.join(', ')}` }),
  externalId: z.string({ message: 'expected the account id on that platform' }).min(1, 'expected the account id on that platform').max(200),
});

export async function membersApi(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/members/lookup',
    apiRoute('A member found by a platform account', { querystring: lookupQuery, response: { 200: memberBody, ...errors(404) } }, 'Hidden members are not found.'),
    async (request) => fw.members.lookup(request.query.platform, request.query.externalId),
  );

  app.get(
    '/api/v1/members/:id',
    apiRoute('A member: points, rank, stage journey, badges, recent contributions', { params: idParams, querystring: noQuery, response: { 200: memberBody, ...errors(404) } }, 'Hidden members are not found.'),
    async (request) => fw.members.profile(request.params.id),
  );
}

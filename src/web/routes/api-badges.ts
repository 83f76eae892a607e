import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { apiRoute, errors, noQuery } from '../openapi.js';
import { answerShare, badgeBody, badgeSummary, recentAward } from '../response-schemas.js';

const badgeIdParams = z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/, 'expected a badge id').max(60, 'expected a badge id') });

export async function badgesApi(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // The catalog and how many (visible) members hold each badge.
  app.get(
    '/api/v1/badges',
    apiRoute('The badge catalog, with how many members hold each', { querystring: noQuery, response: { 200: z.object({ badges: z.array(badgeSummary) }) } }),
    async () => ({ badges: await fw.badges.withHolders() }),
  );
  app.get(
    '/api/v1/badges/:id',
    apiRoute('One badge: how to earn it, holders, recent holders', { params: badgeIdParams, querystring: noQuery, response: { 200: badgeBody, ...errors(404) } }),
    async (request) => fw.badges.detail(request.params.id),
  );
  app.get(
    '/api/v1/community',
    apiRoute('The community at a glance: share of answers from members this month, newest badges', {
      querystring: noQuery,
      response: { 200: z.object({ answers: answerShare, newestBadges: z.array(recentAward) }) },
    }),
    async () => ({ answers: await fw.boards.answerShare(), newestBadges: await fw.badges.newest(8) }),
  );
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { apiDocs } from '../openapi.js';
import { parseQuery } from '../query.js';

const badgeIdParams = z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/, 'expected a badge id').max(60) });

export async function badgesApi(app: FastifyInstance, fw: Flywheel): Promise<void> {
  // The catalog and how many (visible) members hold each badge.
  app.get('/api/v1/badges', apiDocs('The badge catalog, with how many members hold each'), async () => ({ badges: await fw.badges.withHolders() }));
  app.get('/api/v1/badges/:id', apiDocs('One badge: how to earn it, holders, recent holders', { params: badgeIdParams }), async (request) => fw.badges.detail(parseQuery(badgeIdParams, request.params).id));
  app.get('/api/v1/community', apiDocs('The community at a glance: share of answers from members this month, newest badges'), async () => ({ answers: await fw.boards.answerShare(), newestBadges: await fw.badges.newest(8) }));
}


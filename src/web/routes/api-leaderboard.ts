import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { apiDocs } from '../openapi.js';
import { PLATFORMS, SPACES } from '../../domain/kinds.js';
import { parseDay, PERIODS } from '../../domain/periods.js';
import { parseQuery } from '../query.js';

export const leaderboardQuery = z.strictObject({
  period: z.enum(PERIODS, { message: `expected one of ${PERIODS.join(', ')}` }).default('month'),
  at: z
    .string()
    .refine((v) => parseDay(v) !== null, { message: 'expected a calendar date YYYY-MM-DD' })
    .optional(),
  space: z.enum(SPACES, { message: `expected one of ${SPACES.join(', ')}` }).optional(),
  platform: z.enum(PLATFORMS, { message: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
  limit: z.coerce.number({ message: 'expected a whole number from 1 to 100' }).int().min(1).max(100).default(50),
  offset: z.coerce.number({ message: 'expected a whole number from 0 to 100000' }).int().min(0).max(100_000).default(0),
});

export async function leaderboardApi(app: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  app.get('/api/v1/leaderboard', apiDocs('A leaderboard: one period, optionally one space or platform', { query: leaderboardQuery }), async (request, reply) => {
    const q = parseQuery(leaderboardQuery, request.query);
    const board = await fw.boards.leaderboard(q);
    reply.header('cache-control', 'public, max-age=30');
    return { ...board, timeZone: config.community.timeZone };
  });
}

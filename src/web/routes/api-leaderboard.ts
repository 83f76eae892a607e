import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { apiRoute, wholeNumber } from '../openapi.js';
import { leaderboardBody } from '../response-schemas.js';
import { PLATFORMS, SPACES } from '../../domain/kinds.js';
import { parseDay, PERIODS } from '../../domain/periods.js';

const whole = (min: number, max: number) => wholeNumber({ min, max, message: `expected a whole number from ${min} to ${max}` });

export const leaderboardQuery = z.strictObject({
  period: z.enum(PERIODS, { message: `expected one of ${PERIODS.join(', ')}` }).default('month'),
  at: z
    .string({ message: 'expected a calendar date YYYY-MM-DD' })
    .refine((v) => parseDay(v) !== null, { message: 'expected a calendar date YYYY-MM-DD' })
    .optional()
    .describe('Any day inside the wanted period (community time zone); defaults to today'),
  space: z.enum(SPACES, { message: `expected one of ${SPACES.join(', ')}` }).optional(),
  platform: z.enum(PLATFORMS, { message: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
  limit: whole(1, 100).prefault(50),
  offset: whole(0, 100_000).prefault(0),
});

export async function leaderboardApi(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/v1/leaderboard',
    apiRoute('A leaderboard: one period, optionally one space or platform', { querystring: leaderboardQuery, response: { 200: leaderboardBody } }),
    async (request, reply) => {
      const board = await fw.boards.leaderboard(request.query);
      reply.header('cache-control', 'public, max-age=30');
      return { ...board, timeZone: config.community.timeZone };
    },
  );
}

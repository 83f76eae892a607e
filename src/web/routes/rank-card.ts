/**
 * A member's rank card as a PNG: the member page's preview image and what others may show of the
 * member. A hidden or unknown member has none (404, like their page).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { communityAvatars } from '../../images/avatars.js';
import { rankCardPng } from '../../images/rank-card.js';
import { cacheable } from '../caching.js';
import { noQuery } from '../openapi.js';
import { PUBLIC_PAGE } from '../page-cache.js';
import { idParams } from './api-members.js';

export const CARD_RATE_LIMIT = { max: 120, timeWindow: '1 minute' };

export async function rankCardRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const avatars = communityAvatars(config.discourse.url);
  // Drawing one costs about 0.1 s of CPU, and a signed-in visitor's is never kept: limited per client.
  const limited = { ...PUBLIC_PAGE.config, rateLimit: CARD_RATE_LIMIT };
  app.get('/members/:id/card.png', { config: limited, schema: { params: idParams, querystring: noQuery } }, async (request, reply) => {
    const { id } = request.params;
    const card = await fw.members.rankCard(id);
    const png = rankCardPng(card, await avatars(card.avatarUrl), { community: config.community.name });
    cacheable(request, reply, 300);
    // Other sites (a forum post, a chat preview) may show it.
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return reply.type('image/png').send(png);
  });
}

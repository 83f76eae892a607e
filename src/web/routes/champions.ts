/** The public roster: `/champions` and `GET /api/v1/champions`. Hidden members are left out. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { apiRoute, noQuery } from '../openapi.js';
import { publicChampion as championSchema } from '../response-schemas.js';
import type { ChampionRow } from '../../app/champions.js';
import { cacheable } from '../caching.js';
import { PUBLIC_PAGE } from '../page-cache.js';

const publicChampion = (c: ChampionRow) => ({
  member: { id: c.memberId, displayName: c.memberName },
  space: c.space,
  termStart: new Date(c.termStart).toISOString(),
  termEnd: new Date(c.endedAt ?? c.termEnd).toISOString(),
  citation: c.citation,
});

export async function championsRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const roster = z.object({ champions: z.array(championSchema).describe('Serving now'), past: z.array(championSchema) });
  app.get('/api/v1/champions', apiRoute('The champions roster, current and past', { querystring: noQuery, response: { 200: roster } }), async () => {
    const { current, past } = await fw.champions.roster();
    return { champions: current.map(publicChampion), past: past.map(publicChampion) };
  });

  app.get('/champions', { ...PUBLIC_PAGE, schema: { querystring: noQuery } }, async (request, reply) => {
    const { current, past } = await fw.champions.roster();
    cacheable(request, reply);
    return reply.view('pages/champions.hbs', {
      title: `Champions — ${config.community.name}`,
      community: config.community.name,
      current: current.map(publicChampion),
      past: past.map(publicChampion),
    });
  });
}

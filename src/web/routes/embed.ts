/**
 * The leaderboard widget a community puts on its own site or forum: a compact page without the
 * site's header, which any site may show in a frame (every other page refuses to be framed), and
 * the snippet managers copy. Its data is /api/v1/leaderboard's; hidden members are never on it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import handlebars from 'handlebars';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { PLATFORMS, SPACES } from '../../domain/kinds.js';
import { PERIODS } from '../../domain/periods.js';
import { PROJECT_ROOT } from '../../paths.js';
import { wholeNumber } from '../openapi.js';
import { PUBLIC_PAGE } from '../page-cache.js';
import { viewHelpers } from '../view-helpers.js';

export const EMBED_MAX = 25;
const PERIOD_LABEL = { day: 'today', week: 'this week', month: 'this month', quarter: 'this quarter', year: 'this year', all: 'of all time' } as const;

const embedQuery = z.strictObject({
  period: z.enum(PERIODS, { message: `expected one of ${PERIODS.join(', ')}` }).default('week'),
  limit: wholeNumber({ min: 1, max: EMBED_MAX, message: `expected a whole number from 1 to ${EMBED_MAX}` }).prefault(10),
  space: z.enum(SPACES, { message: `expected one of ${SPACES.join(', ')}` }).optional(),
  platform: z.enum(PLATFORMS, { message: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
});

/** What a manager pastes into their site: a plain iframe, no script. */
export function embedSnippet(siteUrl: string): { src: string; html: string } {
  const src = `${siteUrl.replace(/\/+$/, '')}/embed/leaderboard?period=week&limit=10`;
  return { src, html: `<iframe src="${src}" title="Leaderboard" width="360" height="520" style="border:0;max-width:100%" loading="lazy"></iframe>` };
}

/**
 * Let any site frame the widget: helmet's frame-ancestors 'self' becomes *, its X-Frame-Options
 * goes, and the rest of the policy stays as helmet (and whoever configures it) set it. Only the
 * widget itself: a refusal (a bad parameter) is a page of the site, framed by nobody. Runs as the
 * answer leaves, after the page cache, so a kept widget is framable and a kept page keeps the
 * site's own headers.
 */
async function allowFraming(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (reply.statusCode !== 200) return payload;
  const csp = String(reply.getHeader('content-security-policy') ?? "default-src 'self'");
  const directives = csp.split(';').map((d) => d.trim()).filter((d) => d && !d.startsWith('frame-ancestors'));
  reply.header('content-security-policy', [...directives, 'frame-ancestors *'].join(';'));
  reply.removeHeader('x-frame-options');
  reply.header('cross-origin-resource-policy', 'cross-origin');
  return payload;
}

export async function embedRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // Its own document, not the site's layout: no header, nav or footer inside someone else's page.
  const hbs = handlebars.create();
  for (const [name, helper] of Object.entries(viewHelpers)) hbs.registerHelper(name, helper);
  const template = hbs.compile(readFileSync(join(PROJECT_ROOT, 'views', 'embed', 'leaderboard.hbs'), 'utf8'));

  app.get('/embed/leaderboard', { ...PUBLIC_PAGE, onSend: allowFraming, schema: { querystring: embedQuery } }, async (request, reply) => {
    const q = request.query;
    const board = await fw.boards.leaderboard({ period: q.period, space: q.space ?? null, platform: q.platform ?? null, limit: q.limit });
    const full = new URLSearchParams({ period: q.period, ...(q.space ? { space: q.space } : {}), ...(q.platform ? { platform: q.platform } : {}) });
    // Anonymous and the same for everyone: a visitor's session on this site does not change it.
    reply.header('cache-control', 'public, max-age=60');
    return reply.type('text/html; charset=utf-8').send(
      template({
        community: config.community.name,
        label: PERIOD_LABEL[q.period],
        rows: board.entries,
        more: `/leaderboard?${full.toString()}`,
      }),
    );
  });
}

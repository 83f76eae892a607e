/**
 * The public pages: the community at a glance, the leaderboard, member pages. Each has a JSON twin
 * under /api/v1. Pages are the same for everyone except the viewer's own highlighted row, so they
 * are cacheable unless someone is signed in.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { PLATFORMS, SPACES } from '../../domain/kinds.js';
import { parseDay } from '../../domain/periods.js';
import { cacheable } from '../caching.js';
import { absolute, brandOf, previewImage } from '../brand.js';
import { counted } from '../../domain/words.js';
import { PUBLIC_PAGE } from '../page-cache.js';
import { noQuery, wholeNumber } from '../openapi.js';
import { idParams } from './api-members.js';

const TABS = ['day', 'week', 'month', 'quarter', 'year', 'all'] as const;
const PAGE_SIZE = 25;
const TAB_LABEL: Record<(typeof TABS)[number], string> = { day: 'Today', week: 'Week', month: 'Month', quarter: 'Quarter', year: 'Year', all: 'All time' };
/** "since last month", for the movement column's heading. */
const SINCE: Record<(typeof TABS)[number], string> = { day: 'since yesterday', week: 'since last week', month: 'since last month', quarter: 'since last quarter', year: 'since last year', all: '' };

const boardQuery = z.strictObject({
  period: z.enum(TABS, { message: `expected one of ${TABS.join(', ')}` }).default('month'),
  at: z
    .string()
    .refine((v) => parseDay(v) !== null, { message: 'expected a calendar date YYYY-MM-DD' })
    .optional(),
  space: z.union([z.enum(SPACES), z.literal('')], { message: `expected one of ${SPACES.join(', ')}` }).optional(),
  platform: z.union([z.enum(PLATFORMS), z.literal('')], { message: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
  page: wholeNumber({ min: 1, max: 4000, message: 'expected a page number' }).prefault(1),
  /** Find someone on this board by name. */
  name: z.string({ message: 'expected a name to look for' }).trim().max(100, { message: 'expected at most 100 characters' }).optional(),
});

const query = (params: Record<string, string | number | undefined | null>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

export async function siteRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const base = { community: config.community.name };
  const og = (title: string, description: string, path: string, image = previewImage(config)) => ({
    title,
    description,
    image,
    url: absolute(config, path),
    siteName: config.community.name,
  });
  const about = brandOf(config).description;

  app.get('/', { ...PUBLIC_PAGE, schema: { querystring: noQuery } }, async (request, reply) => {
    const [board, awards, roster, answers, ladder] = await Promise.all([
      fw.boards.leaderboard({ period: 'month', limit: 10 }),
      fw.badges.newest(8),
      fw.champions.roster(),
      fw.boards.answerShare(),
      fw.boards.ladder(),
    ]);
    cacheable(request, reply);
    return reply.view('pages/home.hbs', {
      ...base,
      title: config.community.name,
      og: og(config.community.name, about, '/'),
      board,
      awards,
      champions: roster.current,
      answers: { ...answers, percent: answers.share === null ? null : Math.round(answers.share * 100) },
      ladder,
    });
  });

  app.get('/leaderboard', { ...PUBLIC_PAGE, schema: { querystring: boardQuery } }, async (request, reply) => {
    const q = request.query;
    const filters = { space: q.space || null, platform: q.platform || null };
    const scope = { period: q.period, at: q.at, ...filters };
    const viewer = request.session?.memberId ?? null;
    const [board, found, mine] = await Promise.all([
      fw.boards.leaderboard({ ...scope, limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE }),
      q.name ? fw.boards.find(scope, { name: q.name }, PAGE_SIZE) : Promise.resolve(null),
      viewer !== null ? fw.boards.find(scope, { memberId: viewer }, PAGE_SIZE).then((p) => p[0] ?? null) : Promise.resolve(null),
    ]);
    const link = (over: Record<string, string | number | null | undefined>) => `/leaderboard${query({ period: q.period, at: q.at, space: filters.space, platform: filters.platform, ...over })}`;
    const rowLink = (p: { page: number; memberId: number }) => `${link({ page: p.page === 1 ? null : p.page })}#member-${p.memberId}`;
    const pages = Math.max(1, Math.ceil(board.total / PAGE_SIZE));
    const rows = board.entries.map((e) => ({ ...e, mine: viewer !== null && e.member.id === viewer, found: found?.some((f) => f.memberId === e.member.id) ?? false }));
    cacheable(request, reply);
    return reply.view('pages/leaderboard.hbs', {
      ...base,
      title: `Leaderboard — ${config.community.name}`,
      og: og(`${TAB_LABEL[q.period]} leaderboard — ${config.community.name}`, `Who helped most in ${config.community.name}.`, link({})),
      board,
      // The top three stand on a podium on the first page (first to third; the style sets them out second, first, third).
      podium: q.page === 1 && rows.length >= 3 ? rows.slice(0, 3).map((r, i) => ({ ...r, place: i + 1 })) : null,
      rows,
      moves: board.entries.some((e) => e.movement !== null),
      since: SINCE[q.period],
      mine: mine ? { ...mine, href: rowLink(mine), here: mine.page === q.page } : null,
      signedIn: viewer !== null,
      name: q.name ?? '',
      found: found ? found.map((f) => ({ ...f, href: rowLink(f) })) : null,
      tabs: TABS.map((p) => ({ label: TAB_LABEL[p], href: `/leaderboard${query({ period: p, space: filters.space, platform: filters.platform })}`, current: p === q.period })),
      // Only to boards that can be asked for: none before 1980, none not begun (the use case leaves those out).
      previous: board.previous ? link({ at: board.previous, page: null }) : null,
      next: board.next ? link({ at: board.next, page: null }) : null,
      newer: q.page > 1 ? link({ page: q.page - 1 }) : null,
      older: q.page < pages ? link({ page: q.page + 1 }) : null,
      // A page past the end of a board that has rows (an old link, a typed number): the way back, not "nobody".
      pastEnd: rows.length === 0 && board.total > 0 ? link({ page: pages === 1 ? null : pages }) : null,
      page: q.page,
      pages,
      period: q.period,
      at: q.at,
      spaces: SPACES.map((s) => ({ value: s, selected: s === filters.space })),
      platforms: PLATFORMS.map((p) => ({ value: p, selected: p === filters.platform })),
      label: TAB_LABEL[q.period],
    });
  });

  // A member's page: where `/profile` in Discord points. Hidden members are not found.
  app.get('/members/:id', { ...PUBLIC_PAGE, schema: { params: idParams, querystring: noQuery } }, async (request, reply) => {
    const { id } = request.params;
    const member = await fw.members.profile(id);
    cacheable(request, reply);
    const standing = member.rank.all !== null ? `#${member.rank.all} all time in ${config.community.name}` : `A member of ${config.community.name}`;
    return reply.view('pages/member.hbs', {
      ...base,
      title: `${member.displayName} — ${config.community.name}`,
      // Link previews show the member's rank card: a wide picture, shown whole rather than cropped to a square.
      og: { ...og(
        member.displayName,
        `${standing}${member.stage ? `, ${member.stage}` : ''} · ${member.points.all.toLocaleString('en-US')} points · ${counted(member.badges.length, 'badge')}`,
        `/members/${member.id}`,
        absolute(config, `/members/${member.id}/card.png`),
      ), large: true },
      member,
      ladder: { next: member.progress.next, percent: Math.round(member.progress.share * 100), window: config.stages.advocateMonthWindow },
      periods: (['week', 'month', 'quarter', 'year', 'all'] as const).map((period) => ({ period, points: member.points[period] })),
      journey: [
        ...(member.firsts.seen ? [{ step: 'first seen', at: member.firsts.seen }] : []),
        ...(member.firsts.question ? [{ step: 'first question', at: member.firsts.question }] : []),
        ...(member.firsts.answer ? [{ step: 'first answer', at: member.firsts.answer }] : []),
        ...member.stages.map((s) => ({ step: s.stage, at: s.at })),
      ].sort((a, b) => a.at.localeCompare(b.at)),
    });
  });
}

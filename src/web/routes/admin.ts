/**
 * The community team's pages: the nomination queue, suggested candidates, champions and the audit
 * log. Every page needs a manager's session (the audit log an admin's), checked on the matched
 * route (auth/access.ts); every form needs its CSRF token.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { DomainError } from '../../domain/errors.js';
import { PLATFORMS, SPACES } from '../../domain/kinds.js';
import { insightCharts } from '../insight-charts.js';
import { actorOf, guardScope } from '../auth/access.js';
import { csrfToken } from '../auth/session.js';
import { errors, idOf, noQuery, PAGE } from '../openapi.js';
import { exportRow } from '../response-schemas.js';

const idParams = z.strictObject({ id: idOf('an id') });
const note = z.string().trim().max(2000).optional();
const decisionBody = z.object({ _csrf: z.string().optional(), note, citation: z.string().trim().max(500).optional() });
const termBody = z.object({ _csrf: z.string().optional(), note });
const nominationBody = z.object({
  _csrf: z.string().optional(),
  member: z.coerce.number({ message: 'expected a member id' }).int().positive().max(2 ** 31 - 1),
  reason: z.string().max(2000),
  space: z.enum(SPACES).default('support'),
  evidence: z.string().max(2000).optional(),
});

const insightsQuery = z.object({
  from: z.union([z.string().regex(/^\d{4}-\d{2}$/, 'expected a month YYYY-MM'), z.literal('')]).optional(),
  to: z.union([z.string().regex(/^\d{4}-\d{2}$/, 'expected a month YYYY-MM'), z.literal('')]).optional(),
  platform: z.union([z.enum(PLATFORMS), z.literal('')], { message: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
});
const excludeBody = z.object({ _csrf: z.string().optional(), reason: z.string().trim().min(5, 'say why, in a few words').max(2000) });
const reinstateBody = z.object({ _csrf: z.string().optional(), note });
const exportQuery = z.object({ include: z.enum(['consenting', 'everyone'], { message: 'expected consenting or everyone' }).default('consenting') });
const EXPORT_COLUMNS = [
  'member_id',
  'display_name',
  'discord_id',
  'discord_username',
  'discourse_id',
  'discourse_username',
  'stage',
  'points_all_time',
  'points_this_month',
  'affinity',
  'reach',
  'badges',
  'champion',
  'first_seen',
  'first_contribution',
];


export async function adminRoutes(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const champions = fw.champions;
  const view = (reply: FastifyReply, page: string, title: string, data: object) =>
    reply.view(`pages/admin/${page}.hbs`, { title: `${title} — ${fw.config.community.name}`, community: fw.config.community.name, csrf: csrfToken(reply), ...data });

  // This plugin's scope holds only /admin routes: every one needs the community team, some an admin.
  guardScope(scope, 'manager');
  // Forms carry their CSRF token; a post without it (or with a stale one) changes nothing (checked before the form is read).
  const page = { ...PAGE, schema: { querystring: noQuery } };
  const form = <S extends object>(schema: S) => ({ ...PAGE, preValidation: app.csrfProtection, schema });

  app.get('/admin', page, async (request, reply) => {
    const [queue, roster] = await Promise.all([champions.queue(), champions.champions()]);
    return view(reply, 'overview', 'Community team', {
      session: request.session,
      pending: queue.length,
      serving: roster.filter((c) => c.status === 'active').length,
      renewals: roster.filter((c) => c.dueForRenewal),
    });
  });

  app.get('/admin/nominations', page, async (_request, reply) => view(reply, 'nominations', 'Nominations', { queue: await champions.queue(), spaces: SPACES }));

  app.post('/admin/nominations', form({ body: nominationBody }), async (request, reply) => {
    const body = request.body;
    await champions.nominate({
      member: { memberId: body.member },
      by: actorOf(request.session!),
      as: 'nomination',
      reason: body.reason,
      space: body.space,
      evidence: (body.evidence ?? '').split(/\s+/).filter(Boolean),
      origin: `web:${randomUUID()}`,
    });
    return reply.redirect('/admin/nominations', 303);
  });

  for (const decision of ['approve', 'decline'] as const)
    app.post(`/admin/nominations/:id/${decision}`, form({ params: idParams, body: decisionBody }), async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const news = await champions.decide(id, decision, actorOf(request.session!), { note: body.note, citation: body.citation });
      await fw.news.publish(news);
      return reply.redirect('/admin/nominations', 303);
    });

  app.get('/admin/candidates', page, async (_request, reply) => view(reply, 'candidates', 'Suggested candidates', { candidates: await champions.candidates(25), spaces: SPACES }));

  app.get('/admin/champions', page, async (_request, reply) => {
    const all = await champions.champions();
    return view(reply, 'champions', 'Champions', { serving: all.filter((c) => c.status === 'active'), alumni: all.filter((c) => c.status === 'alumni') });
  });

  for (const action of ['renew', 'end'] as const)
    app.post(`/admin/champions/:id/${action}`, form({ params: idParams, body: termBody }), async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const news = await champions[action](id, actorOf(request.session!), body.note ?? null);
      await fw.news.publish(news);
      return reply.redirect('/admin/champions', 303);
    });

  // Fair play: the members the rules cannot decide, and exclusion from boards and badges.
  app.get('/admin/fair-play', page, async (_request, reply) => {
    const [queue, exclusions] = await Promise.all([fw.fairPlay.queue(), fw.fairPlay.exclusions()]);
    return view(reply, 'fair-play', 'Fair play', { queue, exclusions });
  });

  app.post('/admin/fair-play/:id/exclude', form({ params: idParams, body: excludeBody }), async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    await fw.fairPlay.exclude(id, actorOf(request.session!), body.reason);
    return reply.redirect('/admin/fair-play', 303);
  });

  app.post('/admin/fair-play/:id/reinstate', form({ params: idParams, body: reinstateBody }), async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    await fw.fairPlay.reinstate(id, actorOf(request.session!), body.note || null);
    return reply.redirect('/admin/fair-play', 303);
  });

  app.get('/admin/insights', { ...PAGE, schema: { querystring: insightsQuery } }, async (request, reply) => {
    const q = request.query;
    const data = await fw.insights({ platform: q.platform || null, from: q.from || undefined, to: q.to || undefined });
    return view(reply, 'insights', 'Insights', { data, charts: insightCharts(data), platforms: PLATFORMS.map((p) => ({ value: p, selected: p === data.range.platform })) });
  });

  // Exports for a CRM: hidden members and members who did not agree are left out unless an admin asks for everyone.
  const exported = async (request: { query: z.output<typeof exportQuery>; session?: { role: string } | null | undefined }, leads: boolean) => {
    const { include } = request.query;
    if (include === 'everyone' && request.session!.role !== 'admin') throw new DomainError('forbidden', 'only admins export everyone');
    return fw.exportMembers({ everyone: include === 'everyone', ...(leads ? { leadsAbove: fw.config.insights.leadAffinity } : {}) });
  };
  app.get('/admin/export/members.json', { schema: { querystring: exportQuery, response: { 200: z.object({ members: z.array(exportRow) }), ...errors(400, 401, 403) } } }, async (request, reply) => {
    reply.header('content-disposition', 'attachment; filename="members.json"').header('cache-control', 'no-store');
    return { members: await exported(request, false) };
  });
  for (const [path, leads] of [
    ['/admin/export/members.csv', false],
    ['/admin/export/leads.csv', true],
  ] as const)
    app.get(path, { ...PAGE, schema: { querystring: exportQuery } }, async (request, reply) => {
      const rows = await exported(request, leads);
      // Members choose their names: one starting with = + - @ (or a tab) must open as text, not run as a formula.
      const { stringify } = await import('csv-stringify/sync'); // loaded on the first export, not at start
      reply.header('content-disposition', `attachment; filename="${path.split('/').pop()}"`).header('cache-control', 'no-store');
      return reply.type('text/csv; charset=utf-8').send(stringify(rows, { header: true, columns: EXPORT_COLUMNS, escape_formulas: true }));
    });

  app.get('/admin/audit', { ...page, config: { ...PAGE.config, access: 'admin' } }, async (_request, reply) => view(reply, 'audit', 'Audit log', { entries: await champions.auditLog(200) }));
}

/**
 * The community team's pages: the nomination queue, suggested candidates, champions and the audit
 * log. Every page needs a manager's session (the audit log an admin's), checked on the matched
 * route (auth/access.ts); every form needs its CSRF token.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { DomainError } from '../../domain/errors.js';
import { PLATFORMS, SPACES } from '../../domain/kinds.js';
import { insightCharts } from '../insight-charts.js';
import { actorOf, guardScope } from '../auth/access.js';
import { csrfToken } from '../auth/session.js';
import { errors, idOf, MAX_ID, noQuery, PAGE, wholeNumber } from '../openapi.js';
import { exportRow } from '../response-schemas.js';

const idParams = z.strictObject({ id: idOf('an id') });
const note = z.string().trim().max(2000).optional();
const decisionBody = z.object({ _csrf: z.string().optional(), note, citation: z.string().trim().max(500).optional() });
const termBody = z.object({ _csrf: z.string().optional(), note });
const nominationBody = z.object({
  _csrf: z.string().optional(),
  // A name, a username or #number: resolved like every member field on the team's pages.
  member: z.string({ message: 'expected a member’s name' }).trim().min(1, 'expected a member’s name').max(200),
  reason: z.string().max(2000),
  space: z.enum(SPACES).default('support'),
  evidence: z.string().max(2000).optional(),
});

const insightsQuery = z.object({
  from: z.union([z.string().regex(/^\d{4}-\d{2}$/, 'expected a month YYYY-MM'), z.literal('')]).optional(),
  to: z.union([z.string().regex(/^\d{4}-\d{2}$/, 'expected a month YYYY-MM'), z.literal('')]).optional(),
  platform: z.union([z.enum(PLATFORMS), z.literal('')], { message: `expected one of ${PLATFORMS.join(', ')}` }).optional(),
  open: wholeNumber({ min: 1, max: 100_000, message: 'expected a page number' }).prefault(1),
});
const excludeBody = z.object({ _csrf: z.string().optional(), reason: z.string().trim().min(5, 'say why, in a few words').max(2000) });
const excludeByNameBody = excludeBody.extend({ member: z.string().trim().min(1, 'expected a member’s name').max(200) });
const reinstateBody = z.object({ _csrf: z.string().optional(), note });
const memberNumber = wholeNumber({ min: 1, max: MAX_ID, message: 'expected a member id' });
const pageQuery = z.object({ page: wholeNumber({ min: 1, max: 100_000, message: 'expected a page number' }).prefault(1), done: z.string().max(20).optional(), member: memberNumber.optional() }).passthrough();
const PAGE_SIZE = 20;

/** One page of a long list, with what the page needs to say where it is and link on. */
function paged<T>(items: readonly T[], page: number, base: string, param = 'page', anchor = '') {
  const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
  const at = Math.min(page, pages);
  const link = (p: number) => `${base}${base.endsWith('?') ? '' : '&'}${param}=${p}${anchor}`;
  return {
    items: items.slice((at - 1) * PAGE_SIZE, at * PAGE_SIZE),
    total: items.length,
    from: items.length ? (at - 1) * PAGE_SIZE + 1 : 0,
    to: Math.min(at * PAGE_SIZE, items.length),
    page: at,
    pages,
    prev: at > 1 ? link(at - 1) : null,
    next: at < pages ? link(at + 1) : null,
  };
}
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


export async function adminRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const champions = fw.champions;
  const view = (reply: FastifyReply, page: string, title: string, data: object) =>
    reply.view(`pages/admin/${page}.hbs`, { title: `${title} — ${config.community.name}`, community: config.community.name, csrf: csrfToken(reply), adminPath: reply.request.url.split('?')[0], ...data });

  // This plugin's scope holds only /admin routes: every one needs the community team, some an admin.
  guardScope(app, 'manager');
  // Forms carry their CSRF token; a post without it (or with a stale one) changes nothing (checked before the form is read).
  const page = { ...PAGE, schema: { querystring: noQuery } };
  const form = <S extends object>(schema: S) => ({ ...PAGE, preValidation: app.csrfProtection, schema });
  // A form answers with a page (303 to where the manager was); a JSON client with JSON.
  const wantsJson = (request: FastifyRequest) => !(request.headers.accept ?? '').includes('text/html');

  app.get('/admin', page, async (request, reply) => {
    const [queue, roster, review, submissions] = await Promise.all([champions.queue(), champions.champions(), fw.fairPlay.queue(), fw.contributions.pending()]);
    return view(reply, 'overview', 'Community team', {
      session: request.session,
      pending: queue.length,
      fairPlay: review.filter((r) => !r.excluded).length,
      submissions: submissions.length,
      serving: roster.filter((c) => c.status === 'active').length,
      renewals: roster.filter((c) => c.dueForRenewal),
    });
  });

  // What the last form did, said once on the page it lands on (the redirect carries the outcome and the member's number).
  const doneQuery = z.object({ done: z.string().max(20).optional(), member: memberNumber.optional() }).catch({});
  const noticePage = { ...PAGE, schema: { querystring: doneQuery } };
  const NOMINATION_NOTICES: Record<string, (name: string) => string> = {
    nominated: (name) => `${name} is nominated: the nomination is below, waiting for a decision.`,
    endorsed: (name) => `${name} already had a nomination waiting: yours was added to it as an endorsement.`,
    duplicate: (name) => `That nomination of ${name} was already recorded: nothing changed.`,
    approved: (name) => `Approved: ${name}’s nomination is decided.`,
    declined: (name) => `Declined: ${name}’s nomination is closed.`,
  };
  const noticeOf = async (request: FastifyRequest, notices: Record<string, (name: string) => string>) => {
    const { done, member } = doneQuery.parse(request.query);
    const say = done ? notices[done] : undefined;
    if (!say || !member) return undefined;
    const found = await fw.contributions.member(`#${member}`).catch(() => null);
    return found ? say(found.displayName) : undefined;
  };

  app.get('/admin/nominations', noticePage, async (request, reply) =>
    view(reply, 'nominations', 'Nominations', { queue: await champions.queue(), spaces: SPACES, notice: await noticeOf(request, NOMINATION_NOTICES), script: 'admin-contributions.js' }),
  );

  app.post('/admin/nominations', form({ body: nominationBody }), async (request, reply) => {
    const body = request.body;
    const member = await fw.contributions.member(body.member);
    const done = await champions.nominate({
      member: { memberId: member.id },
      by: actorOf(request.session!),
      as: 'nomination',
      reason: body.reason,
      space: body.space,
      evidence: (body.evidence ?? '').split(/\s+/).filter(Boolean),
      origin: `web:${randomUUID()}`,
    });
    if (wantsJson(request)) return done;
    return reply.redirect(`/admin/nominations?done=${done.outcome}&member=${member.id}#nomination-${done.nominationId}`, 303);
  });

  for (const decision of ['approve', 'decline'] as const)
    app.post(`/admin/nominations/:id/${decision}`, form({ params: idParams, body: decisionBody }), async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const news = await champions.decide(id, decision, actorOf(request.session!), { note: body.note, citation: body.citation });
      await fw.news.publish(news);
      const decided = await champions.nomination(id);
      if (wantsJson(request)) return { id, decision: `${decision}d` };
      return reply.redirect(`/admin/nominations?done=${decision}d${decided ? `&member=${decided.memberId}` : ''}`, 303);
    });

  app.get('/admin/candidates', page, async (_request, reply) => view(reply, 'candidates', 'Suggested candidates', { candidates: await champions.candidates(25), spaces: SPACES }));

  const CHAMPION_NOTICES: Record<string, (name: string) => string> = {
    renewed: (name) => `${name}’s term is renewed.`,
    ended: (name) => `${name}’s term has ended: they are now among the past champions.`,
  };
  app.get('/admin/champions', noticePage, async (request, reply) => {
    const all = await champions.champions();
    return view(reply, 'champions', 'Champions', { serving: all.filter((c) => c.status === 'active'), alumni: all.filter((c) => c.status === 'alumni'), notice: await noticeOf(request, CHAMPION_NOTICES) });
  });

  for (const action of ['renew', 'end'] as const)
    app.post(`/admin/champions/:id/${action}`, form({ params: idParams, body: termBody }), async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const news = await champions[action](id, actorOf(request.session!), body.note ?? null);
      await fw.news.publish(news);
      if (wantsJson(request)) return { id, action: action === 'renew' ? 'renewed' : 'ended' };
      const term = (await champions.champions()).find((c) => c.id === id);
      return reply.redirect(`/admin/champions?done=${action === 'renew' ? 'renewed' : 'ended'}${term ? `&member=${term.memberId}` : ''}`, 303);
    });

  // Fair play: the members the rules cannot decide, and exclusion from boards and badges.
  const FAIR_PLAY_NOTICES: Record<string, (name: string) => string> = {
    excluded: (name) => `${name} is excluded from the boards and from new badges. Their history is kept; reinstate them below at any time.`,
    reinstated: (name) => `${name} is reinstated: back on the boards, with any badge they qualified for meanwhile.`,
  };
  app.get('/admin/fair-play', { ...PAGE, schema: { querystring: pageQuery } }, async (request, reply) => {
    const { page } = request.query;
    const [queue, exclusions] = await Promise.all([fw.fairPlay.queue(), fw.fairPlay.exclusions()]);
    return view(reply, 'fair-play', 'Fair play', {
      // The excluded are listed under their own heading, not again as waiting for review.
      queue: paged(queue.filter((r) => !r.excluded), page, '/admin/fair-play?'),
      exclusions,
      rules: { reviewFromPaid: config.rules.fairPlay.reviewFromPaid, reviewFromPoints: config.rules.fairPlay.reviewFromPoints },
      notice: await noticeOf(request, FAIR_PLAY_NOTICES),
      script: 'admin-contributions.js',
    });
  });

  // A member outside the queue, by name (the form under the queue); the queue's cards post to the member's own address.
  app.post('/admin/fair-play/exclude', form({ body: excludeByNameBody }), async (request, reply) => {
    const body = request.body;
    const member = await fw.contributions.member(body.member);
    return excluded(request, reply, member.id, body.reason);
  });
  app.post('/admin/fair-play/:id/exclude', form({ params: idParams, body: excludeBody }), async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    return excluded(request, reply, id, body.reason);
  });
  const excluded = async (request: FastifyRequest, reply: FastifyReply, memberId: number, reason: string) => {
    await fw.fairPlay.exclude(memberId, actorOf(request.session!), reason);
    if (wantsJson(request)) return { member: memberId, excluded: true };
    return reply.redirect(`/admin/fair-play?done=excluded&member=${memberId}`, 303);
  };

  app.post('/admin/fair-play/:id/reinstate', form({ params: idParams, body: reinstateBody }), async (request, reply) => {
    const { id } = request.params;
    const body = request.body;
    await fw.fairPlay.reinstate(id, actorOf(request.session!), body.note || null);
    if (wantsJson(request)) return { member: id, excluded: false };
    return reply.redirect(`/admin/fair-play?done=reinstated&member=${id}`, 303);
  });

  app.get('/admin/insights', { ...PAGE, schema: { querystring: insightsQuery } }, async (request, reply) => {
    const q = request.query;
    const data = await fw.insights.report({ platform: q.platform || null, from: q.from || undefined, to: q.to || undefined });
    // Open questions can run to the hundreds: a page of them at a time, keeping the range in the links.
    const range = new URLSearchParams(Object.entries({ from: q.from ?? '', to: q.to ?? '', platform: q.platform ?? '' }).filter(([, v]) => v));
    const open = paged(data.responsiveness.unanswered, q.open, `/admin/insights?${range.toString()}`, 'open', '#open');
    return view(reply, 'insights', 'Insights', { data, open, charts: insightCharts(data), platforms: PLATFORMS.map((p) => ({ value: p, selected: p === data.range.platform })) });
  });

  // Exports for a CRM: hidden members and members who did not agree are left out unless an admin asks for everyone.
  const exported = async (request: FastifyRequest, leads: boolean) => {
    const { include } = exportQuery.parse(request.query); // validated by the route's schema already
    if (include === 'everyone' && request.session!.role !== 'admin') throw new DomainError('forbidden', 'only admins export everyone');
    return fw.insights.exportMembers({ everyone: include === 'everyone', leads });
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

  app.get('/admin/audit', { config: { access: 'admin', json: false }, schema: { querystring: noQuery } }, async (_request, reply) => view(reply, 'audit', 'Audit log', { entries: await champions.auditLog(200) }));
}

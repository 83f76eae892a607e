/**
 * The community team records what happens outside chat: a form per kind with its evidence, an
 * attendee list (previewed, then recorded all at once), manual awards, members' submissions to
 * approve, and the API tokens automations use. Members are found by name, never by a number.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { KIND_FORMS, RECORDABLE_KINDS } from '../../domain/contributions.js';
import { SPACES } from '../../domain/kinds.js';
import { AWARD_LIMIT } from '../../domain/manual-award.js';
import { actorOf, guardScope } from '../auth/access.js';
import { csrfToken } from '../auth/session.js';
import { errors, idOf, noQuery, PAGE, wholeNumber } from '../openapi.js';
import { memberMatch } from '../response-schemas.js';

const field = (max: number) => z.string().max(max).optional();
const csrf = { _csrf: z.string().optional() };
const recordBody = z.object({
  ...csrf,
  kind: z.enum(RECORDABLE_KINDS, { message: `expected one of ${RECORDABLE_KINDS.join(', ')}` }),
  member: z.string().trim().min(1, 'expected a member’s name').max(200),
  referred: field(200),
  url: field(2000),
  event: field(200),
  title: field(300),
  date: z.string().max(10),
});
const awardBody = z.object({
  ...csrf,
  member: z.string().trim().min(1, 'expected a member’s name').max(200),
  points: wholeNumber({ min: -AWARD_LIMIT, max: AWARD_LIMIT, message: `expected a whole number between -${AWARD_LIMIT} and ${AWARD_LIMIT}` }),
  reason: z.string().max(1000),
  space: z.union([z.enum(SPACES), z.literal('')]).optional(),
  origin: z.string().uuid('expected the form’s own id').optional(),
});
// Loose: the preview names unmatched rows in fields `pick_<line>` (or `picks` in JSON), read by picksOf.
const attendeesBody = z.looseObject({
  ...csrf,
  kind: z.enum(['event_attended', 'event_spoke'], { message: 'expected event_attended or event_spoke' }).default('event_attended'),
  event: z.string().max(200),
  date: z.string().max(10),
  csv: z.string().max(2_000_000),
});
const idParams = z.strictObject({ id: idOf('an id') });
const decisionBody = z.object({ ...csrf, note: field(2000) });
const tokenBody = z.object({ ...csrf, name: z.string().max(100) });

/** The members a manager named for unmatched rows: fields `pick_<line>` (JSON: `picks: { "<line>": "name" }`). */
function picksOf(body: unknown): Map<number, string> {
  const out = new Map<number, string>();
  if (typeof body !== 'object' || body === null) return out;
  const fields = Object.entries(body as Record<string, unknown>);
  const json = (body as { picks?: unknown }).picks;
  const all = typeof json === 'object' && json !== null ? [...fields, ...Object.entries(json).map(([k, v]) => [`pick_${k}`, v] as const)] : fields;
  for (const [name, value] of all) {
    const line = /^pick_(\d{1,6})$/.exec(name)?.[1];
    if (line && typeof value === 'string' && value.trim() && value.length <= 200) out.set(Number(line), value.trim());
  }
  return out;
}

const KINDS = RECORDABLE_KINDS.map((kind) => ({ kind, ...KIND_FORMS[kind] }));

export async function adminContributionRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  guardScope(app, 'manager');
  // Forms answer a page (or JSON to a JSON client); the CSRF token is checked before the form is read.
  const form = <S extends object>(schema: S) => ({ ...PAGE, preValidation: app.csrfProtection, schema });
  const pageRoute = { ...PAGE, schema: { querystring: noQuery } };
  const c = fw.contributions;
  const view = (reply: FastifyReply, page: string, title: string, data: object) =>
    reply.view(`pages/admin/${page}.hbs`, { title: `${title} — ${config.community.name}`, community: config.community.name, csrf: csrfToken(reply), adminPath: reply.request.url.split('?')[0], ...data });
  const wantsJson = (request: FastifyRequest) => !(request.headers.accept ?? '').includes('text/html');
  const page = (reply: FastifyReply, data: object = {}) =>
    view(reply, 'contributions', 'Contributions', { kinds: KINDS, spaces: SPACES, limit: AWARD_LIMIT, origin: randomUUID(), script: 'admin-contributions.js', ...data });

  app.get('/admin/contributions', pageRoute, async (_request, reply) => page(reply));

  // A name that fits several members answers with them all, so the manager can pick one by its number.
  app.get('/admin/contributions/members', { schema: { querystring: z.object({ q: z.string().max(200).default('') }), response: { 200: z.object({ members: z.array(memberMatch) }), ...errors(400, 401, 403) } } }, async (request) => {
    const { q } = request.query;
    return { members: await c.findMembers(q) };
  });

  app.post('/admin/contributions', form({ body: recordBody }), async (request, reply) => {
    const b = request.body;
    const done = await c.record(
      { kind: b.kind, member: { name: b.member }, referred: b.referred ? { name: b.referred } : undefined, evidence: { day: b.date, url: b.url, event: b.event, title: b.title } },
      actorOf(request.session!),
    );
    if (wantsJson(request)) return done;
    return page(reply, { notice: done.status === 'recorded' ? `Recorded ${KIND_FORMS[b.kind].label.toLowerCase()} for ${done.member.name} (+${done.points} points).` : `Already recorded for ${done.member.name}: nothing changed.` });
  });

  app.post('/admin/contributions/award', form({ body: awardBody }), async (request, reply) => {
    const b = request.body;
    const done = await c.award({
      member: { name: b.member },
      by: actorOf(request.session!),
      points: b.points,
      reason: b.reason,
      space: b.space || undefined,
      origin: `award:${b.origin ?? randomUUID()}`,
    });
    if (wantsJson(request)) return done;
    return page(reply, { notice: done.status === 'recorded' ? `Awarded ${done.points > 0 ? '+' : ''}${done.points} points (${done.space}) to ${done.member.name}: “${done.reason}”.` : 'That award was already recorded: nothing changed.' });
  });

  // An attendee list can be long: this route alone takes up to 2 MB.
  const upload = { ...form({ body: attendeesBody }), bodyLimit: 2 * 1024 * 1024 };
  app.post('/admin/contributions/attendees/preview', upload, async (request, reply) => {
    const b = request.body;
    const preview = await c.previewAttendees({ kind: b.kind, event: b.event, day: b.date, csv: b.csv, picks: picksOf(request.body) });
    if (wantsJson(request)) return preview;
    return view(reply, 'attendees', 'Attendee list', { preview, form: b, label: KIND_FORMS[b.kind].label, script: 'admin-contributions.js' });
  });

  app.post('/admin/contributions/attendees', upload, async (request, reply) => {
    const b = request.body;
    const { preview, recorded } = await c.importAttendees({ kind: b.kind, event: b.event, day: b.date, csv: b.csv, picks: picksOf(request.body) }, actorOf(request.session!));
    const fresh = recorded.filter((r) => r.status === 'recorded').length;
    const result = { recorded: fresh, alreadyRecorded: recorded.length - fresh, unmatched: preview.rows.filter((r) => !r.member).map((r) => ({ line: r.row.line, name: r.row.name, why: r.how })) };
    if (wantsJson(request)) return result;
    return view(reply, 'attendees', 'Attendee list', { preview, form: b, label: KIND_FORMS[b.kind].label, result });
  });

  app.get('/admin/submissions', pageRoute, async (_request, reply) => view(reply, 'submissions', 'Submissions', { queue: await c.pending() }));

  for (const decision of ['approve', 'decline'] as const)
    app.post(`/admin/submissions/:id/${decision}`, form({ params: idParams, body: decisionBody }), async (request, reply) => {
      const { id } = request.params;
      const { note } = request.body;
      const done = await c.decide(id, decision, actorOf(request.session!), note ?? null);
      if (wantsJson(request)) return done;
      return reply.redirect('/admin/submissions', 303);
    });

  app.get('/admin/tokens', pageRoute, async (_request, reply) => view(reply, 'tokens', 'API tokens', { tokens: await c.tokens() }));

  app.post('/admin/tokens', form({ body: tokenBody }), async (request, reply) => {
    const { name } = request.body;
    const created = await c.createToken(name, actorOf(request.session!));
    reply.header('cache-control', 'no-store');
    if (wantsJson(request)) return created;
    // Shown this once: only its hash is kept.
    return view(reply, 'tokens', 'API tokens', { tokens: await c.tokens(), created: { ...created, name } });
  });

  app.post('/admin/tokens/:id/revoke', form({ params: idParams, body: z.object({ ...csrf }).optional() }), async (request, reply) => {
    const { id } = request.params;
    await c.revokeToken(id, actorOf(request.session!));
    if (wantsJson(request)) return { revoked: id };
    return reply.redirect('/admin/tokens', 303);
  });
}

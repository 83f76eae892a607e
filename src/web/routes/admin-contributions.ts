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
import { KIND_FORMS, RECORDABLE_KINDS } from '../../domain/contributions.js';
import { SPACES } from '../../domain/kinds.js';
import { AWARD_LIMIT } from '../../domain/manual-award.js';
import { actorOf, guardScope } from '../auth/access.js';
import { csrfToken } from '../auth/session.js';
import { errors, idOf, noQuery, PAGE } from '../openapi.js';
import { attendeePreview, memberMatch, recorded, submission } from '../response-schemas.js';

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
  points: z.coerce.number({ message: 'expected a whole number' }).int('expected a whole number'),
  reason: z.string().max(1000),
  space: z.union([z.enum(SPACES), z.literal('')]).optional(),
  origin: z.string().uuid('expected the form’s own id').optional(),
});
const attendeesBody = z.object({
  ...csrf,
  kind: z.enum(['event_attended', 'event_spoke'], { message: 'expected event_attended or event_spoke' }).default('event_attended'),
  event: z.string().max(200),
  date: z.string().max(10),
  csv: z.string().max(2_000_000),
});
const idParams = z.strictObject({ id: idOf('an id') });
const decisionBody = z.object({ ...csrf, note: field(2000) });
const tokenBody = z.object({ ...csrf, name: z.string().max(100) });

const KINDS = RECORDABLE_KINDS.map((kind) => ({ kind, ...KIND_FORMS[kind] }));

// What a form answers when JSON was asked for (Accept without text/html); a person gets the page.
const awarded = recorded.extend({ reason: z.string(), space: z.enum(SPACES) });
const imported = z.object({ recorded: z.number().int(), alreadyRecorded: z.number().int(), unmatched: z.array(z.object({ line: z.number().int(), name: z.string().nullable(), why: z.string() })) });
const decided = z.object({ submission, recorded: recorded.nullable() });
const refusals = errors(400, 401, 403, 404, 409, 413, 415);

export async function adminContributionRoutes(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  guardScope(scope, 'manager');
  // The CSRF token is checked before the form is read.
  const form = <S extends object>(schema: S) => ({ preValidation: app.csrfProtection, schema });
  const c = fw.contributions;
  const view = (reply: FastifyReply, page: string, title: string, data: object) =>
    reply.view(`pages/admin/${page}.hbs`, { title: `${title} — ${fw.config.community.name}`, community: fw.config.community.name, csrf: csrfToken(reply), ...data });
  const wantsJson = (request: FastifyRequest) => !(request.headers.accept ?? '').includes('text/html');
  const page = (reply: FastifyReply, data: object = {}) =>
    view(reply, 'contributions', 'Contributions', { kinds: KINDS, spaces: SPACES, limit: AWARD_LIMIT, origin: randomUUID(), script: 'admin-contributions.js', ...data });

  app.get('/admin/contributions', { ...PAGE, schema: { querystring: noQuery } }, async (_request, reply) => page(reply));

  // A name that fits several members answers with them all, so the manager can pick one by its number.
  app.get('/admin/contributions/members', { schema: { querystring: z.object({ q: z.string().max(200).default('') }), response: { 200: z.object({ members: z.array(memberMatch) }), ...errors(400, 401, 403) } } }, async (request) => {
    const { q } = request.query;
    return { members: await c.findMembers(q) };
  });

  app.post('/admin/contributions', form({ body: recordBody, response: { 200: recorded, ...refusals } }), async (request, reply) => {
    const b = request.body;
    const done = await c.record(
      { kind: b.kind, member: { name: b.member }, referred: b.referred ? { name: b.referred } : undefined, evidence: { day: b.date, url: b.url, event: b.event, title: b.title } },
      actorOf(request.session!),
    );
    if (wantsJson(request)) return done;
    return page(reply, { notice: done.status === 'recorded' ? `Recorded ${KIND_FORMS[b.kind].label.toLowerCase()} for ${done.member.name} (+${done.points} points).` : `Already recorded for ${done.member.name}: nothing changed.` });
  });

  app.post('/admin/contributions/award', form({ body: awardBody, response: { 200: awarded, ...refusals } }), async (request, reply) => {
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
  const upload = { bodyLimit: 2 * 1024 * 1024 };
  app.post('/admin/contributions/attendees/preview', { ...upload, ...form({ body: attendeesBody, response: { 200: attendeePreview, ...refusals } }) }, async (request, reply) => {
    const b = request.body;
    const preview = await c.previewAttendees({ kind: b.kind, event: b.event, day: b.date, csv: b.csv });
    if (wantsJson(request)) return preview;
    return view(reply, 'attendees', 'Attendee list', { preview, form: b, label: KIND_FORMS[b.kind].label });
  });

  app.post('/admin/contributions/attendees', { ...upload, ...form({ body: attendeesBody, response: { 200: imported, ...refusals } }) }, async (request, reply) => {
    const b = request.body;
    const { preview, recorded } = await c.importAttendees({ kind: b.kind, event: b.event, day: b.date, csv: b.csv }, actorOf(request.session!));
    const fresh = recorded.filter((r) => r.status === 'recorded').length;
    const result = { recorded: fresh, alreadyRecorded: recorded.length - fresh, unmatched: preview.rows.filter((r) => !r.member).map((r) => ({ line: r.row.line, name: r.row.name, why: r.how })) };
    if (wantsJson(request)) return result;
    return view(reply, 'attendees', 'Attendee list', { preview, form: b, label: KIND_FORMS[b.kind].label, result });
  });

  app.get('/admin/submissions', { ...PAGE, schema: { querystring: noQuery } }, async (_request, reply) => view(reply, 'submissions', 'Submissions', { queue: await c.pending() }));

  for (const decision of ['approve', 'decline'] as const)
    app.post(`/admin/submissions/:id/${decision}`, form({ params: idParams, body: decisionBody, response: { 200: decided, ...refusals } }), async (request, reply) => {
      const { id } = request.params;
      const { note } = request.body;
      const done = await c.decide(id, decision, actorOf(request.session!), note ?? null);
      if (wantsJson(request)) return done;
      return reply.redirect('/admin/submissions', 303);
    });

  app.get('/admin/tokens', { ...PAGE, schema: { querystring: noQuery } }, async (_request, reply) => view(reply, 'tokens', 'API tokens', { tokens: await c.tokens() }));

  app.post('/admin/tokens', form({ body: tokenBody, response: { 200: z.object({ id: z.number().int(), token: z.string().describe('Shown this once: only its hash is kept') }), ...refusals } }), async (request, reply) => {
    const { name } = request.body;
    const created = await c.createToken(name, actorOf(request.session!));
    reply.header('cache-control', 'no-store');
    if (wantsJson(request)) return created;
    // Shown this once: only its hash is kept.
    return view(reply, 'tokens', 'API tokens', { tokens: await c.tokens(), created: { ...created, name } });
  });

  app.post('/admin/tokens/:id/revoke', form({ params: idParams, body: z.object({ ...csrf }).optional(), response: { 200: z.object({ revoked: z.number().int() }), ...refusals } }), async (request, reply) => {
    const { id } = request.params;
    await c.revokeToken(id, actorOf(request.session!));
    if (wantsJson(request)) return { revoked: id };
    return reply.redirect('/admin/tokens', 303);
  });
}

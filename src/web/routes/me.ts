/** A signed-in member's own page: their numbers even when hidden, the privacy switch, and peer suggestions when allowed. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { AmbiguousMember, DomainError } from '../../domain/errors.js';
import { SPACES, type Space } from '../../domain/kinds.js';
import { csrfToken, endSession } from '../auth/session.js';
import { SUBMIT_KINDS } from './me-contributions.js';
import { errors, MAX_ID, noQuery, PAGE } from '../openapi.js';
import { wholeDocument } from '../response-schemas.js';

const privacyBody = z.object({ _csrf: z.string().optional(), visibility: z.enum(['show', 'hide'], { message: 'expected show or hide' }) });
const sharingBody = z.object({ _csrf: z.string().optional(), share: z.enum(['yes', 'no'], { message: 'expected yes or no' }) });
const meQuery = z.object({ submitted: z.string().max(10).optional(), suggested: z.string().max(10).optional() });
const deleteBody = z.object({ _csrf: z.string().optional(), confirm: z.string().max(20).optional() });
// A member names a peer as they know them; `#12` (or a bare 12: links and older clients) is the
// pick from a page of namesakes.
const suggestionBody = z.object({
  _csrf: z.string().optional(),
  member: z.string().trim().min(1, 'expected their name (display name or username)').max(200, 'expected their name (display name or username), at most 200 characters'),
  reason: z.string().max(2000),
  space: z.enum(SPACES).default('support'),
});
/** What the member typed into the suggestion form, shown again with why it did not work. */
interface SuggestionForm {
  member: string;
  reason: string;
  space: Space;
  problem: string;
}
// A name search per request: a member looks people up by hand, a script should not.
const SUGGESTION_LIMIT = { max: 20, timeWindow: '1 minute' };

const wantsHtml = (request: FastifyRequest): boolean => (request.headers.accept ?? '').includes('text/html');

export async function meRoutes(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // Before validation: a visitor who is not signed in learns nothing from how a request is refused.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.session) {
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      throw new DomainError('unauthorized', 'sign in first');
    }
    // Discord or the forum: either account leads here. The admin password is no member.
    if (request.session.memberId === null || !request.session.identity) throw new DomainError('forbidden', 'sign in with your Discord or forum account to see your own page');
  });
  // The CSRF token is checked before the form is read.
  const form = <S extends object>(body: S) => ({ ...PAGE, preValidation: app.csrfProtection, schema: { body } });

  /** The member's own page; after a suggestion that did not work, with the form as they filled it. */
  async function mePage(request: FastifyRequest, reply: FastifyReply, shown: { submitted?: boolean; suggested?: boolean; suggestion?: SuggestionForm } = {}) {
    const { platform, externalId } = request.session!.identity!;
    const standing = await fw.members.standing(platform, externalId);
    const consent = await fw.members.shareConsent(request.session!.memberId!);
    const submissions = await fw.contributions.submissionsOf(request.session!.memberId!);
    return reply.view('pages/me.hbs', {
      submissions,
      submitKinds: SUBMIT_KINDS,
      submitted: shown.submitted ?? false,
      suggested: shown.suggested ?? false,
      suggestion: shown.suggestion ?? null,
      origin: randomUUID(),
      consent,
      title: `You — ${config.community.name}`,
      community: config.community.name,
      session: request.session,
      standing,
      suggestions: config.champions.memberSuggestions,
      spaces: SPACES,
      csrf: csrfToken(reply),
    });
  }

  app.get('/me', { ...PAGE, schema: { querystring: meQuery } }, async (request, reply) =>
    mePage(request, reply, { submitted: request.query.submitted === '1', suggested: request.query.suggested === '1' }),
  );

  app.post('/me/privacy', form(privacyBody), async (request, reply) => {
    const { visibility } = request.body;
    const s = request.session!;
    await fw.members.setHidden({ ...s.identity!, displayName: s.name }, visibility === 'hide');
    return reply.redirect('/me', 303);
  });

  app.post('/me/sharing', form(sharingBody), async (request, reply) => {
    const { share } = request.body;
    await fw.members.setShareConsent(request.session!.memberId!, share === 'yes');
    return reply.redirect('/me', 303);
  });

  // Everything stored about the member, whole: nothing of it is trimmed by a schema.
  app.get('/me/export', { schema: { querystring: noQuery, response: { 200: wholeDocument, ...errors(401, 403) } } }, async (request, reply) => {
    const data = await fw.members.export(request.session!.memberId!);
    reply.header('content-disposition', 'attachment; filename="flywheel-my-data.json"');
    reply.header('cache-control', 'no-store');
    return data;
  });

  app.post('/me/delete', form(deleteBody), async (request, reply) => {
    const { confirm } = request.body;
    if (confirm !== 'DELETE') throw new DomainError('invalid_parameter', 'confirm: type DELETE to delete your data');
    const { memberId } = request.session!;
    // Every session of every account of the member ends, on every device, and takes its name with
    // it: found through the member's identities, so before they are deleted.
    await fw.sessions.endAllOf(memberId!);
    await fw.members.delete(memberId!);
    await endSession(request, reply, fw);
    return reply.redirect('/?deleted=1', 303);
  });

  app.post('/me/suggestions', { ...form(suggestionBody), config: { ...PAGE.config, rateLimit: SUGGESTION_LIMIT } }, async (request, reply) => {
    if (!config.champions.memberSuggestions) throw new DomainError('forbidden', 'this community does not take suggestions from members');
    const body = request.body;
    try {
      // The managers' name search, limited to members shown publicly: a hidden member reads as
      // a name nobody has. Several namesakes answer the page to pick one from (AmbiguousMember).
      // A bare number is a member id, as links and older clients send it: nominate answers a
      // hidden member exactly as an id nobody has.
      const id = /^[1-9]\d{0,9}$/.test(body.member) ? Number(body.member) : null;
      const memberId = id !== null && id <= MAX_ID ? id : (await fw.contributions.member(body.member, 'member', 'visible')).id;
      await fw.champions.nominate({
        member: { memberId },
        by: { memberId: request.session!.memberId, label: `${request.session!.identity!.platform}:${request.session!.identity!.externalId}` },
        as: 'suggestion',
        reason: body.reason,
        space: body.space,
        evidence: [],
        origin: `web:${randomUUID()}`,
      });
    } catch (error) {
      // A person gets the form back as they filled it, saying what to change; JSON clients get { error, code }.
      if (!(error instanceof DomainError) || error instanceof AmbiguousMember || error.code === 'forbidden' || !wantsHtml(request)) throw error;
      reply.code(error.status);
      const problem = error.code === 'not_found' ? `No member is called “${body.member}”. Check the spelling, or try their username on Discord or the forum.` : error.message.replace(/^member: /, '');
      return mePage(request, reply, { suggestion: { member: body.member, reason: body.reason, space: body.space, problem } });
    }
    return reply.redirect('/me?suggested=1#suggest', 303);
  });
}

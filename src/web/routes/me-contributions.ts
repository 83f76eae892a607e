/** A member submits their own contribution (a talk, a post, a review) for the community team's approval. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { KIND_FORMS, SUBMITTABLE_KINDS } from '../../domain/contributions.js';
import { DomainError } from '../../domain/errors.js';
import { errors } from '../openapi.js';

const submissionBody = z.object({
  _csrf: z.string().optional(),
  kind: z.enum(SUBMITTABLE_KINDS, { message: `expected one of ${SUBMITTABLE_KINDS.join(', ')}` }),
  url: z.string().max(2000).optional(),
  event: z.string().max(200).optional(),
  title: z.string().max(300).optional(),
  date: z.string().max(10),
  note: z.string().max(2000).optional(),
  // The form's own id: sending it twice (a double click, a reload) submits once.
  origin: z.string().uuid('expected the form’s own id').optional(),
});

/** What the /me page offers to submit. */
export const SUBMIT_KINDS = SUBMITTABLE_KINDS.map((kind) => ({ kind, ...KIND_FORMS[kind] }));

const submitted = z.object({ submitted: z.boolean().describe('false when this form was already submitted'), id: z.number().int().nullable() });

export async function meContributionRoutes(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', async (request) => {
    if (!request.session) throw new DomainError('unauthorized', 'sign in first');
    if (request.session.memberId === null) throw new DomainError('forbidden', 'sign in as a member to submit a contribution');
  });

  // JSON when asked for it (Accept without text/html); a person is sent back to /me.
  const schema = { body: submissionBody, response: { 200: submitted, ...errors(400, 401, 403, 413, 415) } };
  app.post('/me/contributions', { preValidation: app.csrfProtection, schema }, async (request, reply) => {
    const b = request.body;
    const { id } = await fw.contributions.submit({
      memberId: request.session!.memberId!,
      kind: b.kind,
      evidence: { day: b.date, url: b.url || undefined, event: b.event || undefined, title: b.title || undefined },
      note: b.note,
      origin: `web:${b.origin ?? randomUUID()}`,
    });
    if (!(request.headers.accept ?? '').includes('text/html')) return { submitted: id !== null, id };
    return reply.redirect('/me?submitted=1#contributions', 303);
  });
}

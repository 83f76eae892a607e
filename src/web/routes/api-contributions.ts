/**
 * POST /api/v1/contributions — automations (an event tool's webhook, a spreadsheet script) record
 * contributions with an API token a manager created. A batch is all or nothing; a retried call
 * records nothing twice (the natural key comes from the evidence).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../app/champions.js';
import type { MemberRef, RecordInput } from '../../app/contributions.js';
import type { Flywheel } from '../../app/flywheel.js';
import { RECORDABLE_KINDS } from '../../domain/contributions.js';
import { apiRoute, errors, MAX_ID } from '../openapi.js';
import { recorded } from '../response-schemas.js';

const member = z
  .strictObject({
    id: z.number().int().positive().max(MAX_ID).optional(),
    discordId: z.string().regex(/^\d{15,21}$/, 'expected a Discord user id').optional(),
    discordUsername: z.string().min(1).max(200).optional(),
    forumUsername: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .refine((m) => Object.values(m).filter((v) => v !== undefined).length === 1, { message: 'expected exactly one of id, discordId, discordUsername, forumUsername, name' });

const contribution = z.strictObject({
  kind: z.enum(RECORDABLE_KINDS, { message: `expected one of ${RECORDABLE_KINDS.join(', ')}` }),
  member,
  referred: member.optional(),
  date: z.string().max(10),
  url: z.string().max(2000).optional(),
  event: z.string().max(200).optional(),
  title: z.string().max(300).optional(),
});
const batch = z.strictObject({ contributions: z.array(contribution).min(1).max(5000) });
// A refusal names the field of the shape the body was meant as (errors.ts picks the union's branch).
const body = z.union([contribution, batch]);
const headers = z.object({ authorization: z.string().optional().describe('Bearer <token>, a token created under /admin/tokens') });

const refOf = (m: z.infer<typeof member>): MemberRef =>
  m.id !== undefined
    ? { memberId: m.id }
    : m.name !== undefined
      ? { name: m.name }
      : { account: m.discordId ? { discordId: m.discordId } : m.forumUsername ? { forumUsername: m.forumUsername } : { discordUsername: m.discordUsername! } };

const inputOf = (c: z.infer<typeof contribution>): RecordInput => ({
  kind: c.kind,
  member: refOf(c.member),
  referred: c.referred ? refOf(c.referred) : undefined,
  evidence: { day: c.date, url: c.url, event: c.event, title: c.title },
});

const bearer = (header: string | undefined): string | undefined => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

export async function contributionsApi(scope: FastifyInstance, fw: Flywheel): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  // The token is checked before the body: a caller without one learns nothing about what it sent.
  const actors = new WeakMap<FastifyRequest, Actor>();
  const answer = z.union([recorded, z.object({ contributions: z.array(recorded) })]);
  app.post(
    '/api/v1/contributions',
    {
      ...apiRoute(
        'Record contributions (needs an API token)',
        { headers, body, response: { 200: answer.describe('Nothing new: every contribution was already recorded'), 201: answer.describe('Recorded'), ...errors(401, 403, 404, 413, 415) } },
        'One contribution, or { contributions: [...] } recorded all at once. Authorization: Bearer <token> (created under /admin/tokens). 401 without a known token, 403 for a revoked one, 404 when a member is not found.',
      ),
      preValidation: async (request) => {
        actors.set(request, await fw.contributions.authenticate(bearer(request.headers.authorization)));
      },
    },
    async (request, reply) => {
      const parsed = request.body;
      const inputs = 'contributions' in parsed ? parsed.contributions.map(inputOf) : [inputOf(parsed)];
      const done = await fw.contributions.recordMany(inputs, actors.get(request)!);
      reply.code(done.some((r) => r.status === 'recorded') ? 201 : 200);
      return 'contributions' in parsed ? { contributions: done } : done[0]!;
    },
  );
}

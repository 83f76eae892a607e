/**
 * POST /api/v1/contributions — automations (an event tool's webhook, a spreadsheet script) record
 * contributions with an API token a manager created. A batch is all or nothing; a retried call
 * records nothing twice (the natural key comes from the evidence).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MemberRef, RecordInput } from '../../app/contributions.js';
import type { Flywheel } from '../../app/flywheel.js';
import { RECORDABLE_KINDS } from '../../domain/contributions.js';
import { apiDocs } from '../openapi.js';
import { parseQuery } from '../query.js';

const member = z
  .strictObject({
    id: z.number().int().positive().max(2 ** 31 - 1).optional(),
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
const body = z.union([contribution, batch]);
/** Which of the two shapes a body means, so a refusal names the field it is about (a union's own error names none). */
const shapeOf = (value: unknown) => (typeof value === 'object' && value !== null && 'contributions' in value ? batch : contribution);

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

export async function contributionsApi(app: FastifyInstance, fw: Flywheel): Promise<void> {
  const docs = apiDocs('Record contributions (needs an API token)', {
    description: 'One contribution, or { contributions: [...] } recorded all at once. Authorization: Bearer <token> (created under /admin/tokens). 401 without a known token, 403 for a revoked one.',
  });
  app.post('/api/v1/contributions', { ...docs, schema: { ...docs.schema, body: z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) } }, async (request, reply) => {
    const actor = await fw.contributions.authenticate(bearer(request.headers.authorization));
    const parsed: z.infer<typeof body> = parseQuery(shapeOf(request.body), request.body);
    const inputs = 'contributions' in parsed ? parsed.contributions.map(inputOf) : [inputOf(parsed)];
    const recorded = await fw.contributions.recordMany(inputs, actor);
    reply.code(recorded.some((r) => r.status === 'recorded') ? 201 : 200);
    return 'contributions' in parsed ? { contributions: recorded } : recorded[0];
  });
}

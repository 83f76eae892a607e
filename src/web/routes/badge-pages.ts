/**
 * Badges on the site: the catalog, one badge (with its image at the same address plus .svg/.png),
 * and the public page of one award — what members share — with Open Graph tags and an "Add to
 * LinkedIn" link.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import type { WebConfig } from '../../config.js';
import { urls } from '../../app/credentials.js';
import { DomainError } from '../../domain/errors.js';
import { badgePng, badgeSvg } from '../badge-image.js';
import { idOf, noQuery } from '../openapi.js';
import { cacheable } from '../caching.js';
import { PUBLIC_PAGE } from '../page-cache.js';

const badgeParams = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9-]+(\.(svg|png))?$/, 'expected a badge id, or <badge id>.svg / .png for its image')
    .max(64)
    .transform((v) => ({ id: v.replace(/\.(svg|png)$/, ''), image: (v.match(/\.(svg|png)$/)?.[1] ?? null) as 'svg' | 'png' | null })),
});
const TIER_ORDER = ['gold', 'silver', 'bronze'] as const;
export const awardParams = z.strictObject({ id: idOf('an award id') });

export async function badgePages(scope: FastifyInstance, fw: Flywheel, config: WebConfig): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get('/badges', { ...PUBLIC_PAGE, schema: { querystring: noQuery } }, async (request, reply) => {
    const badges = await fw.badges.withHolders();
    cacheable(request, reply);
    return reply.view('pages/badges.hbs', {
      title: `Badges — ${config.community.name}`,
      community: config.community.name,
      tiers: TIER_ORDER.map((tier) => ({ tier, badges: badges.filter((b) => b.tier === tier) })).filter((t) => t.badges.length > 0),
    });
  });

  app.get('/badges/:id', { ...PUBLIC_PAGE, schema: { params: badgeParams, querystring: noQuery } }, async (request, reply) => {
    const { id, image } = request.params.id;
    const badge = fw.badges.catalog().find((b) => b.id === id);
    if (!badge) throw new DomainError('not_found', 'badge not found');
    if (image) {
      reply.header('cache-control', 'public, max-age=86400');
      return image === 'svg' ? reply.type('image/svg+xml').send(badgeSvg(badge)) : reply.type('image/png').send(badgePng(badge));
    }
    cacheable(request, reply);
    return reply.view('pages/badge.hbs', { title: `${badge.name} — ${config.community.name}`, community: config.community.name, badge: await fw.badges.detail(id) });
  });

  app.get('/badges/awards/:id', { ...PUBLIC_PAGE, schema: { params: awardParams, querystring: noQuery } }, async (request, reply) => {
    const { id } = request.params;
    const award = await fw.badges.award(id);
    const u = urls(config);
    const issued = new Date(award.awardedAt);
    const linkedIn = new URL('https://www.linkedin.com/profile/add');
    for (const [k, v] of Object.entries({
      startTask: 'CERTIFICATION_NAME',
      name: award.badge.name,
      organizationName: config.community.name,
      issueYear: String(issued.getUTCFullYear()),
      issueMonth: String(issued.getUTCMonth() + 1),
      certUrl: u.award(award.id),
      certId: String(award.id),
    }))
      linkedIn.searchParams.set(k, v);
    const title = `${award.memberName} earned ${award.badge.name}`;
    return reply.view('pages/award.hbs', {
      title: `${title} — ${config.community.name}`,
      community: config.community.name,
      og: { title, description: award.badge.description, image: u.png(award.badge.id), url: u.award(award.id), siteName: config.community.name },
      award,
      tier: award.badge.tier,
      issued: issued.toISOString().slice(0, 10),
      revoked: award.revokedAt === null ? null : new Date(award.revokedAt).toISOString().slice(0, 10),
      memberUrl: `/members/${award.memberId}`,
      image: `/badges/${award.badge.id}.svg`,
      linkedIn: linkedIn.toString(),
      // Open Badges 2.0 is published only with an issuer email (community.email).
      assertion: config.community.email ? u.ob2Assertion(award.id) : null,
      credential: `${u.ob3Credential(award.id)}.jwt`,
    });
  });
}

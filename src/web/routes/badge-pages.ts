/** Badge images and the public page of one award (what members share), with Open Graph tags and an "Add to LinkedIn" link. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Flywheel } from '../../app/flywheel.js';
import { urls } from '../../app/credentials.js';
import { DomainError } from '../../domain/errors.js';
import { badgePng, badgeSvg } from '../badge-image.js';
import { parseQuery } from '../query.js';

const imageParams = z.strictObject({ file: z.string().regex(/^[a-z0-9-]+\.(svg|png)$/, 'expected <badge id>.svg or <badge id>.png') });
export const awardParams = z.strictObject({ id: z.coerce.number({ message: 'expected an award id (a positive whole number)' }).int().positive().max(2 ** 31 - 1) });

export async function badgePages(app: FastifyInstance, fw: Flywheel): Promise<void> {
  app.get('/badges/:file', async (request, reply) => {
    const { file } = parseQuery(imageParams, request.params);
    const [id, ext] = file.split('.') as [string, 'svg' | 'png'];
    const badge = fw.config.badges.find((b) => b.id === id);
    if (!badge) throw new DomainError('not_found', 'badge not found');
    reply.header('cache-control', 'public, max-age=86400');
    if (ext === 'svg') return reply.type('image/svg+xml').send(badgeSvg(badge));
    return reply.type('image/png').send(badgePng(badge));
  });

  app.get('/badges/awards/:id', async (request, reply) => {
    const { id } = parseQuery(awardParams, request.params);
    const award = await fw.award(id);
    const u = urls(fw.config);
    const issued = new Date(award.awardedAt);
    const linkedIn = new URL('https://www.linkedin.com/profile/add');
    for (const [k, v] of Object.entries({
      startTask: 'CERTIFICATION_NAME',
      name: award.badge.name,
      organizationName: fw.config.community.name,
      issueYear: String(issued.getUTCFullYear()),
      issueMonth: String(issued.getUTCMonth() + 1),
      certUrl: u.award(award.id),
      certId: String(award.id),
    }))
      linkedIn.searchParams.set(k, v);
    const title = `${award.memberName} earned ${award.badge.name}`;
    return reply.view('pages/award.hbs', {
      title: `${title} — ${fw.config.community.name}`,
      community: fw.config.community.name,
      og: { title, description: award.badge.description, image: u.png(award.badge.id), url: u.award(award.id), siteName: fw.config.community.name },
      award,
      tier: award.badge.tier,
      issued: issued.toISOString().slice(0, 10),
      revoked: award.revokedAt === null ? null : new Date(award.revokedAt).toISOString().slice(0, 10),
      memberUrl: `/members/${award.memberId}`,
      image: `/badges/${award.badge.id}.svg`,
      linkedIn: linkedIn.toString(),
      assertion: u.ob2Assertion(award.id),
      credential: `${u.ob3Credential(award.id)}.jwt`,
    });
  });
}

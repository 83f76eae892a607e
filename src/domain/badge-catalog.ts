/**
 * The badge catalog as configuration: parsed and checked once at start. A mistake stops the
 * program with a message naming the badge and the field ("badges[first-answer].earn.count.kind").
 */
import { z } from 'zod';
import { DomainError } from './errors.js';
import { KINDS, PLATFORMS, SPACES, type Kind, type KindRule } from './kinds.js';
import { STAGES } from './stages.js';
import { TIERS, TOP_PERIODS, type Badge, type Criterion } from './badges.js';

/** Icons the badge images are drawn with. */
export const ICONS = ['answer', 'check', 'heart', 'hands', 'flame', 'sprout', 'star', 'trophy', 'crown', 'book', 'mic', 'bulb', 'link', 'shield', 'bolt', 'chat'] as const;

const positive = z.number().int().positive();

const CRITERIA = {
  count: z.strictObject({
    kind: z.enum(KINDS),
    atLeast: positive,
    space: z.enum(SPACES).optional(),
    platform: z.enum(PLATFORMS).optional(),
    withinDays: positive.max(3660).optional(),
  }),
  points: z.strictObject({ atLeast: positive, space: z.enum(SPACES).optional() }),
  streak: z.strictObject({ days: positive.min(2).max(3660) }),
  helped: z.strictObject({ members: positive }),
  stage: z.strictObject({ reach: z.enum(STAGES), from: z.array(z.enum(STAGES)).min(1).optional() }),
  top: z.strictObject({ period: z.enum(TOP_PERIODS), rank: positive.max(100), space: z.enum(SPACES).optional() }),
  manual: z.strictObject({}),
};
const CRITERION_NAMES = Object.keys(CRITERIA).join(', ');

// One optional key per criterion type (so a mistake is reported at its own path), exactly one given.
const earnSchema = z
  .strictObject(Object.fromEntries(Object.entries(CRITERIA).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof CRITERIA]: z.ZodOptional<(typeof CRITERIA)[K]> })
  .refine((earn) => Object.values(earn).filter((v) => v !== undefined).length === 1, { message: `expected exactly one of ${CRITERION_NAMES}` });

const badgeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected a lowercase id like "first-answer"').max(60),
  name: z.string().trim().min(1).max(60),
  description: z.string().trim().min(1).max(300),
  tier: z.enum(TIERS),
  icon: z.enum(ICONS),
  repeatable: z.boolean().default(false),
  revocable: z.boolean().default(false),
  earn: earnSchema,
  discourse: z.union([z.number().int().positive(), z.literal('sync')], { message: 'expected a Discourse badge id or "sync"' }).optional(),
});

/** A catalog entry that only switches a default badge off. */
const disabledSchema = z.strictObject({ id: z.string(), disabled: z.literal(true) });

export type BadgeEntry = z.input<typeof badgeSchema> | z.input<typeof disabledSchema>;

const fail = (where: string, message: string): never => {
  throw new DomainError('invalid_config', `Invalid badge catalog:\n  - ${where}: ${message}`);
};

function criterionOf(earn: z.infer<typeof earnSchema>): Criterion {
  if (earn.count) return { type: 'count', ...earn.count };
  if (earn.points) return { type: 'points', ...earn.points };
  if (earn.streak) return { type: 'streak', ...earn.streak };
  if (earn.helped) return { type: 'helped', ...earn.helped };
  if (earn.stage) return { type: 'stage', ...earn.stage };
  if (earn.top) return { type: 'top', ...earn.top };
  return { type: 'manual' };
}

/** Criteria that parse but can never be met under the community's rules. */
function impossible(c: Criterion, kinds: Record<Kind, KindRule>): string | null {
  if (c.type === 'count') {
    if (c.space && kinds[c.kind].space !== c.space && c.kind !== 'manual_award')
      return `count.space: ${c.kind} counts in "${kinds[c.kind].space}", never in "${c.space}"`;
    if (kinds[c.kind].points === 0 && c.kind !== 'manual_award') return `count.kind: ${c.kind} is worth 0 points here, so none is ever counted`;
  }
  if (c.type === 'stage' && c.from?.includes(c.reach)) return `stage.from: a member cannot reach "${c.reach}" from "${c.reach}"`;
  if (c.type === 'stage' && c.reach === 'observer' && c.from) return 'stage.from: nobody reaches "observer" from another stage';
  return null;
}

/**
 * Build the catalog: the defaults, then the community's entries (an entry with a default's id
 * replaces it; `{ id, disabled: true }` removes it).
 */
export function parseCatalog(defaults: unknown, overrides: unknown, kinds: Record<Kind, KindRule>): Badge[] {
  const entries = new Map<string, Badge>();
  const read = (list: unknown, source: string, replacing: boolean) => {
    if (list === undefined || list === null) return;
    if (!Array.isArray(list)) fail(source, 'expected a list of badges');
    const seen = new Set<string>();
    (list as unknown[]).forEach((raw, i) => {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `#${i + 1}`;
      const where = `${source}[${id}]`;
      if (seen.has(id)) fail(where, 'duplicate id');
      seen.add(id);
      const off = disabledSchema.safeParse(raw);
      if (off.success) {
        if (!replacing || !entries.has(id)) fail(where, 'disables a badge that is not in the default catalog');
        entries.delete(id);
        return;
      }
      const parsed = badgeSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        fail([where, ...issue.path].join('.'), issue.message);
      }
      const b = parsed.data!;
      const criterion = criterionOf(b.earn);
      const problem = impossible(criterion, kinds);
      if (problem) fail(`${where}.earn.${problem.split(':')[0]}`, problem.slice(problem.indexOf(':') + 2));
      entries.set(id, { id: b.id, name: b.name, description: b.description, tier: b.tier, icon: b.icon, repeatable: b.repeatable, revocable: b.revocable, criterion, discourse: b.discourse ?? null });
    });
  };
  read(defaults, 'badges (default catalog)', false);
  read(overrides, 'badges', true);
  return [...entries.values()];
}

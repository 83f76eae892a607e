/**
 * One batch that earns a forum-mapped badge for hundreds of members (a busy import page, a
 * recompute after a new badge): every grant is queued for the forum — none lost to a statement
 * too large for the database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/domain/badge-catalog.js';
import { testFlywheel, type TestFlywheel } from '../support/db.js';
import { act } from '../support/builders.js';

const MEMBERS = 700;
let fw: TestFlywheel;

beforeEach(async () => {
  fw = await testFlywheel({ DISCOURSE_URL: 'https://forum.example.org', DISCOURSE_API_KEY: 'key' }, (c) => {
    c.badges = parseCatalog(
      [{ id: 'first-answer', name: 'First Answer', description: 'x', tier: 'bronze', icon: 'check', earn: { count: { kind: 'answer_posted', atLeast: 1 } }, discourse: 7 }],
      [],
      c.rules.kinds,
    );
  });
});
afterEach(() => fw.close());

describe('a forum-mapped badge earned by hundreds of members at once', () => {
  it('queues every grant for the forum, in one ingest and again after a recompute', async () => {
    const asker = { platform: 'discourse' as const, externalId: '1', username: 'asker' };
    // Each answer liked by its asker, as the forum reports it: an answer earns (and earns First Answer) once endorsed.
    const answers = Array.from({ length: MEMBERS }, (_, i) => {
      const author = { platform: 'discourse' as const, externalId: String(100 + i), username: `u${i}` };
      const at = fw.clock.now - 60_000 + i;
      const like = { source: `p${i}:like`, subject: `t${i}` };
      return [
        act('answer_posted', author, at, { counterpart: asker, subject: `t${i}`, source: `p${i}` }),
        act('reaction_given', asker, at, { ...like, counterpart: author }),
        act('reaction_received', author, at, { ...like, counterpart: asker }),
      ];
    }).flat();
    const { badgeGrants } = await fw.ingest(answers);
    expect(badgeGrants).toHaveLength(MEMBERS);
    const queued = async () => Number((await fw.db('outbox').count({ n: '*' }).first())!.n);
    expect(await queued()).toBe(MEMBERS);
    // A recompute that grants the badge anew (as after it joined the catalog) queues every grant again.
    await fw.db('badge_awards').delete();
    await fw.db('outbox').delete();
    expect((await fw.maintenance.recompute()).badgesGranted).toBe(MEMBERS);
    expect(await queued()).toBe(MEMBERS);
  });
});

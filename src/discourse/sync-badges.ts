/** `flywheel discourse sync-badges`: create on the forum the badges the catalog maps with `discourse: sync`, and remember their ids. */
import type { Flywheel } from '../app/flywheel.js';
import type { ForumConfig } from '../config.js';
import type { Badge } from '../domain/badges.js';
import { DomainError } from '../domain/errors.js';
import { discourseFetch } from './api.js';

/** The election a sync-badges run holds while it runs. */
const SYNC = 'discourse-sync-badges';

const BADGE_TYPE = { gold: 1, silver: 2, bronze: 3 } as const;

export interface SyncResult {
  created: string[];
  found: string[];
}

export async function syncBadges(fw: Flywheel, config: ForumConfig): Promise<SyncResult> {
  const wanted = fw.badges.catalog().filter((b) => b.discourse === 'sync');
  const result: SyncResult = { created: [], found: [] };
  if (wanted.length === 0) return result;
  // Two runs at once (two operators, two instances) would both find a badge missing and create it twice.
  const run = await fw.instance.elect(SYNC, { onElected: async () => {}, onDeposed: async () => {} }, { everyMs: 5_000 });
  if (!run.leading) throw new DomainError('conflict', 'another `flywheel discourse sync-badges` is running against this database; try again when it has finished');
  try {
    return await syncWanted(fw, config, wanted, result);
  } finally {
    await run.stop();
  }
}

async function syncWanted(fw: Flywheel, config: ForumConfig, wanted: readonly Badge[], result: SyncResult): Promise<SyncResult> {
  const c = config.discourse;
  const existing = await discourseFetch<{ badges: Array<{ id: number; name: string }> }>(c, '/admin/badges.json');
  for (const badge of wanted) {
    let id = existing.badges.find((b) => b.name === badge.name)?.id;
    if (id) result.found.push(badge.id);
    else {
      const made = await discourseFetch<{ badge: { id: number } }>(c, '/admin/badges.json', {
        method: 'POST',
        body: { name: badge.name, description: badge.description, badge_type_id: BADGE_TYPE[badge.tier], enabled: true, allow_title: false, multiple_grant: badge.repeatable },
      });
      id = made.badge.id;
      result.created.push(badge.id);
    }
    await fw.settings.set(`discourse_badge:${badge.id}`, String(id));
  }
  return result;
}

/**
 * `ingest` — the one door into Flywheel. Every source (Discord, Discourse, admin forms, imports,
 * the demo) hands over activities; one transaction appends them to the ledger by natural key and
 * runs the award pipeline on what is new. Statements scale with the batch, not with each activity.
 */
import type { ActivityInput, AwardRow, LedgerActivity, Outcome } from '../domain/activity.js';
import { REVERSAL } from '../domain/kinds.js';
import { validateActivity, withCleanNames } from '../domain/validate-activity.js';
import { identityKey, resolveMembers } from '../db/identities-repo.js';
import { appendActivities, type NewLedgerRow } from '../db/ledger-repo.js';
import type { Tx } from '../db/knex.js';
import { applyLedgerBatch, type PipelineRules, type StageChange, type StageMove } from './award-pipeline.js';
import type { BadgeGrant } from './badge-awarding.js';
import type { WriteLock } from './write-lock.js';

export interface IngestResult {
  outcomes: Outcome[];
  stageChanges: StageChange[];
  stageMoves: StageMove[];
  /** Badges this batch earned (possibly dated in the past, for backfilled history). */
  badgeGrants: BadgeGrant[];
}

export interface IngestDeps {
  lock: WriteLock;
  config: PipelineRules & { hiddenByDefault: boolean };
  now: () => number;
}

export interface IngestOptions {
  /** More writes that belong with these activities (an audit entry, a decision): same transaction. */
  within?: (trx: Tx, result: IngestResult) => Promise<void>;
}

export type Ingest = (activities: readonly ActivityInput[], options?: IngestOptions) => Promise<IngestResult>;

export function createIngest({ lock, config, now }: IngestDeps): Ingest {
  return async (given, options = {}) => {
    const activities = given.map(withCleanNames);
    const received = now();
    const times = activities.map((a, i) => validateActivity(a, i, received, config.rules.kinds));
    if (activities.length === 0) return { outcomes: [], stageChanges: [], stageMoves: [], badgeGrants: [] };

    return lock.run(async (trx) => {
      const clock = now();
      const members = await resolveMembers(
        trx,
        activities.flatMap((a) => (a.counterpart ? [a.actor, a.counterpart] : [a.actor])),
        { hiddenByDefault: config.hiddenByDefault, now: clock },
      );

      const firstOfKey = new Map<string, number>();
      activities.forEach((a, i) => firstOfKey.has(a.key) || firstOfKey.set(a.key, i));
      const fresh = [...firstOfKey.values()];
      const rows: NewLedgerRow[] = fresh.map((i) => {
        const a = activities[i]!;
        const rule = a.kind === REVERSAL ? null : config.rules.kinds[a.kind];
        return {
          key: a.key,
          kind: a.kind,
          platform: a.platform,
          memberId: members.get(identityKey(a.actor))!,
          counterpartId: a.counterpart ? members.get(identityKey(a.counterpart))! : null,
          occurredAt: times[i]!,
          space: a.space ?? rule?.space ?? 'engagement',
          role: rule?.role ?? 'consumer',
          sourceRef: a.source ?? a.key,
          subjectRef: a.subject ?? null,
          reverses: a.reverses ?? null,
          url: a.url ?? null,
          payload: a.payload || a.reason ? JSON.stringify({ ...a.payload, ...(a.reason ? { reason: a.reason } : {}) }) : null,
          points: a.kind === 'manual_award' ? (a.points ?? 0) : null,
        };
      });
      const ids = await appendActivities(trx, rows, clock);

      const ledger: LedgerActivity[] = rows.flatMap(({ role: _role, url: _url, payload: _payload, ...r }) => {
        const id = ids.get(r.key);
        return id === undefined ? [] : [{ ...r, id, space: r.kind === 'manual_award' ? r.space : null }];
      });
      ledger.sort((a, b) => a.id - b.id);
      const { awards, changes: stageChanges, moves: stageMoves, badgeGrants } = await applyLedgerBatch(trx, ledger, config, clock);

      const byActivity = new Map<number, AwardRow[]>();
      // An answer paid on its endorsement is reported as the answer's decision (unendorsed), not summed into it.
      for (const award of awards) {
        if (award.release) continue;
        const list = byActivity.get(award.activityId) ?? [];
        list.push(award);
        byActivity.set(award.activityId, list);
      }
      const outcomes = activities.map((a, i): Outcome => {
        const id = ids.get(a.key);
        if (id === undefined || firstOfKey.get(a.key) !== i) return { key: a.key, status: 'duplicate' };
        const memberId = members.get(identityKey(a.actor))!;
        const rowsOf = byActivity.get(id) ?? [];
        if (rowsOf.length === 0)
          return { key: a.key, status: 'awarded', points: 0, reason: 'reversal_target_missing', activityId: id, memberId };
        const points = rowsOf.reduce((sum, r) => sum + r.points, 0);
        return { key: a.key, status: 'awarded', points, reason: rowsOf[0]!.reason, activityId: id, memberId };
      });
      const result = { outcomes, stageChanges, stageMoves, badgeGrants };
      await options.within?.(trx, result);
      return result;
    });
  };
}

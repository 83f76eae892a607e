/**
 * Withdrawing everything one thing earned, and giving it back. When a Discord message (or a forum
 * post, or a whole topic) is deleted, every source recorded under its reference — the message
 * itself, thanks given in it, thanks and reactions it received, its acceptance — gets a reversal.
 * Reversal keys derive from the source, so a repeated delete records nothing twice.
 *
 * A restored post cannot take its old keys back (they are in the ledger, and reversed for good):
 * it is recorded again as a new generation, `<key>:restored:<when>`, filed under the same
 * reference so that a later delete withdraws it too. `<when>` is the restore's own time, as the
 * platform stamped it, which makes the restore idempotent, and lets a late copy of an older
 * delete leave a newer generation alone.
 */
import type { ActivityInput } from '../domain/activity.js';
import type { Platform } from '../domain/kinds.js';
import { activitiesFiledUnder, type FiledActivity } from '../db/lineage-repo.js';
import type { Tx } from '../db/knex.js';

export const reversalKey = (source: string): string => `${source}:reversed`;

const RESTORED = /:restored:(\d+)$/;
/** The first generation's key or source, whichever generation `ref` names. */
export const lineageOf = (ref: string): string => ref.replace(RESTORED, '');
/** When a generation was restored; the first generation has no such time. */
const restoredAt = (source: string): number | null => {
  const m = RESTORED.exec(source);
  return m ? Number(m[1]) : null;
};

export interface WithdrawOptions {
  /** Also withdraw what is about `subject` (a topic's answers, likes and acceptance). */
  subject?: string | undefined;
  /** When the platform says the delete happened: generations restored after it are not this delete's to withdraw. */
  deletedAt?: number | undefined;
}

/** Reversals for `ref` and every standing source under `ref:`, acting as the member each source belongs to. */
export async function reversalsUnder(db: Tx, ref: string, platform: Platform, at: number, options: WithdrawOptions = {}): Promise<ActivityInput[]> {
  const filed = await activitiesFiledUnder(db, ref, platform, options.subject);
  const seen = new Set<string>();
  return filed.flatMap((a) => {
    if (a.reversedAt !== null || seen.has(a.sourceRef)) return [];
    const restored = restoredAt(a.sourceRef);
    if (restored !== null && options.deletedAt !== undefined && restored > options.deletedAt) return [];
    seen.add(a.sourceRef);
    return [{ key: reversalKey(a.sourceRef), kind: 'reversal' as const, platform, actor: { platform, externalId: a.actorExternalId }, occurredAt: at, reverses: a.sourceRef }];
  });
}

export interface RestoreOptions {
  subject?: string | undefined;
  /** Kinds a restore never brings back (e.g. an acceptance the platform itself withdrew with the delete). */
  except?: readonly string[];
}

/**
 * The activities that give back what the delete of `ref` withdrew, as a new generation stamped
 * `restoredAt`. Only what that one delete reversed comes back: a reply deleted on its own before
 * its topic was deleted stays deleted when the topic is restored (so it is on the forum). Nothing,
 * when the latest generation still stands (the restore was already recorded).
 */
export async function restorationsUnder(db: Tx, ref: string, platform: Platform, restoredAtMs: number, options: RestoreOptions = {}): Promise<ActivityInput[]> {
  const filed = (await activitiesFiledUnder(db, ref, platform, options.subject)).filter((a) => !options.except?.includes(a.kind));
  // Each lineage (a source and its restored generations): the latest generation before this restore.
  const latest = new Map<string, FiledActivity[]>();
  for (const a of filed) {
    const stamp = restoredAt(a.sourceRef);
    if (stamp !== null && stamp >= restoredAtMs) continue;
    const root = lineageOf(a.sourceRef);
    const current = latest.get(root);
    const currentStamp = current ? (restoredAt(current[0]!.sourceRef) ?? -1) : -Infinity;
    if ((stamp ?? -1) > currentStamp) latest.set(root, [a]);
    else if ((stamp ?? -1) === currentStamp) current!.push(a);
  }
  // The delete being undone: the one that withdrew `ref` itself, when `ref` earned anything.
  const own = latest.get(ref)?.[0];
  const undone = own ? own.reversedAt : null;
  if (own && undone === null) return [];
  const out: ActivityInput[] = [];
  for (const [root, generation] of latest) {
    const reversed = generation[0]!.reversedAt;
    if (reversed === null || (undone !== null && reversed !== undone)) continue;
    for (const a of generation) {
      out.push({
        key: `${lineageOf(a.key)}:restored:${restoredAtMs}`,
        kind: a.kind,
        platform,
        actor: { platform, externalId: a.actorExternalId },
        counterpart: a.counterpartExternalId === null ? undefined : { platform, externalId: a.counterpartExternalId },
        // Dated like the original: the points go back to the periods they were earned in.
        occurredAt: a.occurredAt,
        source: `${root}:restored:${restoredAtMs}`,
        subject: a.subjectRef ?? undefined,
        url: a.url ?? undefined,
        payload: a.payload ? (JSON.parse(a.payload) as Record<string, unknown>) : undefined,
      });
    }
  }
  return out;
}

/**
 * A question has one accepted answer: accepting another withdraws the standing acceptances of
 * the others (Discourse's solved plugin replaces the solution without a word about the old one).
 */
export async function replacedAcceptances(db: Tx, subject: string, keep: string, platform: Platform, at: number): Promise<ActivityInput[]> {
  const filed = await activitiesFiledUnder(db, subject, platform, subject);
  const seen = new Set<string>();
  return filed.flatMap((a) => {
    if (a.kind !== 'answer_accepted' || a.reversedAt !== null || lineageOf(a.sourceRef) === keep || seen.has(a.sourceRef)) return [];
    seen.add(a.sourceRef);
    return [{ key: reversalKey(a.sourceRef), kind: 'reversal' as const, platform, actor: { platform, externalId: a.actorExternalId }, occurredAt: at, reverses: a.sourceRef }];
  });
}

/** Builders for activities as adapters would send them. */
import type { ActivityInput, IdentityRef } from '../../src/domain/activity.js';
import type { Kind } from '../../src/domain/kinds.js';

export const discord = (id: string, extra: Partial<IdentityRef> = {}): IdentityRef => ({
  platform: 'discord',
  externalId: id,
  username: `user${id}`,
  ...extra,
});

let seq = 0;
export const T0 = Date.parse('2026-11-20T10:00:00Z');
export const minutes = (n: number): number => T0 + n * 60_000;

export function act(kind: Kind, actor: IdentityRef, at: ActivityInput['occurredAt'], extra: Partial<ActivityInput> = {}): ActivityInput {
  return { key: `k${++seq}`, kind, platform: actor.platform, actor, occurredAt: at, ...extra };
}

/** A thanks from `from` to `to`: the two ledger entries one thank-you produces (about `subject`, a question, if given). */
export function thanks(from: IdentityRef, to: IdentityRef, at: number, source = `thanks${++seq}`, subject?: string): ActivityInput[] {
  return [
    { key: `${source}:given`, source, kind: 'thanks_given', platform: from.platform, actor: from, counterpart: to, occurredAt: at, subject },
    { key: `${source}:received`, source, kind: 'thanks_received', platform: to.platform, actor: to, counterpart: from, occurredAt: at, subject },
  ];
}

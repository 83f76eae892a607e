/**
 * A large, realistic activity stream for the benchmark, generated in time order and handed out in
 * batches (never all in memory): about one member per ten activities, most of them quiet, a few
 * answering a lot; questions with answers, thanks pairs, accepted answers, reactions, messages,
 * joins on first sight, reversals of recent answers, and redeliveries of recent activities.
 * Deterministic for a seed.
 */
import { rng } from '../../src/app/demo-community.js';
import type { ActivityInput, IdentityRef } from '../../src/domain/activity.js';
import type { Kind } from '../../src/domain/kinds.js';

export interface StreamOptions {
  activities: number;
  batchSize: number;
  seed?: number;
  /** When the history ends; it spans the year before. */
  end?: number;
}

const YEAR = 365 * 86_400_000;
const RECENT = 4096;

export function* activityBatches(options: StreamOptions): Generator<ActivityInput[]> {
  const random = rng(options.seed ?? 1);
  const end = options.end ?? Date.parse('2026-11-01T00:00:00Z');
  const start = end - YEAR;
  const step = YEAR / options.activities;
  const members = Math.max(10, Math.round(options.activities / 10));
  const joined = new Uint8Array(members);
  const refs = new Map<number, IdentityRef>();
  const ref = (i: number): IdentityRef => {
    let r = refs.get(i);
    if (!r) {
      const discord = i % 5 < 3;
      r = discord
        ? { platform: 'discord', externalId: String(200000000000000000n + BigInt(i)), username: `member${i}`, displayName: `Member ${i}`, isStaff: i < 5 || undefined }
        : { platform: 'discourse', externalId: String(i), username: `member${i}`, displayName: `Member ${i}`, isStaff: i < 5 || undefined };
      if (refs.size > 50_000) refs.clear(); // identities are cheap to rebuild; keep memory flat
      refs.set(i, r);
    }
    return r;
  };
  // Everyone asks; answers come from a fifth of the community, a few of them very often.
  const anyone = () => Math.floor(random() * members);
  const helper = () => Math.floor(random() ** 3 * members * 0.2);
  const questions: Array<{ key: string; asker: number; answers: Array<{ key: string; by: number }> }> = [];
  const recent: ActivityInput[] = [];

  let n = 0;
  let emitted = 0;
  let batch: ActivityInput[] = [];
  const emit = (a: ActivityInput) => {
    batch.push(a);
    emitted++;
    recent[emitted % RECENT] = a;
  };
  const at = () => Math.floor(start + emitted * step);
  const push = (kind: Kind | 'reversal', who: number, extra: Partial<ActivityInput> = {}): ActivityInput => {
    if (!joined[who]) {
      joined[who] = 1;
      emit({ key: `bench:join:${who}`, kind: 'member_joined', platform: ref(who).platform, actor: ref(who), occurredAt: at() });
    }
    const a = { key: `bench:${++n}`, kind, platform: ref(who).platform, actor: ref(who), occurredAt: at(), ...extra } as ActivityInput;
    emit(a);
    return a;
  };

  while (emitted < options.activities) {
    const roll = random();
    if (roll < 0.3) push('message_posted', anyone());
    else if (roll < 0.42) {
      const asker = anyone();
      const q = push('question_asked', asker);
      questions[n % RECENT] = { key: q.key, asker, answers: [] };
    } else if (roll < 0.6) {
      const q = questions[Math.floor(random() * Math.min(questions.length, RECENT))];
      const by = helper();
      if (q && by !== q.asker) {
        const a = push('answer_posted', by, { counterpart: ref(q.asker), subject: q.key });
        q.answers.push({ key: a.key, by });
      }
    } else if (roll < 0.66) {
      const q = questions[Math.floor(random() * Math.min(questions.length, RECENT))];
      const best = q?.answers[0];
      if (q && best) push('answer_accepted', best.by, { key: `${best.key}:accepted`, counterpart: ref(q.asker), subject: q.key });
    } else if (roll < 0.74) {
      const from = anyone();
      const to = helper();
      const source = `bench:thanks:${++n}`;
      push('thanks_given', from, { key: `${source}:given`, source, counterpart: ref(to) });
      push('thanks_received', to, { key: `${source}:received`, source, counterpart: ref(from) });
    } else if (roll < 0.86) push('reaction_received', helper(), { counterpart: ref(anyone()) });
    else if (roll < 0.88) push('topic_created', helper());
    else if (roll < 0.885) {
      const q = questions[Math.floor(random() * Math.min(questions.length, RECENT))];
      const answer = q?.answers[0];
      if (answer) push('reversal', answer.by, { key: `${answer.key}:reversed`, reverses: answer.key });
    } else if (roll < 0.895) {
      // A redelivery: an activity seen recently, sent again (it must count once).
      const again = recent[Math.floor(random() * Math.min(emitted, RECENT))];
      if (again) emit(again);
    } else push('message_posted', anyone());

    if (batch.length >= options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

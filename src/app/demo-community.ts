/**
 * A deterministic synthetic community for `flywheel demo`: a few hundred members on Discord and
 * Discourse over several months — askers, helpers who start as askers, staff who carry support
 * early on, bots, thanks, accepted answers, the odd deleted answer. Same seed, same community;
 * natural keys make a second run a no-op. Pure: it only builds activities.
 */
import type { ActivityInput, IdentityRef } from '../domain/activity.js';
import type { Kind, Platform } from '../domain/kinds.js';

export interface DemoOptions {
  members: number;
  months: number;
  seed: number;
  /** The instant the history ends (normally now). */
  end: number;
}

/** mulberry32: small, fast, good enough for synthetic data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What demo members ask about. */
const TOPICS = [
  'How do I reset my API key?',
  'Webhook retries arrive twice',
  'Self-hosting behind nginx: 502 on login',
  'Best way to migrate from v1 to v2?',
  'Rate limit headers missing on 429',
  'Can I export my data as CSV?',
  'SSO with Okta keeps looping',
  'Docker image fails on ARM',
  'Where are the logs kept?',
  'Dark mode for the dashboard?',
  'Python SDK times out on large uploads',
  'Pagination skips items when sorting by date',
];

const FIRST = ['Ada', 'Bo', 'Cai', 'Dee', 'Eli', 'Fen', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kit', 'Lea', 'Max', 'Nia', 'Oli', 'Pia', 'Quin', 'Ria', 'Sol', 'Tao', 'Uma', 'Vik', 'Wren', 'Xia', 'Yuki', 'Zed'];
const LAST = ['Stone', 'Rivers', 'Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Kim', 'Patel', 'Fischer', 'Costa', 'Ivanova', 'Byrne'];
const DAY = 86_400_000;

interface Person {
  ref: IdentityRef;
  joined: number;
  asks: number;
  /** When this member starts answering others (Infinity: never). */
  helpsFrom: number;
  skill: number;
  staff: boolean;
}

export function demoCommunity(options: DemoOptions): ActivityInput[] {
  const random = rng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const start = options.end - options.months * 30 * DAY;
  const out: ActivityInput[] = [];
  let n = 0;
  const push = (kind: Kind | 'reversal', actor: Person, at: number, extra: Partial<ActivityInput> = {}) => {
    const platform = actor.ref.platform;
    out.push({ key: `demo:${platform}:${kind}:${++n}`, kind, platform, actor: actor.ref, occurredAt: Math.min(at, options.end - 60_000), ...extra });
    return out.at(-1)!;
  };

  const people: Person[] = [];
  for (let i = 0; i < options.members; i++) {
    const platform: Platform = random() < 0.6 ? 'discord' : 'discourse';
    const staff = i < 4;
    const name = staff ? `${pick(FIRST)} (team)` : `${pick(FIRST)} ${pick(LAST)}`;
    const joined = staff || i < options.members * 0.3 ? start + random() * 5 * DAY : start + random() * options.months * 30 * DAY;
    const helper = staff || random() < 0.25;
    people.push({
      ref: {
        platform,
        externalId: platform === 'discord' ? String(100000000000000000n + BigInt(i) * 7919n) : String(1000 + i),
        username: name.toLowerCase().replace(/[^a-z]+/g, '_'),
        displayName: name,
        isStaff: staff || undefined,
      },
      joined,
      asks: 0.02 + random() * 0.15,
      helpsFrom: helper ? (staff ? start : joined + (5 + random() * 60) * DAY) : Infinity,
      skill: staff ? 3 : helper ? random() ** 2 * 2 : 0,
      staff,
    });
  }
  const bots: Person[] = ['HelperBot', 'Welcome Bot'].map((name, i) => ({
    ref: { platform: 'discord', externalId: String(900000000000000000n + BigInt(i)), username: name.toLowerCase().replace(' ', ''), displayName: name, isBot: true },
    joined: start,
    asks: 0,
    helpsFrom: Infinity,
    skill: 0,
    staff: false,
  }));

  for (const p of people) push('member_joined', p, p.joined);

  for (let day = start; day < options.end; day += DAY) {
    const present = people.filter((p) => p.joined <= day);
    for (const asker of present) {
      if (random() < 0.3) push('message_posted', asker, day + random() * DAY);
      if (random() >= asker.asks) continue;
      const askedAt = day + random() * DAY;
      // A title and a link, as real questions have (the managers' open-questions list shows them); taken from the count, not the random stream, so the community stays the same.
      const topic = TOPICS[n % TOPICS.length]!;
      const question = push('question_asked', asker, askedAt, {
        subject: undefined,
        payload: { title: topic },
        url: asker.ref.platform === 'discourse' ? `https://forum.example.org/t/${n + 1}` : undefined,
      });
      const qKey = question.key;
      // Helpers who have started helping, weighted by skill; staff step back as members step up.
      const helpers = present.filter((h) => h !== asker && h.helpsFrom <= askedAt && h.ref.platform === asker.ref.platform);
      const answers: Array<{ by: Person; key: string }> = [];
      for (const h of helpers) {
        const share = h.staff ? Math.max(0.05, 0.6 - (0.5 * (askedAt - start)) / (options.end - start)) : 0.05 + 0.25 * h.skill;
        if (random() < share / Math.max(1, helpers.length / 6)) {
          const a = push('answer_posted', h, askedAt + (10 + random() * 600) * 60_000, { counterpart: asker.ref, subject: qKey });
          answers.push({ by: h, key: a.key });
        }
      }
      if (answers.length === 0) continue;
      const best = pick(answers);
      if (random() < 0.6) {
        const at = askedAt + (12 + random() * 24) * 3_600_000;
        const source = `demo:thanks:${++n}`;
        push('thanks_given', asker, at, { key: `${source}:given`, source, counterpart: best.by.ref });
        push('thanks_received', best.by, at, { key: `${source}:received`, source, counterpart: asker.ref });
      }
      if (random() < 0.5) push('answer_accepted', best.by, askedAt + (20 + random() * 48) * 3_600_000, { counterpart: asker.ref, subject: qKey });
      for (const a of answers) if (random() < 0.4) push('reaction_received', a.by, askedAt + random() * DAY, { counterpart: asker.ref });
      if (random() < 0.01) push('reversal', answers[0]!.by, askedAt + 2 * DAY, { reverses: answers[0]!.key });
    }
    for (const bot of bots) if (random() < 0.8) push('message_posted', bot, day + random() * DAY);
    for (const h of present) {
      if (h.helpsFrom <= day && random() < 0.004 * (1 + h.skill)) push('topic_created', h, day + random() * DAY);
      if (!h.staff && h.skill > 1.2 && random() < 0.01) push('content_published', h, day + random() * DAY, { url: 'https://example.org/blog' });
    }
  }
  return out.sort((a, b) => Number(a.occurredAt) - Number(b.occurredAt));
}

/**
 * The site of a community twelve years old, as its members meet it through real HTTP: rank
 * movement arrows in 2015 and now, browsing boards back to 2014 and forward again, a member page
 * with hundreds of top-of-period badges, and a member whose Discord id and name are at their
 * limits. Expected boards are worked out here from the generated history, not by the code's own functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityInput, IdentityRef } from '../../src/domain/activity.js';
import { act, discord } from '../support/builders.js';
import { asker, DAY, helpers, history, NOW, recordHistory } from '../support/old-history.js';
import { testSite, type TestSite } from '../support/web.js';

// The largest Discord snowflake (2^64 - 1), and a 100-character name mixing Arabic, Hebrew and emoji.
const MAX_SNOWFLAKE = '18446744073709551615';
const WIDE_NAME = Array.from('مرحبا بالعالم 👩🏽‍💻 שלום עולם 🚀 Zoë '.repeat(6)).slice(0, 99).join('') + '!';
const wide = discord(MAX_SNOWFLAKE, { username: 'wide', displayName: WIDE_NAME });
const [ada, bo] = helpers as [IdentityRef, IdentityRef, IdentityRef];

/** This week (Monday 16 November 2026): Ada answers again after ten years away, and so does the newcomer. */
const thisWeek: ActivityInput[] = [
  act('question_asked', asker, Date.parse('2026-11-20T10:00:00Z'), { subject: 'back' }),
  act('answer_posted', ada, Date.parse('2026-11-20T11:00:00Z'), { counterpart: asker, subject: 'back', source: 'back' }),
  act('reaction_given', asker, Date.parse('2026-11-20T12:00:00Z'), { source: 'back:like', subject: 'back', counterpart: ada }),
  act('reaction_received', ada, Date.parse('2026-11-20T12:00:00Z'), { source: 'back:like', subject: 'back', counterpart: asker }),
  act('question_asked', asker, Date.parse('2026-11-21T10:00:00Z'), { subject: 'wide' }),
  act('answer_posted', wide, Date.parse('2026-11-21T11:00:00Z'), { counterpart: asker, subject: 'wide', source: 'wide' }),
  act('reaction_given', asker, Date.parse('2026-11-21T12:00:00Z'), { source: 'wide:like', subject: 'wide', counterpart: wide }),
  act('reaction_received', wide, Date.parse('2026-11-21T12:00:00Z'), { source: 'wide:like', subject: 'wide', counterpart: asker }),
];
const everything = [...history(), ...thisWeek];

// ---- The expectation, from the history alone (UTC, the test community's zone) ----
const POINTS: Partial<Record<string, number>> = { question_asked: 2, answer_posted: 5, reaction_received: 1 };
const nameOf = (i: IdentityRef) => i.displayName ?? i.username!;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
type Span = 'week' | 'month' | 'year';
function window(span: Span, day: string): { from: number; to: number } {
  const d = Date.parse(`${day}T00:00:00Z`);
  const t = new Date(d);
  const from =
    span === 'week' ? d - ((t.getUTCDay() + 6) % 7) * DAY : span === 'month' ? Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) : Date.UTC(t.getUTCFullYear(), 0, 1);
  const f = new Date(from);
  const to = span === 'week' ? from + 7 * DAY : span === 'month' ? Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 1) : Date.UTC(f.getUTCFullYear() + 1, 0, 1);
  return { from, to };
}
/** Name → dense rank on the board of the period containing `day`. */
function expectedRanks(span: Span, day: string): Map<string, number> {
  const { from, to } = window(span, day);
  const points = new Map<string, number>();
  for (const a of everything) {
    const at = Number(a.occurredAt);
    if (at >= from && at < to && POINTS[a.kind]) points.set(nameOf(a.actor), (points.get(nameOf(a.actor)) ?? 0) + POINTS[a.kind]!);
  }
  const totals = [...new Set(points.values())].sort((a, b) => b - a);
  return new Map([...points].map(([name, p]) => [name, totals.indexOf(p) + 1]));
}
/** What each member's arrow should say on that board: against the board of the period before. */
function expectedMoves(span: Span, day: string): Record<string, string> {
  const now = expectedRanks(span, day);
  const before = expectedRanks(span, iso(window(span, day).from - DAY));
  return Object.fromEntries(
    [...now].map(([name, rank]) => {
      const was = before.get(name);
      return [name, was === undefined ? 'new' : was > rank ? `up ${was - rank}` : was < rank ? `down ${rank - was}` : 'same'];
    }),
  );
}

let site: TestSite;
const get = (url: string) => site.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
/** An address as a page writes it into an href, as a browser follows it. */
const href = (attr: string) => attr.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const api = async (url: string) => {
  const res = await site.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
};
type Entry = { rank: number; points: number; member: { id: number; displayName: string }; movement: { direction: string; by?: number } | null };
const said = (m: Entry['movement']) => (m === null ? null : m.by === undefined ? m.direction : `${m.direction} ${m.by}`);
const movesOf = (entries: Entry[]) => Object.fromEntries(entries.map((e) => [e.member.displayName, said(e.movement)]));
const ranksOf = (entries: Entry[]) => new Map(entries.map((e) => [e.member.displayName, e.rank]));

beforeAll(async () => {
  // A member browsing hundreds of boards: the site's own address is not rate limited here.
  site = await testSite({ RATE_LIMIT_ALLOW: '127.0.0.1' });
  await recordHistory(site.fw, everything);
  // Twelve years of weeks and months closed: hundreds of top-of-period badges.
  await site.fw.maintenance.closePeriods();
}, 120_000);
afterAll(() => site.close());

describe('rank movement on the boards of a twelve-year-old community', () => {
  const boards: Array<[Span, string | null]> = [
    ['week', '2015-03-10'],
    ['month', '2015-03-10'],
    ['year', '2015-03-10'],
    ['month', '2016-07-01'], // the month after Ada's last answer
    ['week', null],
    ['month', null],
    ['year', null],
  ];
  it.each(boards)('the %s board at %s: each arrow is against the previous period, "new" for whoever was not on it', async (span, at) => {
    const day = at ?? iso(NOW);
    const { status, body } = await api(`/api/v1/leaderboard?period=${span}${at ? `&at=${at}` : ''}`);
    expect(status).toBe(200);
    expect(ranksOf(body.entries)).toEqual(expectedRanks(span, day));
    expect(movesOf(body.entries)).toEqual(expectedMoves(span, day));
    // The page shows the same arrows.
    const page = (await get(`/leaderboard?period=${span}${at ? `&at=${at}` : ''}`)).body;
    for (const e of body.entries as Entry[]) {
      const row = new RegExp(`<tr id="member-${e.member.id}"[^]*?</tr>`).exec(page)![0];
      const m = e.movement!;
      expect(row).toContain(m.direction === 'new' ? '>new</span>' : m.direction === 'same' ? 'no change' : `${m.direction === 'up' ? '▲' : '▼'}${m.by}</span>`);
    }
  });

  it('the first week, month and year of the community: everyone is "new" (there is no board before)', async () => {
    for (const span of ['week', 'month', 'year'] as const) {
      const { body } = await api(`/api/v1/leaderboard?period=${span}&at=2014-11-05`);
      expect(ranksOf(body.entries)).toEqual(expectedRanks(span, '2014-11-05'));
      expect(new Set(body.entries.map((e: Entry) => said(e.movement)))).toEqual(new Set(['new']));
    }
  });

  it('a member back after ten years away is "new" on this week, month and year; one who stayed on the board moves against last period', async () => {
    for (const span of ['week', 'month', 'year'] as const) {
      const { body } = await api(`/api/v1/leaderboard?period=${span}`);
      expect(movesOf(body.entries)).toMatchObject({ ada: 'new', [WIDE_NAME]: 'new' });
    }
    // The asker has asked every month for twelve years: never "new" on the year board.
    expect(movesOf((await api('/api/v1/leaderboard?period=year')).body.entries).asker).not.toBe('new');
  });
});

describe('browsing back to 2014 and forward again', () => {
  /** Follows `previous` (or `next`) links of the API from `url`, checking every board on the way. */
  async function walk(span: Span, start: string, direction: 'previous' | 'next', until: (body: { from: string; to: string }) => boolean) {
    const seen: string[] = [];
    let url: string | null = start;
    while (url) {
      const { status, body } = await api(url);
      expect(status, url).toBe(200);
      expect(ranksOf(body.entries), url).toEqual(expectedRanks(span, body.from));
      seen.push(body.from);
      if (until(body) || seen.length > 800) break;
      url = body[direction] === null ? null : `/api/v1/leaderboard?period=${span}&at=${body[direction]}`;
    }
    return seen;
  }

  it('month by month from now to November 2014 and back: every board answers with the history of its month', async () => {
    const back = await walk('month', '/api/v1/leaderboard?period=month', 'previous', (b) => b.from <= '2014-10-01');
    expect(back.at(-1)).toBe('2014-10-01');
    expect(back.length).toBe(12 * 12 + 2); // October 2014 to November 2026
    const forward = await walk('month', '/api/v1/leaderboard?period=month&at=2014-10-01', 'next', () => false);
    expect(forward).toEqual([...back].reverse());
  });

  it('week by week from now to the first week, November 2014: 629 boards, each with its week of history', async () => {
    const back = await walk('week', '/api/v1/leaderboard?period=week', 'previous', (b) => b.from <= '2014-11-03');
    expect([back.length, back.at(-1)]).toEqual([629, '2014-11-03']);
  });

  it('week by week on the page: forty steps back from now, each page a board with its own previous and next', async () => {
    let url = '/leaderboard?period=week';
    for (let step = 0; step < 40; step++) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      const at = /[?&]at=(\d{4}-\d{2}-\d{2})/.exec(url)?.[1] ?? iso(NOW);
      const expected = expectedRanks('week', at);
      for (const name of expected.keys()) expect(res.body, `${url} shows ${name}`).toContain(`>${name}</a>`);
      if (expected.size === 0) expect(res.body, url).not.toMatch(/<tr id="member-/);
      url = href(/<a href="([^"]+)" rel="prev">/.exec(res.body)![1]!);
    }
    expect(url).toContain('at=2026-02-'); // forty weeks back
  });

  it('the edges: the day before the first activity is an empty board, 1980 answers, and no link leaves the accepted range', async () => {
    const before = await api('/api/v1/leaderboard?period=week&at=2014-11-02');
    expect([before.status, before.body.entries, before.body.next]).toEqual([200, [], '2014-11-03']);
    // The week of 1 January 1980 began on 31 December 1979: it is asked for by its first accepted day, and has no previous.
    expect((await api('/api/v1/leaderboard?period=week&at=1980-01-08')).body.previous).toBe('1980-01-01');
    expect((await api('/api/v1/leaderboard?period=week&at=1980-01-01')).body.previous).toBeNull();
    // This month has no next until December begins.
    expect((await api('/api/v1/leaderboard?period=month')).body.next).toBeNull();
    for (const span of ['day', 'week', 'month', 'quarter', 'year'] as const) {
      for (const at of ['1980-01-01', '1980-01-08', undefined]) {
        const url = `/api/v1/leaderboard?period=${span}${at ? `&at=${at}` : ''}`;
        const { status, body } = await api(url);
        expect(status, url).toBe(200);
        if (at) expect(body.entries, url).toEqual([]);
        // Every link a member can follow answers a board.
        for (const link of [body.previous, body.next].filter((l): l is string => l !== null)) {
          expect((await api(`/api/v1/leaderboard?period=${span}&at=${link}`)).status, `${url} → ${link}`).toBe(200);
        }
        const page = await get(`/leaderboard?period=${span}${at ? `&at=${at}` : ''}`);
        expect(page.statusCode).toBe(200);
        for (const [, link] of page.body.matchAll(/<a href="([^"]+)" rel="(?:prev|next)">/g)) {
          expect((await get(href(link!))).statusCode, `${url} → ${link}`).toBe(200);
        }
      }
    }
  });
});

describe('a member with twelve years of top-of-period badges', () => {
  it('the page groups hundreds of awards as "Name ×N", right counts, newest first, and stays small', async () => {
    const id = (await site.fw.members.lookup('discord', bo.externalId)).id;
    const counts = await site.fw.db('badge_awards').where({ member_id: id }).whereNull('revoked_at').groupBy('badge_id').select('badge_id').count({ n: '*' }) as Array<{ badge_id: string; n: number | string }>;
    const awards = counts.reduce((sum, c) => sum + Number(c.n), 0);
    expect(awards).toBeGreaterThan(150);

    const { status, body } = await api(`/api/v1/members/${id}`);
    expect(status).toBe(200);
    expect(body.badges.length).toBe(awards);
    expect(Object.fromEntries(body.badgeGroups.map((g: { id: string; count: number }) => [g.id, g.count]))).toEqual(Object.fromEntries(counts.map((c) => [c.badge_id, Number(c.n)])));
    const newest = body.badgeGroups.map((g: { newestAt: string }) => g.newestAt);
    expect(newest).toEqual([...newest].sort().reverse());
    const recent = body.recent.map((r: { at: string }) => r.at);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent).toEqual([...recent].sort().reverse());
    expect(recent[0]!.slice(0, 7)).toBe('2026-10'); // Bo's last answer, a month ago

    const page = await get(`/members/${id}`);
    expect(page.statusCode).toBe(200);
    // One line per badge, not per award: 374 awards make a 7 kB page (a line each would be over 100 kB).
    expect(page.body.length).toBeLessThan(30_000);
    for (const g of body.badgeGroups as Array<{ name: string; count: number }>) {
      if (g.count > 1) expect(page.body).toContain(`<strong>${g.name}</strong></a> <span class="times">×${g.count}</span>`);
    }
  });

  it('a leaderboard page past the end is a friendly empty page, and the API an empty list', async () => {
    const page = await get('/leaderboard?period=all&page=4000');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/<tr id="member-/);
    // Not "nobody has points": the board has five members on one page, and the way back to it.
    expect(page.body).not.toContain('Nobody has points');
    expect(page.body).toContain('Page 4000 is past the end of this board (1 page). <a href="/leaderboard?period&#x3D;all">Back to the last page</a>');
    const { status, body } = await api('/api/v1/leaderboard?period=all&offset=100000');
    expect([status, body.entries, body.total]).toEqual([200, [], 5]);
  });
});

describe('a member whose Discord id and name are at their limits', () => {
  it('shows the 20-digit id and the 100-character name on the board, the member page, the embed and the rank card', async () => {
    const { status, body } = await api(`/api/v1/members/lookup?platform=discord&externalId=${MAX_SNOWFLAKE}`);
    expect(status).toBe(200);
    expect([body.displayName, body.identities[0].externalId]).toEqual([WIDE_NAME, MAX_SNOWFLAKE]);
    expect(Array.from(body.displayName as string).length).toBe(100);
    const id = body.id as number;

    const board = (await api('/api/v1/leaderboard?period=week')).body.entries as Entry[];
    expect(board.find((e) => e.member.id === id)?.member.displayName).toBe(WIDE_NAME);
    expect((await get('/leaderboard?period=week')).body).toContain(`<a href="/members/${id}">${WIDE_NAME}</a>`);
    // Found by a word of it; the name is set apart from the rank after it (an Arabic name would otherwise carry "#2" into its right-to-left run).
    const found = (await get(`/leaderboard?period=week&name=${encodeURIComponent('مرحبا')}`)).body;
    expect(found).toMatch(new RegExp(`<li><a href="[^"]+#member-${id}" class="said">${WIDE_NAME}</a> — #1, 6 points</li>`));
    const member = (await get(`/members/${id}`)).body;
    expect(member).toContain(WIDE_NAME);
    expect(member).toContain(`https://discord.com/users/${MAX_SNOWFLAKE}`);
    expect((await get('/embed/leaderboard?period=week')).body).toContain(WIDE_NAME);
    const card = await get(`/members/${id}/card.png`);
    expect([card.statusCode, card.headers['content-type']]).toEqual([200, 'image/png']);
  });
});

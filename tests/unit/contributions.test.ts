/** The pure side of contributions: attendee lists as event tools export them, evidence, natural keys, the award rules. */
import { describe, expect, it } from 'vitest';
import { attendeeRows, parseCsv } from '../../src/domain/attendee-list.js';
import { checkEvidence, contributionKey, dayToMillis } from '../../src/domain/contributions.js';
import { checkManualAward } from '../../src/domain/manual-award.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describe('attendee lists', () => {
  it('reads quoted fields with commas, quotes and line breaks, a BOM, and ; or tab separators', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, ""y""","line\nbreak"\r\n\r\n')).toEqual([['a', 'b'], ['x, "y"', 'line\nbreak']]);
    expect(parseCsv('a;b\n1;2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(parseCsv('a\tb\n1\t2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(() => parseCsv('a,b\n"open')).toThrow('csv: a quoted field is never closed');
  });

  it('recognises the columns event tools export, and a Discord id under “Discord”', () => {
    const rows = attendeeRows('First Name,Last Name,Email Address,Discord,Forum Username,Ticket\nAna,Lima,ANA@example.org,123456789012345678,,VIP\nBen,,,@ben#0,ben_forum,\n');
    expect(rows).toEqual([
      { line: 2, name: 'Ana Lima', email: 'ana@example.org', discordId: '123456789012345678', discordUsername: null, forumUsername: null },
      { line: 3, name: 'Ben', email: null, discordId: null, discordUsername: 'ben', forumUsername: 'ben_forum' },
    ]);
    expect(() => attendeeRows('Name,Ticket\nAna,1')).toThrow(/^csv: expected a header row/);
  });
});

describe('evidence and natural keys', () => {
  it('asks each kind for what proves it, and keeps dates real and not in the future', () => {
    expect(() => checkEvidence('content_published', { day: '2026-11-01' }, NOW)).toThrow(/^url:/);
    expect(() => checkEvidence('event_spoke', { day: '2026-11-01' }, NOW)).toThrow(/^event:/);
    expect(() => checkEvidence('feedback_submitted', { day: '2026-11-01' }, NOW)).toThrow(/^title:/);
    expect(() => checkEvidence('event_spoke', { day: '2026-02-30', event: 'X' }, NOW)).toThrow(/^date:/);
    expect(() => checkEvidence('event_spoke', { day: '2026-11-25', event: 'X' }, NOW)).toThrow(/^date: expected a day from 1980-01-01 to 2026-11-23, not in the future/);
    // The accepted time range, at the door and naming the date (before, the activity's own check
    // refused it later as activities[0].occurredAt, and a member's submission was stored unapprovable).
    expect(() => checkEvidence('event_spoke', { day: '1979-12-31', event: 'X' }, NOW)).toThrow(/^date: expected a day from 1980-01-01/);
    expect(() => checkEvidence('event_spoke', { day: '0000-01-01', event: 'X' }, NOW)).toThrow(/^date:/);
    expect(checkEvidence('event_spoke', { day: '1980-01-01', event: 'X' }, NOW).day).toBe('1980-01-01');
    expect(checkEvidence('event_spoke', { day: '2026-11-01', event: '  Community   Day ' }, NOW)).toEqual({ day: '2026-11-01', event: 'Community Day', title: undefined, url: undefined });
  });

  it('dates a contribution at noon UTC of its day, or now when that noon is still ahead, so a day accepted is never refused by the hour', () => {
    expect(new Date(dayToMillis('2026-11-01', NOW)).toISOString()).toBe('2026-11-01T12:00:00.000Z');
    const morning = Date.parse('2026-11-22T08:00:00Z');
    expect(checkEvidence('event_spoke', { day: '2026-11-23', event: 'X' }, morning).day).toBe('2026-11-23');
    expect(dayToMillis('2026-11-23', morning)).toBe(morning);
  });

  it('gives the same contribution the same key however it is spelled, and different members or days different keys', () => {
    const post = (url: string, who = 'discord|1') => contributionKey('content_published', checkEvidence('content_published', { day: '2026-11-01', url }, NOW), who);
    expect(post('https://Blog.example.org/a/')).toBe(post('https://blog.example.org/a#top'));
    expect(post('https://blog.example.org/a')).not.toBe(post('https://blog.example.org/b'));
    expect(post('https://blog.example.org/a')).not.toBe(post('https://blog.example.org/a', 'discord|2'));
    const talk = (event: string, day: string) => contributionKey('event_spoke', checkEvidence('event_spoke', { day, event }, NOW), 'discord|1');
    expect(talk('Community Day!', '2026-11-01')).toBe(talk('community day', '2026-11-01'));
    expect(talk('Community Day', '2026-11-01')).not.toBe(talk('Community Day', '2026-11-02'));
    const referral = (who: string) => contributionKey('member_referred', { day: '2026-11-01' }, who, 'discord|9');
    expect(referral('discord|1')).toBe(referral('discord|2')); // a newcomer is brought in once
  });
});

describe('manual awards', () => {
  it('allow ±1000 with a reason, and refuse self-awards, bots and 0', () => {
    expect(checkManualAward({ points: -1000, reason: '  double   counted ', self: false, bot: false })).toBe('double counted');
    expect(() => checkManualAward({ points: 1001, reason: 'too much', self: false, bot: false })).toThrow(/^points:/);
    expect(() => checkManualAward({ points: 0, reason: 'nothing', self: false, bot: false })).toThrow(/changes nothing/);
    expect(() => checkManualAward({ points: 5, reason: 'me', self: false, bot: false })).toThrow(/^reason:/);
    expect(() => checkManualAward({ points: 5, reason: 'for me', self: true, bot: false })).toThrow(/cannot award themselves/);
    expect(() => checkManualAward({ points: 5, reason: 'for a bot', self: false, bot: true })).toThrow(/bots/);
  });
});

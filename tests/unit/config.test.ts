import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const withFile = (yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-config-'));
  writeFileSync(join(dir, 'flywheel.yaml'), yaml);
  return { FLYWHEEL_CONFIG: join(dir, 'flywheel.yaml') };
};

describe('configuration', () => {
  it('runs with no configuration at all, on DESIGN.md defaults', () => {
    const c = loadConfig({}, '/nonexistent');
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ client: 'sqlite', filename: './data/flywheel.sqlite' });
    expect(c.rules.kinds.answer_accepted).toEqual({ points: 15, space: 'support', role: 'producer', capped: false });
    expect(c.rules.dailyCap).toBe(200);
    expect(c.rules.pairCooldownMs).toBe(30 * 60_000);
    expect(c.stages.advocateReach).toBe(5);
  });

  it('switches to PostgreSQL from DATABASE_URL alone', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }, '/x').database).toEqual({ client: 'postgres', connectionString: 'postgres://u@h/db' });
  });

  it('requires the site address on PostgreSQL when badges go to the forum, so every instance links to the same site', () => {
    const forum = { DATABASE_URL: 'postgres://u@h/db', DISCOURSE_URL: 'https://forum.example.org', DISCOURSE_API_KEY: 'key' };
    expect(() => loadConfig(forum, '/x')).toThrow(/PUBLIC_URL \(environment\) or community\.siteUrl \(file\): required on PostgreSQL/);
    expect(loadConfig({ ...forum, PUBLIC_URL: 'https://community.example.org' }, '/x').community.siteUrl).toBe('https://community.example.org');
    expect(loadConfig({ ...forum, ...withFile('community:\n  siteUrl: https://c.example.org\n') }, '/x').community.siteUrl).toBe('https://c.example.org');
    // One SQLite process, or no write-back: its own address is the only one there is.
    expect(loadConfig({ ...forum, DATABASE_URL: 'sqlite:./x.sqlite' }, '/x').community.siteUrl).toBe('http://localhost:3000');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', DISCOURSE_URL: 'https://forum.example.org' }, '/x').community.siteUrl).toBe('http://localhost:3000');
  });

  it('reads points, caps and the time zone from the config file', () => {
    const c = loadConfig(withFile('community:\n  timezone: Europe/Berlin\npoints:\n  answer_accepted: 20\ncaps:\n  daily: 150\n'), '/x');
    expect(c.rules.kinds.answer_accepted.points).toBe(20);
    expect(c.rules.dailyCap).toBe(150);
    expect(c.community.timeZone).toBe('Europe/Berlin');
  });

  it('reads fair-play limits over their defaults, turns one off with false, and names a bad one', () => {
    expect(loadConfig({}, '/x').rules.fairPlay).toMatchObject({ endorsementsPerPair: { count: 5, per: 'week' }, acceptedPerPair: { count: 3, per: 'month' }, answersNeedEndorsement: true });
    const c = loadConfig(withFile('fairPlay:\n  endorsementsPerPair: { count: 8, per: day }\n  acceptedPerPair: false\n  answersNeedEndorsement: false\n'), '/x');
    expect(c.rules.fairPlay).toMatchObject({ endorsementsPerPair: { count: 8, per: 'day' }, acceptedPerPair: null, answersNeedEndorsement: false, reviewFromPoints: 20 });
    expect(() => loadConfig(withFile('fairPlay:\n  endorsementsPerPair: { count: 5, per: fortnight }\n'), '/x')).toThrow(/fairPlay\.endorsementsPerPair/);
  });

  it('names the key and what was expected when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' }, '/x')).toThrow(/PORT \(environment\): .*number/i);
    expect(() => loadConfig(withFile('points:\n  answer_accepted: lots\n'), '/x')).toThrow(/points\.answer_accepted .*number/);
    expect(() => loadConfig(withFile('community:\n  timezone: Mars/Olympus\n'), '/x')).toThrow(/community\.timezone .*IANA time zone/);
    expect(() => loadConfig(withFile('pionts: {}\n'), '/x')).toThrow(/pionts|Unrecognized key/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' }, '/x')).toThrow(/DATABASE_URL .*sqlite:/);
  });

  it('reads who signing in with the forum is an admin or a manager, and names a bad entry', () => {
    const c = loadConfig(withFile('access:\n  forumAdmins: [admin]\n  forumManagers: [moderator, "group:community-team"]\n'), '/x');
    expect([c.auth.forumAdmins, c.auth.forumManagers]).toEqual([['admin'], ['moderator', 'group:community-team']]);
    expect(loadConfig({}, '/x').auth.forumManagers).toEqual([]);
    expect(() => loadConfig(withFile('access:\n  forumManagers: [moderators]\n'), '/x')).toThrow(/access\.forumManagers\.0 .*expected admin, moderator or group:<forum group name>/);
    expect(() => loadConfig(withFile('access:\n  forumAdmins: ["group:"]\n'), '/x')).toThrow(/access\.forumAdmins\.0/);
  });

  it('believes forwarded addresses only from proxies it is told to trust, and names a bad entry', () => {
    expect(loadConfig({}, '/x').trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.1' }, '/x').trustProxy).toEqual(['10.0.0.0/8', '192.0.2.1']);
    expect(loadConfig({ TRUST_PROXY: 'false' }, '/x').trustProxy).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'my-proxy' }, '/x')).toThrow(/TRUST_PROXY \(environment\): expected true, false/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' }, '/x')).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ RATE_LIMIT_ALLOW: '127.0.0.1,::1' }, '/x').rateLimitAllow).toEqual(['127.0.0.1', '::1']);
    expect(() => loadConfig({ RATE_LIMIT_ALLOW: 'localhost' }, '/x')).toThrow(/RATE_LIMIT_ALLOW \(environment\): expected IP addresses/);
  });

  it('reads the Discord keys, with thank words per language and stage roles', () => {
    const c = loadConfig(
      {
        ...withFile('discord:\n  thanks:\n    de: { words: [danke], negations: [nein danke] }\n  stageRoles: { contributor: "123456789012345678" }\n  solvedTag: false\n'),
        DISCORD_TOKEN: 't',
        DISCORD_GUILD_ID: '123456789012345678',
        DISCORD_HELP_FORUM_IDS: '123456789012345671, 123456789012345672',
        DISCORD_API_URL: 'http://127.0.0.1:9/api/',
      },
      '/x',
    );
    expect(c.discord).toMatchObject({
      guildId: '123456789012345678',
      helpForumIds: ['123456789012345671', '123456789012345672'],
      apiUrl: 'http://127.0.0.1:9/api',
      acceptEmoji: '✅',
      solvedTag: null,
      stageRoles: { contributor: '123456789012345678' },
    });
    expect(Object.keys(c.discord.thanks)).toEqual(['en', 'de']);
  });

  it('names the Discord key that is wrong', () => {
    expect(() => loadConfig({ DISCORD_GUILD_ID: 'my-server' }, '/x')).toThrow(/DISCORD_GUILD_ID \(environment\): expected a Discord id/);
    expect(() => loadConfig({ DISCORD_HELP_FORUM_IDS: '123456789012345671,help' }, '/x')).toThrow(/DISCORD_HELP_FORUM_IDS \(environment\): expected a Discord id/);
    expect(() => loadConfig(withFile('discord:\n  stageRoles: { champion: "123456789012345678" }\n'), '/x')).toThrow(/discord\.stageRoles/);
  });

  it('reads the issuer contact email Open Badges 2.0 needs, and refuses one that is not an address', () => {
    expect(loadConfig({}, '/nonexistent').community.email).toBeNull();
    expect(loadConfig(withFile('community:\n  email: badges@community.example.org\n'), '/x').community.email).toBe('badges@community.example.org');
    expect(() => loadConfig(withFile('community:\n  email: the forum\n'), '/x')).toThrow(/community\.email .*email address/);
  });

  it('reads the community’s look, and names the key of a bad one', () => {
    const c = loadConfig(withFile('community:\n  name: Rustaceans\n  accentColor: "#aa3311"\n  logo: /static/logo.png\n  links:\n    - { label: Website, url: https://rust.example }\n'), '/x');
    expect(c.community).toMatchObject({ name: 'Rustaceans', accentColor: '#aa3311', logo: '/static/logo.png', tagline: null, links: [{ label: 'Website', url: 'https://rust.example' }] });
    expect(loadConfig({}, '/x').community).toMatchObject({ accentColor: '#2456c7', logo: null, links: [] });
    expect(() => loadConfig(withFile('community:\n  accentColor: red\n'), '/x')).toThrow(/community\.accentColor/);
    expect(() => loadConfig(withFile('community:\n  logo: "javascript:alert(1)"\n'), '/x')).toThrow(/community\.logo/);
    expect(() => loadConfig(withFile('community:\n  links:\n    - { label: Evil, url: "javascript:alert(1)" }\n'), '/x')).toThrow(/community\.links/);
  });
});

/** The pure parts of the public site: avatar addresses, initials, movement, and the next step in words. */
import { describe, expect, it } from 'vitest';
import { avatarUrl, initials, profileUrl } from '../../src/domain/avatars.js';
import { movement } from '../../src/domain/rank-movement.js';
import { stageProgress } from '../../src/domain/stage-progress.js';
import { DEFAULT_STAGE_RULES } from '../../src/domain/stages.js';

describe('avatars', () => {
  it('builds Discord CDN and forum addresses, and refuses what is not an avatar', () => {
    const d = { platform: 'discord' as const, externalId: '123456789012345678', username: 'ana', avatar: 'a_' + 'f'.repeat(32) };
    expect(avatarUrl(d, 100, null)).toBe(`https://cdn.discordapp.com/avatars/123456789012345678/a_${'f'.repeat(32)}.png?size=128`);
    expect(avatarUrl({ ...d, avatar: '"><script>' }, 100, null)).toBeNull();
    const f = { platform: 'discourse' as const, externalId: '7', username: 'bo b', avatar: '/user_avatar/x/bob/{size}/1.png' };
    expect(avatarUrl(f, 64, 'https://forum.test/')).toBe('https://forum.test/user_avatar/x/bob/64/1.png');
    expect(avatarUrl(f, 64, null)).toBeNull();
    expect(avatarUrl({ ...f, avatar: '//cdn.example/{size}.png' }, 64, null)).toBe('https://cdn.example/64.png');
    expect(avatarUrl({ ...f, avatar: 'javascript:alert(1)' }, 64, 'https://forum.test')).toBeNull();
    expect(profileUrl(f, 'https://forum.test')).toBe('https://forum.test/u/bo%20b');
  });

  it('takes up to two initials', () => {
    expect(initials('Ana Lima')).toBe('AL');
    expect(initials('ana')).toBe('A');
    expect(initials('  ')).toBe('?');
    expect(initials('émile zola jr')).toBe('ÉZ');
  });
});

describe('rank movement', () => {
  it('is up, down, new or the same', () => {
    expect(movement(1, 3)).toEqual({ direction: 'up', by: 2 });
    expect(movement(4, 3)).toEqual({ direction: 'down', by: 1 });
    expect(movement(2, null)).toEqual({ direction: 'new' });
    expect(movement(2, 2)).toEqual({ direction: 'same' });
  });
});

describe('the next step on the ladder', () => {
  it('says what a contributor still needs, with real plurals', () => {
    const p = stageProgress('contributor', { activeMonths: 2, reach: 4 }, DEFAULT_STAGE_RULES);
    expect(p.next).toBe('advocate');
    expect(p.needs).toEqual(['Help in 1 more month (2 of 3 in the last 6 months so far).', 'Help 1 more person (4 people helped so far).']);
    expect(p.share).toBeCloseTo((2 / 3 + 4 / 5) / 2);
    expect(stageProgress('contributor', { activeMonths: 0, reach: 1 }, DEFAULT_STAGE_RULES).needs).toEqual([
      'Help in 3 more months (0 of 3 in the last 6 months so far).',
      'Help 4 more people (1 person helped so far).',
    ]);
    expect(stageProgress('advocate', { activeMonths: 0, reach: 0 }, DEFAULT_STAGE_RULES)).toMatchObject({ next: null, share: 1, needs: [] });
    expect(stageProgress(null, { activeMonths: 0, reach: 0 }, DEFAULT_STAGE_RULES).next).toBe('participant');
  });
});

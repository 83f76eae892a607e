/**
 * A stored avatar value can never make the server fetch another host: whatever spelling a forum's
 * avatar_template or a crafted address takes (userinfo, backslashes, a trailing dot, another port
 * or scheme, an IP literal, percent-encoding), the only requests made go to Discord's CDN or the
 * configured forum — and to them by their own names.
 */
import { describe, expect, it } from 'vitest';
import { communityAvatars } from '../../../src/images/avatars.js';
import { avatarUrl } from '../../../src/domain/avatars.js';

const FORUM = 'https://forum.example.org';

describe('avatar fetching', () => {
  it('asks only Discord’s CDN and the forum, however the address is spelled', async () => {
    const asked: string[] = [];
    const fetch = (async (url: string | URL | Request) => {
      asked.push(String(url));
      return new Response(null, { status: 404 });
    }) as typeof globalThis.fetch;
    const avatars = communityAvatars(FORUM, { fetch });
    const hostile = [
      'https://cdn.discordapp.com@evil.example/a.png',
      'https://cdn.discordapp.com:443@evil.example/a.png',
      'https://evil.example\\@cdn.discordapp.com/a.png',
      'https://evil.example#@cdn.discordapp.com/a.png',
      'https://cdn.discordapp.com.evil.example/a.png',
      'https://cdn.discordapp.com./a.png',
      'https://cdn.discordapp.com:8443/a.png',
      'http://cdn.discordapp.com/a.png',
      'https://[::1]/a.png',
      'https://127.0.0.1/a.png',
      'https://0x7f000001/a.png',
      '//evil.example/a.png',
      '\\\\evil.example/a.png',
      '/\\evil.example/a.png',
      'https:evil.example/a.png',
      'https://forum.example.org.evil.example/a.png',
      'https://user:pass@forum.example.org/a.png',
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      'file:///etc/passwd',
    ];
    for (const raw of hostile) await avatars(raw);
    // Percent-encoding of the CDN's own name is still the CDN: fetched by its plain name.
    await avatars('https://cdn%2Ediscordapp%2Ecom/avatars/1/a.png');
    await avatars('/user_avatar/forum.example.org/ana/48/1.png');
    await avatars('/../../@evil.example/a.png');
    expect(asked).toEqual([
      // 'https:evil.example/…' is, as browsers read it, a path on the forum.
      'https://forum.example.org/evil.example/a.png',
      'https://cdn.discordapp.com/avatars/1/a.png',
      'https://forum.example.org/user_avatar/forum.example.org/ana/48/1.png',
      'https://forum.example.org/@evil.example/a.png',
    ]);
  });

  it('turns a forum’s avatar_template into an address on the forum or none', () => {
    const of = (avatar: string) => avatarUrl({ platform: 'discourse', externalId: '7', username: 'ana', avatar }, 96, FORUM);
    expect(of('/user_avatar/forum.example.org/ana/{size}/1.png')).toBe(`${FORUM}/user_avatar/forum.example.org/ana/96/1.png`);
    expect(of('@evil.example/{size}.png')).toBeNull();
    expect(of('javascript:alert(1)')).toBeNull();
    // Discord keeps a hash, never an address.
    expect(avatarUrl({ platform: 'discord', externalId: '1', username: null, avatar: '../../evil' }, 96, FORUM)).toBeNull();
  });
});

/**
 * Members' faces. Identities keep avatars as the platforms give them; these turn them into image
 * addresses (Discord's CDN, the forum's {size} template) and draw a fallback — initials on a
 * colour derived from the member id — for a member with none.
 */
import type { Platform } from './kinds.js';

export interface AvatarSource {
  platform: Platform;
  externalId: string;
  username: string | null;
  avatar: string | null;
}

const DISCORD_HASH = /^(a_)?[0-9a-f]{32}$/;

/** An image address for an identity's avatar at about `size` pixels; null when it has none we can show. */
export function avatarUrl(source: AvatarSource, size: number, forumUrl: string | null): string | null {
  const avatar = source.avatar;
  if (!avatar) return null;
  if (source.platform === 'discord') {
    if (!DISCORD_HASH.test(avatar) || !/^\d{1,21}$/.test(source.externalId)) return null;
    return `https://cdn.discordapp.com/avatars/${source.externalId}/${avatar}.png?size=${discordSize(size)}`;
  }
  if (source.platform === 'discourse') {
    const filled = avatar.replace('{size}', String(size));
    if (filled.startsWith('//')) return `https:${filled}`;
    if (filled.startsWith('/')) return forumUrl ? `${forumUrl.replace(/\/$/, '')}${filled}` : null;
    return /^https?:\/\//.test(filled) ? filled : null;
  }
  return null;
}

/** Discord serves powers of two from 16 to 4096. */
const discordSize = (size: number): number => {
  let s = 16;
  while (s < size && s < 4096) s *= 2;
  return s;
};

/** The first avatar among a member's identities (oldest first) that can be shown. */
export function firstAvatar(sources: readonly AvatarSource[], size: number, forumUrl: string | null): string | null {
  for (const s of sources) {
    const url = avatarUrl(s, size, forumUrl);
    if (url) return url;
  }
  return null;
}

/** Where a member's account lives on its platform, when it has a public page. */
export function profileUrl(source: Pick<AvatarSource, 'platform' | 'externalId' | 'username'>, forumUrl: string | null): string | null {
  if (source.platform === 'discord' && /^\d{1,21}$/.test(source.externalId)) return `https://discord.com/users/${source.externalId}`;
  if (source.platform === 'discourse' && forumUrl && source.username) return `${forumUrl.replace(/\/$/, '')}/u/${encodeURIComponent(source.username)}`;
  if (source.platform === 'github' && source.username && /^[A-Za-z0-9-]{1,39}$/.test(source.username)) return `https://github.com/${source.username}`;
  return null;
}

/** Up to two letters for a name: "Ana Lima" → "AL", "ana" → "A". */
export function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/u).filter((w) => /[\p{L}\p{N}]/u.test(w));
  const letters = words.slice(0, 2).map((w) => [...w.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '');
  return (letters.join('') || '?').toUpperCase();
}

/** A steady hue per member: the same member gets the same colour on every page. */
export function avatarHue(memberId: number): number {
  return (memberId * 137.508) % 360;
}

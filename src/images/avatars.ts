/**
 * Members' pictures for rank cards, fetched on the server — only from where platforms keep them
 * (Discord's CDN, the configured forum), with a short timeout, a size limit and no redirects, so a
 * stored avatar address can never make the server fetch anything else. Kept in memory for an
 * hour (a failure for five minutes), and one fetch per address at a time.
 */

export interface Avatar {
  mime: 'image/png' | 'image/jpeg' | 'image/gif';
  bytes: Buffer;
}

export interface AvatarOptions {
  /** Origins pictures may come from, e.g. https://cdn.discordapp.com and the forum's. */
  origins: readonly string[];
  /** Where a relative address (a forum's `/user_avatar/…`) points. */
  relativeTo?: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  maxEntries?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export const DISCORD_CDN = 'https://cdn.discordapp.com';
const HOUR = 3_600_000;
const FAILURE_MS = 5 * 60_000;

/** The image's type from its first bytes (a server's Content-Type is not trusted). */
export function sniff(bytes: Buffer): Avatar['mime'] | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 6 && (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  return null;
}

export type AvatarFetcher = (url: string | null) => Promise<Avatar | null>;

export function avatarFetcher(options: AvatarOptions): AvatarFetcher {
  const origins = new Set(options.origins.map((o) => new URL(o).origin));
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxBytes = options.maxBytes ?? 512 * 1024;
  const maxEntries = options.maxEntries ?? 1_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const kept = new Map<string, { avatar: Avatar | null; until: number }>();
  const inFlight = new Map<string, Promise<Avatar | null>>();

  async function load(url: string): Promise<Avatar | null> {
    const response = await fetchImpl(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'image/png,image/jpeg,image/gif' } });
    if (!response.ok || !response.body) return null;
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) return null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) return null; // leaving the loop cancels the rest of the body
      chunks.push(Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    const mime = sniff(bytes);
    return mime ? { mime, bytes } : null;
  }

  return async (raw) => {
    if (!raw) return null;
    let url: URL;
    try {
      url = new URL(raw, options.relativeTo ?? undefined);
    } catch {
      return null;
    }
    if (!origins.has(url.origin) || url.username || url.password) return null;
    const key = url.toString();
    const hit = kept.get(key);
    if (hit && hit.until > now()) return hit.avatar;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const job = load(key)
      .catch(() => null)
      .then((avatar) => {
        if (kept.size >= maxEntries) kept.delete(kept.keys().next().value!);
        kept.set(key, { avatar, until: now() + (avatar ? HOUR : FAILURE_MS) });
        inFlight.delete(key);
        return avatar;
      });
    inFlight.set(key, job);
    return job;
  };
}

/** The fetcher for a community: Discord's CDN and its forum (relative forum paths resolve there). */
export function communityAvatars(forumUrl: string | null, extra: Partial<AvatarOptions> = {}): AvatarFetcher {
  return avatarFetcher({ origins: forumUrl ? [DISCORD_CDN, forumUrl] : [DISCORD_CDN], relativeTo: forumUrl, ...extra });
}

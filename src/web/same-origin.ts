/**
 * Where a `next` parameter may send a visitor after sign-in: a path on this site, never another
 * host. Browsers read `/\host`, `//host`, and slashes hidden behind tabs or newlines as another
 * origin, so anything that is not a plain path is refused rather than repaired.
 */

const BASE = 'http://flywheel.invalid';

/** `next` as a same-origin path (normalised), or null when it could lead anywhere else. */
export function sameOriginPath(next: string | null | undefined): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 500) return null;
  // One leading slash, then no second slash or backslash; no backslash, whitespace or control
  // character anywhere (the URL parser drops tabs and newlines and reads `\` as `/`).
  if (!/^\/(?![/\\])/.test(next) || /[\\\s\p{Cc}]/u.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  // Dot segments can leave `//host` behind once resolved (`/..//host`): check what is sent, too.
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === BASE && !path.startsWith('//') ? path : null;
}

/**
 * Badge images, drawn from the catalog: a medal in the tier's colour with the badge's icon and
 * name. SVG for pages and credentials; PNG (rendered from the same SVG) where SVG is not shown —
 * Discord embeds and link previews.
 */
import { createRequire } from 'node:module';
import type { Badge, Tier } from '../domain/badges.js';
import type { ICONS } from '../domain/badge-catalog.js';

const TIER: Record<Tier, { fill: string; rim: string; ink: string }> = {
  bronze: { fill: '#c98a52', rim: '#8a5a2b', ink: '#3b2410' },
  silver: { fill: '#c9d1da', rim: '#7d8894', ink: '#27313b' },
  gold: { fill: '#f2c94c', rim: '#b8860b', ink: '#4a3500' },
};

// 24×24 glyphs, stroked.
const ICON_PATHS: Record<(typeof ICONS)[number], string> = {
  answer: 'M4 5h16v10H9l-5 4z',
  check: 'M4 12l5 5L20 6',
  heart: 'M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z',
  hands: 'M3 14l5-5 3 3 3-3 5 5-4 4H7z',
  flame: 'M12 21c-4 0-6-3-6-6 0-4 4-6 4-10 3 2 8 6 8 10 0 3-2 6-6 6z',
  sprout: 'M12 21V11M12 11C12 6 8 4 4 4c0 4 3 7 8 7zM12 13c0-4 3-6 8-6 0 4-3 6-8 6z',
  star: 'M12 3l2.7 5.6 6.3.9-4.5 4.4 1 6.1-5.5-2.9-5.5 2.9 1-6.1L3 9.5l6.3-.9z',
  trophy: 'M7 4h10v4a5 5 0 0 1-10 0zM7 6H4a3 3 0 0 0 3 4M17 6h3a3 3 0 0 1-3 4M12 13v4M8 20h8',
  crown: 'M3 18l2-10 5 5 2-7 2 7 5-5 2 10z',
  book: 'M4 5a2 2 0 0 1 2-2h6v17H6a2 2 0 0 0-2 1zM20 5a2 2 0 0 0-2-2h-6v17h6a2 2 0 0 1 2 1z',
  mic: 'M9 4a3 3 0 0 1 6 0v7a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3',
  bulb: 'M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c1 1 1 2 1 3h6c0-1 0-2 1-3A6 6 0 0 0 12 3z',
  link: 'M10 14a4 4 0 0 0 5.6 0l3-3a4 4 0 0 0-5.6-5.6l-1 1M14 10a4 4 0 0 0-5.6 0l-3 3a4 4 0 0 0 5.6 5.6l1-1',
  shield: 'M12 3l8 3v6c0 5-4 8-8 9-4-1-8-4-8-9V6z',
  bolt: 'M13 2L4 14h7l-1 8 9-12h-7z',
  chat: 'M3 5h12v8H7l-4 3zM9 15v2h8l4 3V9h-4',
};

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function badgeSvg(badge: Badge): string {
  const t = TIER[badge.tier];
  const name = escape(badge.name.length > 28 ? `${badge.name.slice(0, 27)}…` : badge.name);
  // Long names get a smaller type so they stay inside the ribbon.
  const size = Math.min(18, Math.floor(310 / Math.max(badge.name.length, 1)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="280" viewBox="0 0 240 280" role="img" aria-label="${escape(`${badge.name} (${badge.tier})`)}">
  <title>${escape(badge.name)}</title>
  <circle cx="120" cy="110" r="100" fill="${t.rim}"/>
  <circle cx="120" cy="110" r="88" fill="${t.fill}"/>
  <g transform="translate(72 62) scale(4)" fill="none" stroke="${t.ink}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">
    <path d="${ICON_PATHS[badge.icon as keyof typeof ICON_PATHS]}"/>
  </g>
  <rect x="10" y="226" width="220" height="44" rx="22" fill="${t.rim}"/>
  <text x="120" y="255" text-anchor="middle" font-family="DejaVu Sans, Verdana, sans-serif" font-size="${size}" font-weight="bold" fill="#fff">${name}</text>
</svg>`;
}

const pngCache = new Map<string, Buffer>();
// The renderer is a native module of several megabytes: loaded when the first PNG is asked for, not at start.
const load = createRequire(import.meta.url);
let resvg: typeof import('@resvg/resvg-js') | null = null;

/** A PNG of the badge, rendered once per badge and kept. */
export function badgePng(badge: Badge): Buffer {
  const key = `${badge.id}|${badge.tier}|${badge.icon}|${badge.name}`;
  let png = pngCache.get(key);
  if (!png) {
    resvg ??= load('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
    png = new resvg.Resvg(badgeSvg(badge), { fitTo: { mode: 'width', value: 480 }, font: { loadSystemFonts: true } }).render().asPng();
    pngCache.set(key, png);
  }
  return png;
}

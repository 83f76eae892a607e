/**
 * A member's rank card: picture (or initials), name, stage, all-time rank and points, this month's
 * points and a bar to the next stage. One SVG, rendered to PNG where SVG is not shown — Discord
 * replies and link previews — by the same renderer as the badge images.
 */
import { createRequire } from 'node:module';
import type { RankCard } from '../app/rank-card.js';
import type { Avatar } from './avatars.js';
import { cleanName } from '../domain/validate-activity.js';

export const CARD_WIDTH = 900;
export const CARD_HEIGHT = 300;

// A name stored before names were cleaned may still hold a character XML forbids (a control
// character, U+FFFE/U+FFFF), which would make the whole SVG unreadable to the renderer.
const escape = (s: string): string => cleanName(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const FONT = 'DejaVu Sans, Verdana, sans-serif';
const PALETTE = ['#2456c7', '#0f766e', '#9333ea', '#c2410c', '#be123c', '#4d7c0f', '#0369a1', '#a16207'];

/** Up to two letters from the name's words ("Ana María" → "AM"); "?" when there are none. */
export function initials(name: string): string {
  const words = name.normalize('NFC').split(/[\s._-]+/u).map((w) => [...w.replace(/[^\p{L}\p{N}]/gu, '')][0]).filter((c): c is string => Boolean(c));
  return (words.length > 1 ? words[0]! + words.at(-1)! : (words[0] ?? '?')).toUpperCase();
}

function colourOf(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

/** Shorten to `max` characters (whole code points), with an ellipsis. */
const fit = (s: string, max: number): string => ([...s].length > max ? `${[...s].slice(0, max - 1).join('')}…` : s);
/** A need in a few words, for one line: "Help in 2 more months (1 of 3 …)." → "help in 2 more months". */
const short = (need: string): string => {
  const words = need.replace(/\s*\([^)]*\)/g, '').replace(/:.*$/, '').replace(/\.$/, '').trim();
  return words.charAt(0).toLowerCase() + words.slice(1);
};
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const number = (n: number): string => n.toLocaleString('en-US');

export function rankCardSvg(card: RankCard, avatar: Avatar | null, options: { community: string; accent?: string }): string {
  const accent = options.accent ?? '#4f7df0';
  const name = fit(card.displayName.trim() || 'Member', 30);
  const nameSize = Math.max(26, Math.min(42, Math.floor(570 / Math.max(1, [...name].length * 0.6))));
  const cx = 150;
  const cy = 150;
  const r = 100;
  const picture = avatar
    ? `<clipPath id="round"><circle cx="${cx}" cy="${cy}" r="${r}"/></clipPath>
  <image href="data:${avatar.mime};base64,${avatar.bytes.toString('base64')}" x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" preserveAspectRatio="xMidYMid slice" clip-path="url(#round)"/>`
    : `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colourOf(card.displayName)}"/>
  <text x="${cx}" y="${cy + 27}" text-anchor="middle" font-family="${FONT}" font-size="76" font-weight="bold" fill="#fff">${escape(initials(card.displayName))}</text>`;
  const p = card.progress;
  const barWidth = 570;
  const filled = p.share > 0 ? Math.max(18, Math.round(barWidth * Math.min(1, p.share))) : 0;
  const stats: Array<[string, string]> = [
    ['RANK', card.rank === null ? '—' : `#${number(card.rank)}`],
    ['POINTS', number(card.points)],
    ['THIS MONTH', number(card.month.points)],
  ];
  const next = p.next ? [`Next: ${p.next}`, ...p.needs.map(short)].join(' · ') : 'Top of the ladder';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}" role="img" aria-label="${escape(`${card.displayName}: ${stats.map(([k, v]) => `${k.toLowerCase()} ${v}`).join(', ')}`)}">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1b2540"/><stop offset="1" stop-color="#111827"/></linearGradient></defs>
  <clipPath id="card"><rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" rx="24"/></clipPath>
  <g clip-path="url(#card)">
  <rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="url(#bg)"/>
  <rect x="0" y="0" width="10" height="${CARD_HEIGHT}" fill="${accent}"/>
  <circle cx="${cx}" cy="${cy}" r="${r + 6}" fill="${accent}"/>
  ${picture}
  <text x="290" y="82" font-family="${FONT}" font-size="${nameSize}" font-weight="bold" fill="#ffffff">${escape(name)}</text>
  <text x="290" y="120" font-family="${FONT}" font-size="20" fill="#b8c2d6">${escape(fit(`${capital(card.stage ?? 'newcomer')} · ${options.community}`, 52))}</text>
  ${stats
    .map(
      ([label, value], i) => `<text x="${290 + i * 190}" y="162" font-family="${FONT}" font-size="15" font-weight="bold" letter-spacing="1.5" fill="#8f9bb3">${label}</text>
  <text x="${290 + i * 190}" y="202" font-family="${FONT}" font-size="34" font-weight="bold" fill="#ffffff">${escape(value)}</text>`,
    )
    .join('\n  ')}
  <rect x="290" y="226" width="${barWidth}" height="18" rx="9" fill="#2c3a57"/>
  ${filled ? `<rect x="290" y="226" width="${filled}" height="18" rx="9" fill="${accent}"/>` : ''}
  <text x="290" y="274" font-family="${FONT}" font-size="16" fill="#d5dbe6">${escape(fit(next, 64))}</text>
  </g>
</svg>`;
}

// The renderer is a native module of several megabytes: loaded when the first card is drawn.
const load = createRequire(import.meta.url);
let resvg: typeof import('@resvg/resvg-js') | null = null;

export function rankCardPng(card: RankCard, avatar: Avatar | null, options: { community: string; accent?: string }): Buffer {
  resvg ??= load('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return new resvg.Resvg(rankCardSvg(card, avatar, options), { fitTo: { mode: 'width', value: CARD_WIDTH }, font: { loadSystemFonts: true } }).render().asPng();
}

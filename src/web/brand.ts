/**
 * The community's own look on every page: name, tagline, logo, accent colour and links from the
 * configuration (community.*), a favicon drawn from the name when there is no logo, and the
 * image link previews fall back to.
 */
import { createRequire } from 'node:module';
import type { WebConfig } from '../config.js';

/** What the look is drawn from: the community's name, address, logo, colour and links. */
type Look = Pick<WebConfig, 'community'>;
import { initials } from '../domain/avatars.js';

export interface Brand {
  name: string;
  tagline: string | null;
  logo: string | null;
  accent: string;
  links: Array<{ label: string; url: string }>;
  /** The favicon's address: the logo, or the mark drawn from the name. */
  icon: string;
  /** What link previews of pages without their own say and show. */
  description: string;
  preview: string;
}

export function brandOf(config: Look): Brand {
  const c = config.community;
  return {
    name: c.name,
    tagline: c.tagline,
    logo: c.logo,
    accent: c.accentColor,
    links: c.links,
    icon: c.logo ?? '/favicon.svg',
    description: c.tagline ?? `Points and badges for the people who help in ${c.name}.`,
    preview: previewImage(config),
  };
}

/** An address made absolute against the site's, as link previews need. */
export const absolute = (config: Look, url: string): string => (/^https?:\/\//.test(url) ? url : `${config.community.siteUrl.replace(/\/$/, '')}${url}`);

/** The image a public page's preview shows when it has none of its own: the logo, or the drawn card. */
export const previewImage = (config: Look): string => absolute(config, config.community.logo ?? '/brand.png');

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The community's initials, white on its accent colour: the favicon when there is no logo. */
export function markSvg(brand: Brand): string {
  const letters = escape(initials(brand.name));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${brand.accent}"/><text x="32" y="43" text-anchor="middle" font-family="DejaVu Sans, Verdana, sans-serif" font-size="${letters.length > 1 ? 26 : 34}" font-weight="bold" fill="#fff">${letters}</text></svg>`;
}

/** A 1200×630 preview card: the mark and the community's name and tagline. */
export function previewSvg(brand: Brand): string {
  const name = escape(brand.name.length > 40 ? `${brand.name.slice(0, 39)}…` : brand.name);
  const tagline = brand.tagline ? escape(brand.tagline.length > 70 ? `${brand.tagline.slice(0, 69)}…` : brand.tagline) : 'Points and badges for the people who help';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
  <rect width="1200" height="630" fill="#f6f7fb"/><rect width="1200" height="16" fill="${brand.accent}"/>
  <g transform="translate(96 170) scale(3)">${markSvg(brand).replace(/^<svg[^>]*>|<\/svg>$/g, '')}</g>
  <text x="96" y="470" font-family="DejaVu Sans, Verdana, sans-serif" font-size="64" font-weight="bold" fill="#1d2330">${name}</text>
  <text x="96" y="540" font-family="DejaVu Sans, Verdana, sans-serif" font-size="34" fill="#5b6474">${tagline}</text>
</svg>`;
}

const load = createRequire(import.meta.url);
let resvg: typeof import('@resvg/resvg-js') | null = null;
let preview: { key: string; png: Buffer } | null = null;

/** The preview card as a PNG (link previews do not show SVG), drawn once. */
export function previewPng(brand: Brand): Buffer {
  const key = `${brand.name}|${brand.tagline}|${brand.accent}`;
  if (preview?.key !== key) {
    resvg ??= load('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
    preview = { key, png: Buffer.from(new resvg.Resvg(previewSvg(brand), { font: { loadSystemFonts: true } }).render().asPng()) };
  }
  return preview.png;
}

/** Handlebars helpers, registered from this one list. */
import handlebars from 'handlebars';
import { avatarHue, initials } from '../domain/avatars.js';
import type { Movement } from '../domain/rank-movement.js';
import { counted } from '../domain/words.js';

const html = (s: string) => new handlebars.SafeString(s);
const esc = (v: unknown) => handlebars.escapeExpression(String(v ?? ''));
import { kindLabel } from '../domain/kind-texts.js';

export const viewHelpers: Record<string, (...args: unknown[]) => unknown> = {
  eq: (a: unknown, b: unknown) => a === b,
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  number: (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? '')),
  /** An activity kind in words: "answer_accepted" → "an accepted answer". */
  kindLabel,
  /** A number with a unit, or — when there is none (0 is a value, not nothing). */
  orDash: (n: unknown, unit: unknown) => (typeof n === 'number' ? `${n}${typeof unit === 'string' ? unit : ''}` : '—'),
  /** A share (0–1) as a percentage; — when there is none. */
  pct: (n: unknown) => (typeof n === 'number' ? `${Math.round(n * 100)}%` : '—'),
  /** A date from ms since the epoch (UTC). */
  date: (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 10) : ''),
  datetime: (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : ''),
  /** The date part of an ISO timestamp. */
  day: (iso: unknown) => String(iso ?? '').slice(0, 10),
  /** A count with a real plural: {{counted 3 "badge"}} → "3 badges"; {{counted 1 "person" "people"}} → "1 person". */
  counted: (n: unknown, singular: unknown, plural: unknown) => counted(Number(n ?? 0), String(singular), typeof plural === 'string' ? plural : undefined),
  /** A page's title with the community's name after it, once. */
  pageTitle: (title: unknown, name: unknown) => {
    const t = typeof title === 'string' ? title : '';
    const n = String(name ?? '');
    return !t ? n : t.includes(n) ? t : `${t} — ${n}`;
  },
  /**
   * A member's face: their avatar, or their initials on a colour of their own. Decorative — the
   * name is always next to it — so screen readers skip it.
   */
  avatar: (url: unknown, name: unknown, id: unknown, size: unknown) => {
    const px = typeof size === 'number' ? size : 32;
    if (typeof url === 'string' && url)
      return html(`<img class="avatar" src="${esc(url)}" width="${px}" height="${px}" alt="" loading="lazy" referrerpolicy="no-referrer">`);
    const letters = esc(initials(String(name ?? '')));
    const hue = Math.round(avatarHue(Number(id ?? 0)));
    return html(
      `<svg class="avatar" width="${px}" height="${px}" viewBox="0 0 40 40" aria-hidden="true" focusable="false"><circle cx="20" cy="20" r="20" fill="hsl(${hue} 45% 34%)"/><text x="20" y="25.5" text-anchor="middle" font-size="${letters.length > 1 ? 14 : 17}" font-weight="700" fill="#fff" font-family="system-ui, sans-serif">${letters}</text></svg>`,
    );
  },
  /** Rank movement since the previous period: ▲2, ▼1, new, or – (with words for screen readers). */
  movement: (m: unknown) => {
    const mv = m as Movement | null | undefined;
    if (!mv) return '';
    if (mv.direction === 'up') return html(`<span class="move up" title="up ${mv.by} since the previous period"><span aria-hidden="true">▲${mv.by}</span><span class="visually-hidden">up ${mv.by}</span></span>`);
    if (mv.direction === 'down') return html(`<span class="move down" title="down ${mv.by} since the previous period"><span aria-hidden="true">▼${mv.by}</span><span class="visually-hidden">down ${mv.by}</span></span>`);
    if (mv.direction === 'new') return html('<span class="move new" title="not on the previous period’s board">new</span>');
    return html('<span class="move same" title="same rank as the previous period"><span aria-hidden="true">–</span><span class="visually-hidden">no change</span></span>');
  },
  /** A 0–1 share as a whole percentage for a bar's width and value. */
  percent: (n: unknown) => Math.round(Math.max(0, Math.min(1, Number(n ?? 0))) * 100),
  /** A code in words: "api_token_created" → "api token created". */
  words: (code: unknown) => String(code ?? '').replace(/_/g, ' '),
  /** A count with its noun: "1 member", "15 members" (never "15 member(s)"). */
  plural: (n: unknown, one: unknown, many: unknown) => `${typeof n === 'number' ? n.toLocaleString('en-US') : String(n ?? 0)} ${n === 1 ? String(one) : String(many)}`,
};

/** How the bot words things. Names are escaped so a display name cannot format (or ping) anything. */
import { escapeMarkdown } from 'discord.js';
import type { Stage } from '../domain/stages.js';

export const name = (displayName: string): string => `**${escapeMarkdown(displayName).replace(/@/g, '@\u200b')}**`;

export const points = (n: number): string => `${n} ${Math.abs(n) === 1 ? 'point' : 'points'}`;

export const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

const STAGE_LABEL: Record<Stage, string> = {
  observer: 'observer',
  participant: 'participant',
  contributor: 'contributor',
  advocate: 'advocate',
};

export const stageLabel = (stage: Stage | null): string => (stage ? STAGE_LABEL[stage] : 'not ranked yet');

export const rank = (r: number | null): string => (r === null ? 'unranked' : `#${r}`);

export const PERIOD_LABEL = { week: 'this week', month: 'this month', quarter: 'this quarter', year: 'this year', all: 'all time', day: 'today' } as const;

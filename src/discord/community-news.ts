/**
 * What the bot does back after the pipeline moved: announce new badges and promotions to
 * contributor and advocate (the steps from consuming to producing) in the configured channel —
 * nowhere if none is set — and keep the optional stage and champion roles in step. Hidden members are neither
 * announced nor given a new public role; badges dated long ago (a backfill) are not news.
 */
import type { APIEmbed, Client } from 'discord.js';
import { urls } from '../app/credentials.js';
import { CHAMPION_BADGE } from '../app/champions.js';
import type { Flywheel } from '../app/flywheel.js';
import type { News } from '../app/news.js';
import type { BotConfig, DiscordConfig } from '../config.js';
import { STAGES, type Stage } from '../domain/stages.js';
import type { Logger } from '../logger.js';
import { name } from './presenters.js';

const NEWS_WINDOW_MS = 86_400_000;
const order = (stage: Stage | null): number => (stage ? STAGES.indexOf(stage) : -1);

// Becoming a participant only means someone asked or chatted: worth a role, not a headline.
const CHEER: Partial<Record<Stage, string>> = {
  contributor: 'is now a **contributor** — thank you for helping others!',
  advocate: 'is now an **advocate** — a pillar of this community!',
};

const TIER_MEDAL = { bronze: '🥉', silver: '🥈', gold: '🥇' } as const;
const TIER_COLOR = { bronze: 0xc98a52, silver: 0xc9d1da, gold: 0xf2c94c } as const;
const EMBEDS_PER_MESSAGE = 10;

export async function publishNews(client: Client, fw: Flywheel, bot: BotConfig, news: News, log: Logger): Promise<void> {
  const config = bot.discord;
  const grants = news.grants.filter((g) => g.awardedAt >= fw.now() - NEWS_WINDOW_MS);
  const revoked = news.revoked ?? [];
  const appointed = news.appointed ?? [];
  const told = news.told ?? [];
  if (news.moves.length + grants.length + revoked.length + appointed.length + told.length === 0 || !client.isReady()) return;
  const memberIds = [...new Set([...news.moves, ...grants, ...revoked, ...appointed, ...told].map((m) => m.memberId))];
  const people = new Map((await fw.members.onPlatform(memberIds, 'discord')).map((p) => [p.memberId, p]));
  const badges = new Map(fw.badges.catalog().map((b) => [b.id, b]));
  const lines: string[] = [];
  const embeds: APIEmbed[] = [];
  const link = urls(bot);
  for (const move of news.moves) {
    const person = people.get(move.memberId);
    if (!person || person.hidden) continue;
    if (order(move.to) > order(move.from) && move.to && CHEER[move.to]) lines.push(`🎉 ${name(person.displayName)} ${CHEER[move.to]}`);
    await syncStageRoles(client, config, person.externalId, move.to, log);
  }
  for (const grant of grants) {
    const person = people.get(grant.memberId);
    const badge = badges.get(grant.badgeId);
    if (!person || person.hidden || !badge) continue;
    // An embed per badge: the image (PNG — Discord shows no SVG) links to the award's page.
    embeds.push({
      title: `${TIER_MEDAL[badge.tier]} ${badge.name}`,
      description: `${name(person.displayName)} earned the **${badge.name}** badge — ${badge.description}`,
      url: link.award(grant.awardId),
      thumbnail: { url: link.png(badge.id) },
      color: TIER_COLOR[badge.tier],
    });
    if (badge.id === CHAMPION_BADGE && config.championRoleId) await changeRole(client, config, person.externalId, config.championRoleId, 'add', 'appointed champion', log);
  }
  for (const r of revoked) {
    const person = people.get(r.memberId);
    if (person && r.badgeId === CHAMPION_BADGE && config.championRoleId) await changeRole(client, config, person.externalId, config.championRoleId, 'remove', 'champion term ended', log);
  }
  // A new champion hears it in person (hidden or not: it is their own news).
  for (const a of appointed) {
    const person = people.get(a.memberId);
    if (person) await tellInPerson(client, person.externalId, championWelcome(bot.community.name, a.termEnd), log);
  }
  // Members without a Discord account read it on their page instead.
  for (const t of told) {
    const person = people.get(t.memberId);
    if (person) await tellInPerson(client, person.externalId, t.text, log);
  }
  if ((lines.length === 0 && embeds.length === 0) || !config.announceChannelId) return;
  const channel = await client.channels.fetch(config.announceChannelId).catch(() => null);
  if (!channel?.isSendable()) {
    log.warn({ channel: config.announceChannelId }, 'DISCORD_ANNOUNCE_CHANNEL_ID is not a channel the bot can post in');
    return;
  }
  // Announcements name people without pinging them; long news goes out in several messages.
  for (const chunk of chunks(lines, 1900)) await channel.send({ content: chunk, allowedMentions: { parse: [] } });
  for (let i = 0; i < embeds.length; i += EMBEDS_PER_MESSAGE) await channel.send({ embeds: embeds.slice(i, i + EMBEDS_PER_MESSAGE), allowedMentions: { parse: [] } });
}

async function syncStageRoles(client: Client, config: DiscordConfig, userId: string, stage: Stage | null, log: Logger): Promise<void> {
  const guild = config.guildId ? client.guilds.cache.get(config.guildId) : undefined;
  const stageRoleIds = Object.values(config.stageRoles);
  if (!guild || stageRoleIds.length === 0) return;
  const wanted = stage ? config.stageRoles[stage] : undefined;
  try {
    const member = await guild.members.fetch(userId);
    for (const role of stageRoleIds)
      if (role !== wanted && member.roles.cache.has(role)) await guild.members.removeRole({ user: member.id, role, reason: 'stage changed' });
    if (wanted && !member.roles.cache.has(wanted)) await guild.members.addRole({ user: member.id, role: wanted, reason: `stage: ${stage}` });
  } catch (err) {
    log.warn({ err, member: userId }, 'could not update stage roles (is the bot role above the stage roles, with Manage Roles?)');
  }
}

async function changeRole(client: Client, config: DiscordConfig, userId: string, role: string, change: 'add' | 'remove', why: string, log: Logger): Promise<void> {
  const guild = config.guildId ? client.guilds.cache.get(config.guildId) : undefined;
  try {
    if (change === 'add') await guild?.members.addRole({ user: userId, role, reason: why });
    else await guild?.members.removeRole({ user: userId, role, reason: why });
  } catch (err) {
    log.warn({ err, member: userId, role }, 'could not change a role (is the bot role above it, with Manage Roles?)');
  }
}

const championWelcome = (community: string, termEnd: number): string =>
  `🏆 You have been appointed a champion of ${community} — thank you for everything you do for others. Your term runs until ${new Date(termEnd).toISOString().slice(0, 10)}.`;

async function tellInPerson(client: Client, userId: string, content: string, log: Logger): Promise<void> {
  try {
    const user = await client.users.fetch(userId);
    await user.send({ content, allowedMentions: { parse: [] } });
  } catch (err) {
    // Members may close their DMs; the appointment stands all the same.
    log.info({ err, member: userId }, 'could not send a direct message');
  }
}

function chunks(lines: readonly string[], size: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of lines) {
    const l = line.slice(0, size);
    if (current && current.length + 1 + l.length > size) {
      out.push(current);
      current = l;
    } else current = current ? `${current}\n${l}` : l;
  }
  if (current) out.push(current);
  return out;
}

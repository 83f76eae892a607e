/**
 * What the bot does back when members change stage: announce promotions to contributor and
 * advocate (the steps from consuming to producing) in the configured channel, nowhere if none is
 * set, and keep the optional stage roles in step. Hidden members are neither announced nor given
 * a new public role.
 */
import type { Client } from 'discord.js';
import type { StageMove } from '../app/award-pipeline.js';
import type { Flywheel } from '../app/flywheel.js';
import type { DiscordConfig } from '../config.js';
import { STAGES, type Stage } from '../domain/stages.js';
import type { Logger } from '../logger.js';
import { name } from './presenters.js';

const order = (stage: Stage | null): number => (stage ? STAGES.indexOf(stage) : -1);

// Becoming a participant only means someone asked or chatted: worth a role, not a headline.
const CHEER: Partial<Record<Stage, string>> = {
  contributor: 'is now a **contributor** — thank you for helping others!',
  advocate: 'is now an **advocate** — a pillar of this community!',
};

export async function applyStageMoves(client: Client, fw: Flywheel, config: DiscordConfig, moves: readonly StageMove[], log: Logger): Promise<void> {
  if (moves.length === 0 || !client.isReady()) return;
  const people = new Map((await fw.membersOnPlatform(moves.map((m) => m.memberId), 'discord')).map((p) => [p.memberId, p]));
  const guild = config.guildId ? client.guilds.cache.get(config.guildId) : undefined;
  const stageRoleIds = Object.values(config.stageRoles);
  const lines: string[] = [];
  for (const move of moves) {
    const person = people.get(move.memberId);
    if (!person || person.hidden) continue;
    if (order(move.to) > order(move.from) && move.to && CHEER[move.to]) lines.push(`🎉 ${name(person.displayName)} ${CHEER[move.to]}`);
    if (guild && stageRoleIds.length > 0) {
      const wanted = move.to ? config.stageRoles[move.to] : undefined;
      try {
        const member = await guild.members.fetch(person.externalId);
        for (const role of stageRoleIds)
          if (role !== wanted && member.roles.cache.has(role)) await guild.members.removeRole({ user: member.id, role, reason: 'stage changed' });
        if (wanted && !member.roles.cache.has(wanted)) await guild.members.addRole({ user: member.id, role: wanted, reason: `stage: ${move.to}` });
      } catch (err) {
        log.warn({ err, member: person.externalId }, 'could not update stage roles (is the bot role above the stage roles, with Manage Roles?)');
      }
    }
  }
  if (lines.length === 0 || !config.announceChannelId) return;
  const channel = await client.channels.fetch(config.announceChannelId).catch(() => null);
  if (!channel?.isSendable()) {
    log.warn({ channel: config.announceChannelId }, 'DISCORD_ANNOUNCE_CHANNEL_ID is not a channel the bot can post in');
    return;
  }
  // Announcements name people without pinging them.
  await channel.send({ content: lines.join('\n').slice(0, 2000), allowedMentions: { parse: [] } });
}

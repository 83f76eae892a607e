/** Register the bot's commands with Discord: to the community's server (instant) or globally (slow to spread). */
import { Routes } from 'discord.js';
import type { DiscordConfig } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { discordRest } from './bot.js';
import { COMMANDS } from './commands/index.js';

export interface DeployResult {
  scope: 'guild' | 'global';
  applicationId: string;
  names: string[];
}

export async function deployCommands(config: { discord: DiscordConfig }, scope: 'guild' | 'global'): Promise<DeployResult> {
  if (!config.discord.token) throw new DomainError('invalid_config', 'DISCORD_TOKEN: required to deploy commands');
  if (scope === 'guild' && !config.discord.guildId)
    throw new DomainError('invalid_config', 'DISCORD_GUILD_ID: required to deploy commands to the server (or use --global)');
  const rest = discordRest(config);
  const applicationId = config.discord.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const route = scope === 'guild' ? Routes.applicationGuildCommands(applicationId, config.discord.guildId!) : Routes.applicationCommands(applicationId);
  // A bulk overwrite: commands removed from the list disappear from Discord too.
  const saved = (await rest.put(route, { body: COMMANDS.map((c) => c.data) })) as Array<{ name: string }>;
  return { scope, applicationId, names: saved.map((c) => c.name) };
}

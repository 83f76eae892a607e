/** discord.js users and members → the identities and facts the pipeline and the bot's checks need. */
import { ChannelType, GuildMember, PermissionFlagsBits, type Channel, type PermissionsBitField, type User } from 'discord.js';
import type { DiscordConfig } from '../config.js';
import type { HelpThread, Person } from './activities.js';

/** A guild member as discord.js may hand it over: cached (GuildMember) or raw from an interaction. */
export type AnyMember = GuildMember | { roles: string[]; nick?: string | null | undefined } | null | undefined;

const rolesOf = (member: AnyMember): string[] | null =>
  !member ? null : member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles;

/** What a person is known by: a discord.js User, or the same fields read from the REST API. */
export type UserFacts = Pick<User, 'id' | 'username' | 'globalName' | 'bot' | 'avatar'> & { partial?: boolean };

export function personOf(user: UserFacts, member: AnyMember, staffRoleIds: readonly string[]): Person {
  const roles = rolesOf(member);
  const nick = member instanceof GuildMember ? member.nickname : (member?.nick ?? null);
  return {
    platform: 'discord',
    externalId: user.id,
    username: user.username,
    displayName: nick ?? user.globalName ?? user.username,
    // The avatar hash as Discord gives it (null: the default avatar); a partial user says nothing about it.
    avatar: user.partial ? undefined : user.avatar,
    isBot: user.bot,
    // Unknown roles say nothing: leave the stored flag alone rather than clear it.
    isStaff: roles ? roles.some((r) => staffRoleIds.includes(r)) : undefined,
  };
}

/** The help thread a channel is, if it is a thread in a help forum. */
export function helpThreadOf(channel: Channel | null | undefined, config: DiscordConfig): HelpThread | null {
  if (!channel?.isThread() || !channel.parent) return null;
  return helpThreadFrom({ id: channel.id, ownerId: channel.ownerId, parentId: channel.parent.id, parentType: channel.parent.type, name: channel.name }, config);
}

/** The same rule over plain facts (the history import reads threads over REST): a thread in a help forum. */
export function helpThreadFrom(
  thread: { id: string; ownerId: string | null | undefined; parentId: string | null | undefined; parentType: ChannelType | null | undefined; name?: string | null | undefined },
  config: DiscordConfig,
): HelpThread | null {
  if (!thread.parentId || thread.parentType !== ChannelType.GuildForum || !thread.ownerId) return null;
  if (config.helpForumIds.length > 0 && !config.helpForumIds.includes(thread.parentId)) return null;
  return { id: thread.id, ownerId: thread.ownerId, ...(thread.name ? { title: thread.name } : {}) };
}

const MODERATION = PermissionFlagsBits.ManageMessages | PermissionFlagsBits.ManageThreads;

/** Managers hold the configured manager role; without one, whoever may manage the server. */
export function isManager(member: AnyMember, permissions: Readonly<PermissionsBitField> | null, config: DiscordConfig): boolean {
  if (config.managerRoleId) return rolesOf(member)?.includes(config.managerRoleId) ?? false;
  return permissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

/** Moderators may mark answers in threads they did not open. */
export function isModerator(member: AnyMember, permissions: Readonly<PermissionsBitField> | null, config: DiscordConfig): boolean {
  return (permissions?.any(MODERATION) ?? false) || isManager(member, permissions, config);
}

/** Whether a reaction's emoji is the configured accept emoji (a unicode emoji, a custom emoji's id or name). */
export const isAcceptEmoji = (emoji: { id: string | null; name: string | null }, accept: string): boolean =>
  accept === emoji.name || accept === emoji.id || accept === `<:${emoji.name}:${emoji.id}>`;

/**
 * Whether a reaction marks the answer: the accept emoji, on a reply (not the question) in a help
 * thread, from the asker or a moderator (asked only when needed: it may cost a request).
 */
export async function acceptsAnswer(
  r: { messageId: string; reactorId: string; emoji: { id: string | null; name: string | null }; helpThread: HelpThread | null },
  acceptEmoji: string,
  reactorIsModerator: () => Promise<boolean>,
): Promise<boolean> {
  if (!r.helpThread || r.messageId === r.helpThread.id || !isAcceptEmoji(r.emoji, acceptEmoji)) return false;
  return r.reactorId === r.helpThread.ownerId || (await reactorIsModerator());
}

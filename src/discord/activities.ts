/**
 * Discord facts → activities. Pure: handlers gather plain facts from discord.js objects, these
 * functions name the activities and their natural keys. Everything a message earns is recorded
 * under `discord:message:<id>` (the message itself, thanks it gives, acceptance and reactions it
 * receives), so deleting the message can reverse all of it.
 */
import type { ActivityInput, IdentityRef } from '../domain/activity.js';

export type Person = IdentityRef & { platform: 'discord' };

/** A help-forum thread: its id and the member who opened it. */
export interface HelpThread {
  id: string;
  ownerId: string;
  owner?: Person | undefined;
  /** The post's title: what the site shows for answers in it. */
  title?: string | undefined;
}

export interface MessageFacts {
  id: string;
  at: number;
  url: string;
  author: Person;
  /** Set when the message is in a help-forum thread. */
  helpThread: HelpThread | null;
  /** Members the message thanks (already resolved: reply target, mentions, or the implicit one). */
  thanked: readonly Person[];
}

export const messageRef = (messageId: string): string => `discord:message:${messageId}`;
export const threadRef = (threadId: string): string => `discord:thread:${threadId}`;
const ownerOf = (thread: HelpThread): Person => thread.owner ?? { platform: 'discord', externalId: thread.ownerId };

export function messageActivities(m: MessageFacts): ActivityInput[] {
  const ref = messageRef(m.id);
  const base = { platform: 'discord' as const, occurredAt: m.at, url: m.url };
  const out: ActivityInput[] = [];
  const thread = m.helpThread;
  if (thread && m.id === thread.id)
    out.push({ ...base, key: ref, kind: 'question_asked', actor: m.author, subject: threadRef(thread.id), ...(thread.title ? { payload: { title: thread.title.slice(0, 300) } } : {}) });
  else if (thread && m.author.externalId !== thread.ownerId)
    out.push({ ...base, key: ref, kind: 'answer_posted', actor: m.author, counterpart: ownerOf(thread), subject: threadRef(thread.id) });
  else out.push({ ...base, key: ref, kind: 'message_posted', actor: m.author });
  // Thanks in a help thread name the question: they endorse the thanked member's answer there (fair play).
  const subject = thread ? threadRef(thread.id) : undefined;
  for (const person of m.thanked) out.push(...thanksPair(`${ref}:thanks:${person.externalId}`, m.author, person, m.at, m.url, undefined, subject));
  return out;
}

/** One thank-you: given by `from`, received by `to`, sharing one source. */
export function thanksPair(source: string, from: Person, to: Person, at: number, url?: string, reason?: string, subject?: string): ActivityInput[] {
  const base = { platform: 'discord' as const, occurredAt: at, url, source, ...(reason ? { payload: { reason } } : {}), ...(subject ? { subject } : {}) };
  return [
    { ...base, key: `${source}:given`, kind: 'thanks_given', actor: from, counterpart: to },
    { ...base, key: `${source}:received`, kind: 'thanks_received', actor: to, counterpart: from },
  ];
}

export const acceptanceSource = (messageId: string): string => `${messageRef(messageId)}:accepted`;

/** The answer `messageId` in `thread` was marked as the solution (by the asker or a moderator). */
export function acceptance(messageId: string, author: Person, thread: HelpThread, at: number, url: string): ActivityInput {
  return {
    key: acceptanceSource(messageId),
    kind: 'answer_accepted',
    platform: 'discord',
    actor: author,
    counterpart: ownerOf(thread),
    occurredAt: at,
    subject: threadRef(thread.id),
    url,
  };
}

/** How an emoji is named in keys and matched against the configured accept emoji. */
export const emojiKey = (emoji: { id: string | null; name: string | null }): string => emoji.id ?? emoji.name ?? '?';

export const reactionSource = (messageId: string, reactorId: string, emoji: string): string =>
  `${messageRef(messageId)}:reaction:${reactorId}:${emoji}`;

export function reactionPair(messageId: string, reactor: Person, author: Person, emoji: string, at: number, url: string): ActivityInput[] {
  const source = reactionSource(messageId, reactor.externalId, emoji);
  const base = { platform: 'discord' as const, occurredAt: at, url, source };
  return [
    { ...base, key: `${source}:given`, kind: 'reaction_given', actor: reactor, counterpart: author },
    { ...base, key: `${source}:received`, kind: 'reaction_received', actor: author, counterpart: reactor },
  ];
}

/** What a reaction earns: the accepted answer when it marks one, else a reaction given and received. */
export function reactionActivities(r: {
  messageId: string;
  reactor: Person;
  author: Person;
  emoji: { id: string | null; name: string | null };
  helpThread: HelpThread | null;
  accepts: boolean;
  at: number;
  url: string;
}): ActivityInput[] {
  if (r.accepts && r.helpThread) return [acceptance(r.messageId, r.author, r.helpThread, r.at, r.url)];
  return reactionPair(r.messageId, r.reactor, r.author, emojiKey(r.emoji), r.at, r.url);
}

export const joinActivity = (member: Person, at: number): ActivityInput => ({
  key: `discord:member:${member.externalId}:joined`,
  kind: 'member_joined',
  platform: 'discord',
  actor: member,
  occurredAt: at,
});

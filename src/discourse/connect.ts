/**
 * DiscourseConnect, with the forum as the provider: the member signs in on the forum, which sends
 * back who they are, signed with the shared secret. Used to sign in with the forum, and to prove a
 * forum account when linking it to a Discord account.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.js';

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('hex');

export function connectRequest(forumUrl: string, secret: string, returnUrl: string): { url: string; nonce: string } {
  const nonce = randomBytes(16).toString('hex');
  const sso = Buffer.from(new URLSearchParams({ nonce, return_sso_url: returnUrl }).toString()).toString('base64');
  return { url: `${forumUrl}/session/sso_provider?${new URLSearchParams({ sso, sig: sign(sso, secret) })}`, nonce };
}

export interface ForumAccount {
  id: string;
  username: string;
  name: string | null;
  staff: boolean;
  /** The forum's own roles and the groups the account is in, as the forum says at sign-in. */
  admin: boolean;
  moderator: boolean;
  groups: string[];
}

/** Check the forum's answer: its signature, and that it answers the request this browser made. */
export function connectResponse(sso: string, sig: string, secret: string, nonce: string): ForumAccount {
  const expected = Buffer.from(sign(sso, secret), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(sig) ? Buffer.from(sig, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError('invalid_parameter', 'sig: the forum’s answer is not signed with our secret');
  const params = new URLSearchParams(Buffer.from(sso, 'base64').toString('utf8'));
  if (params.get('nonce') !== nonce) throw new DomainError('invalid_parameter', 'nonce: this sign-in was not started here; please try again');
  const id = params.get('external_id');
  const username = params.get('username');
  if (!id || !username) throw new DomainError('invalid_parameter', 'sso: the forum did not say who you are');
  const admin = params.get('admin') === 'true';
  const moderator = params.get('moderator') === 'true';
  // `groups` is the forum's comma-separated list of group names.
  const groups = (params.get('groups') ?? '').split(',').map((g) => g.trim()).filter(Boolean);
  const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);
  const name = params.get('name');
  return { id, username: clip(username), name: name ? clip(name) : null, staff: admin || moderator, admin, moderator, groups };
}

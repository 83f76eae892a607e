/** Which ways of signing in this community configured: the sign-in page offers exactly these. */
import type { WebConfig } from '../../config.js';
import { oauthConfigured } from './discord-oauth.js';

/** DiscourseConnect with the forum as provider: DISCOURSE_URL and DISCOURSE_CONNECT_SECRET. */
export const forumSignInConfigured = (config: WebConfig): boolean => Boolean(config.discourse.url && config.discourse.connectSecret);

/** An admin can sign in some other way than the password (so no one-time password is printed). */
export const adminSignInConfigured = (config: WebConfig): boolean => oauthConfigured(config) || (forumSignInConfigured(config) && config.auth.forumAdmins.length > 0);

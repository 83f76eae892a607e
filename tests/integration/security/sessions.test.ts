/**
 * Sessions can be ended. Signing out, being taken off the managers (or losing the manager role in
 * Discord), a new admin password and deleting one's data each end a session, on every instance over the database: a replayed cookie
 * is no session. Two apps over one database play two instances (or one instance before and after
 * a restart with a new configuration).
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlywheel } from '../../../src/app/flywheel.js';
import type { Config } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { buildWebApp } from '../../../src/web/app.js';
import { Visitor } from '../../support/browser-session.js';
import { testFlywheel, type TestFlywheel } from '../../support/db.js';
import { APP_ID, FakeDiscord, GUILD_ID, MANAGER_ROLE_ID } from '../../support/fake-discord.js';

const PASSWORD = 'correct horse battery staple';
const MANAGER = '500000000000000001';
const MEMBER = '500000000000000002';
const ROLE_HOLDER = '500000000000000003';

let fake: FakeDiscord;
let fw: TestFlywheel;
const apps: FastifyInstance[] = [];

beforeEach(async () => {
  fake = await new FakeDiscord().start();
  fake.addUser(MANAGER, 'manny');
  fake.addUser(MEMBER, 'mem');
  fake.addUser(ROLE_HOLDER, 'rolly', { roles: [MANAGER_ROLE_ID] });
  fw = await testFlywheel(
    { ADMIN_PASSWORD: PASSWORD, PUBLIC_URL: 'http://flywheel.test', DISCORD_APPLICATION_ID: APP_ID, DISCORD_CLIENT_SECRET: fake.oauthClient.secret, DISCORD_API_URL: fake.apiUrl, DISCORD_OAUTH_URL: fake.baseUrl },
    (c) => void (c.auth.managerDiscordIds = [MANAGER]),
  );
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await fw.close();
  await fake.stop();
});

/** An instance of the site over the test database, with its own configuration. */
async function instance(change: (auth: Config['auth'], discord: Config['discord']) => void = () => {}): Promise<FastifyInstance> {
  const config: Config = { ...fw.config, auth: { ...fw.config.auth, managerDiscordIds: [...fw.config.auth.managerDiscordIds] }, discord: { ...fw.config.discord } };
  change(config.auth, config.discord);
  const app = await buildWebApp(createFlywheel(fw.db, config, () => fw.clock.now), config, createLogger('silent'));
  apps.push(app);
  return app;
}

/** The same browser's cookies, pointed at another instance. */
function sameBrowser(v: Visitor, app: FastifyInstance): Visitor {
  const copy = new Visitor(app);
  for (const part of v.cookieHeader.split('; ')) {
    const at = part.indexOf('=');
    copy.setCookie(part.slice(0, at), decodeURIComponent(part.slice(at + 1)));
  }
  return copy;
}

const sessionRows = async () => Number((await fw.db('sessions').count({ n: '*' }).first())!.n);

describe('a session', () => {
  it('ends at sign-out: the cookie replayed afterwards, on any instance, is no session', async () => {
    const [a, b] = [await instance(), await instance()];
    const admin = new Visitor(a);
    expect((await admin.signInWithPassword(PASSWORD)).statusCode).toBe(303);
    const stolen = sameBrowser(admin, b);
    expect((await stolen.get('/admin/audit')).statusCode).toBe(200); // the session is in the database, not in one process

    expect((await admin.post('/logout', { _csrf: await admin.csrf('/logout') })).statusCode).toBe(303);
    for (const replay of [sameBrowser(stolen, a), stolen]) {
      const res = await replay.get('/admin/audit');
      expect([res.statusCode, res.headers.location]).toEqual([303, '/login?next=%2Fadmin%2Faudit']);
    }

    const member = new Visitor(a);
    await member.signInWithDiscord(fake, MEMBER);
    const copy = sameBrowser(member, b);
    expect((await copy.get('/me')).statusCode).toBe(200);
    await member.post('/logout', { _csrf: await member.csrf('/logout') });
    expect((await copy.get('/me')).statusCode).toBe(303);
  });

  it('stops managing once its manager is taken off access.managerDiscordIds', async () => {
    const before = await instance();
    const manager = new Visitor(before);
    expect((await manager.signInWithDiscord(fake, MANAGER)).headers.location).toBe('/admin');
    expect((await manager.get('/admin/nominations')).statusCode).toBe(200);
    // Unchanged configuration (a restart, another instance): the session holds.
    expect((await sameBrowser(manager, await instance()).get('/admin/nominations')).statusCode).toBe(200);

    const after = await instance((auth) => void (auth.managerDiscordIds = []));
    const replay = sameBrowser(manager, after);
    expect((await replay.get('/admin/nominations')).statusCode).toBe(303);
    expect((await replay.post('/admin/nominations', { member: '1', reason: 'still a manager?' }, 'application/json')).statusCode).toBe(401);
    // Signing in again gives what the configuration grants now: a member's session.
    expect((await replay.signInWithDiscord(fake, MANAGER)).headers.location).toBe('/me');
    expect((await replay.get('/admin/nominations')).statusCode).toBe(403);
  });

  it('stops managing within ten minutes of the manager role being taken away in Discord', async () => {
    const app = await instance((_auth, d) => Object.assign(d, { token: 'bot-token', guildId: GUILD_ID, managerRoleId: MANAGER_ROLE_ID, apiUrl: fake.apiUrl }));
    const manager = new Visitor(app);
    expect((await manager.signInWithDiscord(fake, ROLE_HOLDER)).headers.location).toBe('/admin');
    fw.clock.now += 11 * 60_000;
    expect((await manager.get('/admin/nominations')).statusCode).toBe(200); // asked again: still holds the role

    fake.addUser(ROLE_HOLDER, 'rolly', { roles: [] });
    fw.clock.now += 5 * 60_000;
    expect((await manager.get('/admin/nominations')).statusCode).toBe(200); // confirmed five minutes ago
    fw.clock.now += 6 * 60_000;
    expect((await manager.get('/admin/nominations')).statusCode).toBe(303);
    expect(await fw.db('sessions').where({ platform: 'discord', external_id: ROLE_HOLDER })).toEqual([]);
  });

  it('ends when ADMIN_PASSWORD changes; the new password signs in', async () => {
    const admin = new Visitor(await instance());
    await admin.signInWithPassword(PASSWORD);
    expect((await sameBrowser(admin, await instance()).get('/admin/audit')).statusCode).toBe(200);

    const changed = await instance((auth) => void (auth.adminPassword = 'a brand new long password'));
    const replay = sameBrowser(admin, changed);
    expect((await replay.get('/admin/audit')).statusCode).toBe(303);
    expect((await replay.signInWithPassword(PASSWORD)).statusCode).toBe(401);
    expect((await replay.signInWithPassword('a brand new long password')).statusCode).toBe(303);
    expect((await replay.get('/admin/audit')).statusCode).toBe(200);
    // Without a password at all (Discord sign-in only), no password session survives either.
    const none = await instance((auth) => void (auth.adminPassword = null));
    expect((await sameBrowser(replay, none).get('/admin/audit')).statusCode).toBe(303);
  });

  it('ends on every device when its member deletes their data', async () => {
    const app = await instance();
    const phone = new Visitor(app);
    const laptop = new Visitor(app);
    await phone.signInWithDiscord(fake, MEMBER);
    await laptop.signInWithDiscord(fake, MEMBER);
    expect((await laptop.get('/me')).statusCode).toBe(200);
    expect((await phone.post('/me/delete', { _csrf: await phone.csrf('/me'), confirm: 'DELETE' })).statusCode).toBe(303);
    expect((await laptop.get('/me')).statusCode).toBe(303);
    expect(await fw.db('sessions').where({ platform: 'discord', external_id: MEMBER })).toEqual([]);
  });

  it('lasts seven days; expired sessions are removed', async () => {
    const app = await instance();
    const admin = new Visitor(app);
    await admin.signInWithPassword(PASSWORD);
    fw.clock.now += 7 * 86_400_000 - 60_000;
    expect((await admin.get('/admin/audit')).statusCode).toBe(200);
    fw.clock.now += 120_000;
    expect((await admin.get('/admin/audit')).statusCode).toBe(303);
    expect(await sessionRows()).toBe(1);
    await new Visitor(app).signInWithPassword(PASSWORD);
    expect(await sessionRows()).toBe(1); // the expired one went when the new one came
  });
});

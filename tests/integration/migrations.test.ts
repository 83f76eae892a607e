/**
 * Migrations that reshape derived tables keep every row (an upgrade loses no one's points), and a
 * rebuild leaves the schema as the migrations made it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as scoresByMember from '../../migrations/20261123000000_scores_by_member.js';
import * as scoreBoards from '../../migrations/20261123010000_score_boards.js';
import * as sessionIdentities from '../../migrations/20261205090000_session_identities.js';
import { act, discord, minutes, T0 } from '../support/builders.js';
import { dialect, testFlywheel, type TestFlywheel } from '../support/db.js';
import { rowsOf } from '../../src/db/bulk.js';

let fw: TestFlywheel;
beforeEach(async () => {
  fw = await testFlywheel();
  fw.clock.now = T0 + 86_400_000;
});
afterEach(() => fw.close());

const answer = (id: string, minute: number, extra = {}) => act('answer_accepted', discord(id), minutes(minute), { counterpart: discord('99'), ...extra });
const COLUMNS = ['member_id', 'period', 'period_start', 'space', 'platform', 'points'];
// Scores as members see them, before boards had ids (board named in each row) and since.
const namedScores = () => fw.db('scores').select(COLUMNS).orderBy(COLUMNS);
const boardedScores = () =>
  fw.db('scores as s').join('boards as b', 'b.id', 's.board_id').select('s.member_id', 'b.period', 'b.period_start', 'b.space', 'b.platform', 's.points').orderBy(COLUMNS);

describe('reshaping scores (member first, then boards named by id)', () => {
  it('keeps every score, both ways, and ingest adds to them afterwards', async () => {
    await fw.ingest([answer('1', 1), answer('2', 2), answer('1', 3, { space: 'product' }), answer('3', 4)]);
    const before = await boardedScores();
    expect(before.length).toBeGreaterThan(20);

    await scoreBoards.down(fw.db);
    expect(await namedScores()).toEqual(before);
    await scoresByMember.down(fw.db);
    expect(await namedScores()).toEqual(before);
    await scoresByMember.up(fw.db);
    expect(await namedScores()).toEqual(before);
    await scoreBoards.up(fw.db);
    expect(await boardedScores()).toEqual(before);

    await fw.ingest([answer('2', 5)]);
    const board = (await fw.boards.leaderboard({ period: 'all', limit: 3 })).entries.map((e) => [e.member.displayName, e.points]);
    const one = board[2]![1] as number; // one accepted answer
    expect(board).toEqual([['user2', 2 * one], ['user1', 2 * one], ['user3', one]]);
  });
});

describe('sessions naming the identity that signed in', () => {
  it('keeps a Discord member’s session signed in across the upgrade, and the admin password’s', async () => {
    await fw.ingest([answer('1', 1)]);
    const discordSession = await fw.sessions.start({ identity: { platform: 'discord', externalId: '1' }, name: 'user1', role: 'member', grantKey: 'member' });
    const passwordSession = await fw.sessions.start({ identity: null, name: 'Admin', role: 'admin', grantKey: 'password:x' });
    const forumSession = await fw.sessions.start({ identity: { platform: 'discourse', externalId: '7' }, name: 'forum', role: 'member', grantKey: 'member' });
    await sessionIdentities.down(fw.db);
    // Before: a Discord id or none; a forum session cannot be kept.
    expect((await fw.db('sessions').select('discord_id', 'name').orderBy('name')).map((r) => [r.name, r.discord_id ?? null])).toEqual([['Admin', null], ['user1', '1']]);
    await sessionIdentities.up(fw.db);
    const found = await fw.sessions.find(discordSession.token);
    expect([found?.identity, found?.memberId, found?.name]).toEqual([{ platform: 'discord', externalId: '1' }, (await fw.members.lookup('discord', '1')).id, 'user1']);
    expect((await fw.sessions.find(passwordSession.token))?.identity).toBeNull();
    expect(await fw.sessions.find(forumSession.token)).toBeNull();
  });
});

describe('a recompute', () => {
  it('gives back the board index it sets aside while rolling scores up', async () => {
    const indexes = async () =>
      rowsOf<{ name: string; sql: string }>(
        await fw.db.raw(
          dialect() === 'sqlite'
            ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scores' ORDER BY name"
            : "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = 'scores' ORDER BY indexname",
        ),
      );
    await fw.ingest([answer('1', 1), answer('2', 2)]);
    const before = await indexes();
    expect(before.map((i) => i.name)).toContain('scores_top');
    await fw.maintenance.recompute();
    expect(await indexes()).toEqual(before);
  });
});

/**
 * `flywheel record <kind>` and `flywheel award`: the community team's contributions from a shell
 * or a script — one at a time, or a whole attendee list from a CSV file (all or nothing, with the
 * unmatched rows listed; `--dry-run` only shows the matching).
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Actor } from './app/champions.js';
import type { MemberRef } from './app/contributions.js';
import type { Flywheel } from './app/flywheel.js';
import type { Config } from './config.js';
import { RECORDABLE_KINDS } from './domain/contributions.js';
import { DomainError } from './domain/errors.js';
import { isSpace } from './domain/kinds.js';
import type { Logger } from './logger.js';

type WithFlywheel = (run: (fw: Flywheel, logger: Logger, config: Config) => Promise<void>) => Promise<void>;

interface MemberOptions {
  member?: string;
  discordId?: string;
  forumUsername?: string;
}

const actor = (): Actor => ({ memberId: null, label: `cli:${userInfo().username}` });

function memberRef(o: MemberOptions): MemberRef {
  if (o.discordId) return { account: { discordId: o.discordId } };
  if (o.forumUsername) return { account: { forumUsername: o.forumUsername } };
  if (o.member) return { name: o.member };
  throw new DomainError('invalid_parameter', 'member: give --member <name or #id>, --discord-id or --forum-username');
}

export function registerRecordCommands(program: Command, withFlywheel: WithFlywheel): void {
  program
    .command('record <kind>')
    .description(`record a contribution (${RECORDABLE_KINDS.join(', ')}); recording the same evidence again changes nothing`)
    .option('--member <name>', 'the member: a name, a username or #id')
    .option('--discord-id <id>', 'the member by Discord id')
    .option('--forum-username <name>', 'the member by forum username')
    .option('--referred <name>', 'member_referred: the member who was brought in (name or #id)')
    .requiredOption('--date <day>', 'when it happened, YYYY-MM-DD')
    .option('--url <link>', 'the link (a post, a review, a talk)')
    .option('--event <name>', 'the event')
    .option('--title <text>', 'a title, or the feedback in a line')
    .option('--csv <file>', 'event_attended / event_spoke: an attendee list exported from an event tool')
    .option('--dry-run', 'with --csv: show who matches, record nothing')
    .action((kind: string, o: MemberOptions & { referred?: string; date: string; url?: string; event?: string; title?: string; csv?: string; dryRun?: boolean }) =>
      withFlywheel(async (fw, logger) => {
        if (o.csv) {
          if (kind !== 'event_attended' && kind !== 'event_spoke') throw new DomainError('invalid_parameter', 'csv: attendee lists record event_attended or event_spoke');
          const upload = { kind: kind as 'event_attended' | 'event_spoke', event: o.event ?? '', day: o.date, csv: await readFile(o.csv, 'utf8') };
          const preview = o.dryRun ? await fw.contributions.previewAttendees(upload) : (await fw.contributions.importAttendees(upload, actor())).preview;
          const unmatched = preview.rows.filter((r) => !r.member).map((r) => ({ line: r.row.line, name: r.row.name, why: r.how }));
          logger.info({ matched: preview.matched, unmatched }, o.dryRun ? `${preview.matched} row(s) match a member; nothing recorded (dry run)` : `recorded the ${preview.matched} matched row(s) at once`);
          return;
        }
        const result = await fw.contributions.record(
          { kind, member: memberRef(o), referred: o.referred ? { name: o.referred } : undefined, evidence: { day: o.date, url: o.url, event: o.event, title: o.title } },
          actor(),
        );
        logger.info(result, result.status === 'recorded' ? `recorded ${kind} for ${result.member.name} (+${result.points})` : 'already recorded: nothing changed');
      }),
    );

  program
    .command('award')
    .description('a manual award (±points with a reason), under the same rules as /award in Discord')
    .option('--member <name>', 'the member: a name, a username or #id')
    .option('--discord-id <id>', 'the member by Discord id')
    .option('--forum-username <name>', 'the member by forum username')
    .requiredOption('--points <n>', 'points (negative takes back)', (v) => Number(v))
    .requiredOption('--reason <text>', 'why — shown on the record')
    .option('--space <space>', 'where the points count')
    .option('--ref <id>', 'your own id for this award: running the command again with it records nothing twice')
    .action((o: MemberOptions & { points: number; reason: string; space?: string; ref?: string }) =>
      withFlywheel(async (fw, logger) => {
        if (o.space !== undefined && !isSpace(o.space)) throw new DomainError('invalid_parameter', 'space: expected a known space');
        const result = await fw.contributions.award({
          member: memberRef(o),
          by: actor(),
          points: o.points,
          reason: o.reason,
          space: o.space && isSpace(o.space) ? o.space : undefined,
          origin: `award:${o.ref ?? randomUUID()}`,
          platform: 'web',
        });
        logger.info(result, result.status === 'recorded' ? `awarded ${result.points} to ${result.member.name}` : 'already recorded: nothing changed');
      }),
    );
}

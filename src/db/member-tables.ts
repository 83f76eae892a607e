/**
 * The one list of every column that refers to a member, and what each member operation does with
 * it: a manager's merge and split, the member's export and deletion, and the rebuild from the
 * ledger (`recompute`, and the partial rebuild after a merge) all read it, so none of them can
 * forget a table the others know. A new table or column holding a member id belongs here:
 * tests/integration/member-tables.test.ts reads the live schema on both databases and fails until
 * it is listed. `members` itself is the root these point at, and is not listed.
 */

/** What a merge does with the merged-away member's rows. */
export type MergeRule =
  /** point them at the member who stays (`distinctBy`: drop those the stayer already holds) */
  | 'move'
  /** derived: deleted and rebuilt from the moved ledger */
  | 'rebuilt'
  /** history: left as written (the merged-away member points to the stayer with `merged_into`) */
  | { keep: string };

/** What splitting one platform's account off a member does with the member's rows. */
export type SplitRule =
  /** rows of the split-off platform (the table has a `platform` column) go with the account */
  | 'by-platform'
  | 'rebuilt'
  /** stay with the member: they are not tied to one platform */
  | 'stays';

/** What the personal-data export shows: the rows under `as`, or why there is nothing to show. */
export type ExportRule = { as: string; select: readonly string[]; orderBy: string } | { skip: string };

/** What deleting the member's data on request does with their rows. */
export type EraseRule =
  | 'delete'
  /** the rows stay (anonymous counts), these columns are emptied */
  | { scrub: readonly string[] }
  | { keep: string };

export interface MemberColumn {
  merge: MergeRule;
  split: SplitRule;
  export: ExportRule;
  erase: EraseRule;
}

export interface MemberTable {
  table: string;
  /**
   * `ledger`: the history everything is rebuilt from; `derived`: deleted and rebuilt from the
   * ledger, rows found by `member_id`; `kept`: not derived, or (badge awards, whose ids are
   * public) judged again in place without being deleted.
   */
  rebuild: 'ledger' | 'derived' | 'kept';
  /** Columns that, with a member column, are unique: a merge drops the merged-away member's duplicates. */
  distinctBy?: readonly string[];
  columns: Readonly<Record<string, MemberColumn>>;
}

const derived = (exported: ExportRule = { skip: 'totals derived from the activities and awards above' }): MemberColumn => ({
  merge: 'rebuilt',
  split: 'rebuilt',
  export: exported,
  erase: { keep: 'anonymous counts stay; the member is hidden and nameless' },
});

const TEAM_RECORD = 'a manager’s decision: the community team’s record';

export const MEMBER_TABLES: readonly MemberTable[] = [
  {
    table: 'identities',
    rebuild: 'kept',
    columns: {
      member_id: {
        merge: 'move',
        split: 'by-platform',
        export: { as: 'identities', select: ['platform', 'external_id', 'username', 'display_name', 'avatar', 'created_at'], orderBy: 'id' },
        erase: 'delete',
      },
    },
  },
  {
    table: 'activities',
    rebuild: 'ledger',
    columns: {
      member_id: {
        merge: 'move',
        split: 'by-platform',
        export: { as: 'activities', select: ['natural_key', 'kind', 'platform', 'occurred_at', 'source_url', 'payload'], orderBy: 'id' },
        erase: { scrub: ['source_url', 'payload'] },
      },
      counterpart_member_id: {
        merge: 'move',
        split: 'by-platform',
        export: { skip: 'another member’s activity toward this one' },
        erase: { keep: 'another member’s activity' },
      },
    },
  },
  {
    table: 'awards',
    rebuild: 'derived',
    columns: {
      member_id: derived({ as: 'awards', select: ['kind', 'points', 'reason', 'occurred_at', 'day'], orderBy: 'id' }),
      counterpart_member_id: derived({ skip: 'another member’s award' }),
    },
  },
  { table: 'scores', rebuild: 'derived', columns: { member_id: derived() } },
  { table: 'member_days', rebuild: 'derived', columns: { member_id: derived() } },
  {
    table: 'member_helped',
    rebuild: 'derived',
    columns: { member_id: derived(), helped_member_id: derived({ skip: 'another member’s count of whom they helped' }) },
  },
  {
    table: 'stage_transitions',
    rebuild: 'derived',
    columns: { member_id: derived({ as: 'stages', select: ['stage', 'at'], orderBy: 'id' }) },
  },
  {
    table: 'nominations',
    rebuild: 'kept',
    columns: {
      // Decision notes stay with the community team; the nomination and its outcome are the member's.
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { as: 'nominations', select: ['kind', 'reason', 'space', 'status', 'created_at'], orderBy: 'id' },
        erase: { keep: 'the champion program’s record; the member reads as a deleted member' },
      },
      nominated_by: {
        merge: 'move',
        split: 'stays',
        export: { as: 'nominationsMade', select: ['member_id', 'kind', 'reason', 'space', 'status', 'created_at'], orderBy: 'id' },
        erase: { keep: 'another member’s nomination stands; its nominator reads as a deleted member' },
      },
      decided_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
    },
  },
  {
    table: 'endorsements',
    rebuild: 'kept',
    columns: {
      // The member's voice added to someone's nomination: theirs to take back.
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { as: 'endorsements', select: ['nomination_id', 'reason', 'evidence', 'created_at'], orderBy: 'id' },
        erase: 'delete',
      },
    },
  },
  {
    table: 'champions',
    rebuild: 'kept',
    columns: {
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { as: 'championTerms', select: ['space', 'citation', 'term_start', 'term_end', 'status'], orderBy: 'id' },
        erase: { keep: 'the roster’s history; a deleted member is hidden from it' },
      },
      appointed_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
    },
  },
  {
    table: 'audit_log',
    rebuild: 'kept',
    columns: {
      actor_member_id: {
        merge: { keep: 'the log says who acted as they were then' },
        split: 'stays',
        export: { skip: 'the community team’s log' },
        // Who did what and when stays; the words they wrote (a suggestion's reason) go.
        erase: { scrub: ['note'] },
      },
    },
  },
  {
    table: 'badge_awards',
    rebuild: 'kept',
    distinctBy: ['badge_id', 'instance'],
    columns: {
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { as: 'badges', select: ['id', 'badge_id', 'awarded_at', 'revoked_at'], orderBy: 'id' },
        erase: { keep: 'award ids are public addresses; a deleted member is hidden' },
      },
      // Not a foreign key, but a member all the same: the manager who granted a badge.
      granted_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
    },
  },
  {
    table: 'contribution_submissions',
    rebuild: 'kept',
    columns: {
      // What the member submitted is theirs; the decision note is the community team's.
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { as: 'contributionSubmissions', select: ['kind', 'title', 'url', 'event', 'day', 'note', 'status', 'submitted_at', 'decided_at'], orderBy: 'id' },
        erase: 'delete',
      },
      decided_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
    },
  },
  {
    table: 'api_tokens',
    rebuild: 'kept',
    columns: {
      created_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
    },
  },
  {
    table: 'exclusions',
    rebuild: 'kept',
    columns: {
      // A decision about the member: it follows them through a merge (a spammer does not escape it
      // by being merged into another account), and they may read it — when, why, and whether it was
      // lifted. The reinstating manager's note is the team's, as with a nomination's decision note.
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { as: 'exclusions', select: ['excluded_at', 'reason', 'reinstated_at'], orderBy: 'id' },
        erase: { keep: 'a manager’s decision stands; the member reads as a deleted member' },
      },
      excluded_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
      reinstated_by: { merge: 'move', split: 'stays', export: { skip: TEAM_RECORD }, erase: { keep: TEAM_RECORD } },
    },
  },
  {
    table: 'link_codes',
    rebuild: 'kept',
    columns: {
      member_id: {
        merge: 'move',
        split: 'stays',
        export: { skip: 'only the hash of a code that lives 15 minutes' },
        // A code left behind would link a new forum account to the deleted member.
        erase: 'delete',
      },
    },
  },
];

/** Tables rebuilt from the ledger, each found by `member_id`. */
export const DERIVED_TABLES: readonly string[] = MEMBER_TABLES.filter((t) => t.rebuild === 'derived').map((t) => t.table);

/** Every (table, column) of the list: what the schema test compares with the database. */
export const memberColumns = (): Array<{ table: string; column: string; rule: MemberColumn }> =>
  MEMBER_TABLES.flatMap((t) => Object.entries(t.columns).map(([column, rule]) => ({ table: t.table, column, rule })));

/**
 * Elections through the database: work only one process may do (the Discord gateway) belongs to
 * whoever holds its row in `elections` until `lease_until`. Taking and renewing is one atomic
 * upsert that succeeds only for the holder or once the lease has run out, so it works the same on
 * PostgreSQL (any number of instances) and SQLite. A holder that dies is replaced when its lease
 * ends; one that stops cleanly hands over at once.
 */
import type { Tx } from './knex.js';

/** Take `name` for `holder` until now + leaseMs, or renew it if `holder` has it: true when `holder` holds it now. */
export async function holdLease(db: Tx, name: string, holder: string, now: number, leaseMs: number): Promise<boolean> {
  const result = await db.raw(
    `INSERT INTO elections (name, holder, lease_until, since) VALUES (?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET
       holder = excluded.holder,
       lease_until = excluded.lease_until,
       since = CASE WHEN elections.holder = excluded.holder THEN elections.since ELSE excluded.since END
     WHERE elections.holder = excluded.holder OR elections.lease_until <= ?
     RETURNING holder`,
    [name, holder, now + leaseMs, now, now],
  );
  // pg answers { rows }, sqlite3 the rows themselves.
  const rows = (Array.isArray(result) ? result : result.rows) as Array<{ holder: string }>;
  return rows.length === 1 && rows[0]!.holder === holder;
}

/** Give `name` up at once (only its holder can). */
export async function releaseLease(db: Tx, name: string, holder: string): Promise<void> {
  await db('elections').where({ name, holder }).delete();
}


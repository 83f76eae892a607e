/** How long each statement takes on a knex instance, from knex's own query events (for /metrics). */
import type { Db } from './knex.js';

type Started = { __knexQueryUid?: string };

export function timeQueries(db: Db, observe: (seconds: number, ok: boolean) => void): void {
  const started = new Map<string, bigint>();
  const done = (query: Started, ok: boolean) => {
    const uid = query?.__knexQueryUid;
    const at = uid ? started.get(uid) : undefined;
    if (uid === undefined || at === undefined) return;
    started.delete(uid);
    observe(Number(process.hrtime.bigint() - at) / 1e9, ok);
  };
  db.on('query', (query: Started) => {
    if (query?.__knexQueryUid) started.set(query.__knexQueryUid, process.hrtime.bigint());
  });
  db.on('query-response', (_response: unknown, query: Started) => done(query, true));
  db.on('query-error', (_error: unknown, query: Started) => done(query, false));
}

/**
 * This process among the instances sharing one database (Flywheel's `instance`): its name — who
 * claimed a row, who holds an election — and running for a job only one instance may do.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/knex.js';
import { runForElection, type Election, type ElectionHandlers } from './election.js';

export const instanceName = (): string => `${hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface Instance {
  /** This process's name in claims and elections (host, pid and a random part): unique per start. */
  readonly name: string;
  /** Run for a job only one instance may do (e.g. the Discord gateway), elected through the database. */
  elect(job: string, handlers: ElectionHandlers, options?: { leaseMs?: number; everyMs?: number }): Promise<Election>;
}

/** `db` is the writer's connection: leases are taken and renewed on it. */
export function instanceUseCases(db: Db, now: () => number): Instance {
  const name = instanceName();
  return {
    name,
    elect: (job, handlers, options) => runForElection(db, job, name, handlers, { now, ...options }),
  };
}

/** `flywheel backup`: SQLite's VACUUM INTO writes a consistent snapshot of a live database in one statement. */
import { existsSync } from 'node:fs';
import { DomainError } from '../domain/errors.js';
import { isPostgres, type Db } from './knex.js';

export async function backupDatabase(db: Db, file: string): Promise<void> {
  if (isPostgres(db)) throw new DomainError('invalid_parameter', 'backup: on PostgreSQL, use pg_dump (the server has its own consistent backups)');
  if (existsSync(file)) throw new DomainError('invalid_parameter', `file: ${file} exists already; choose a new name`);
  await db.raw('VACUUM INTO ?', [file]);
}

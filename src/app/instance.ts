/** A name for this process among the instances sharing one database: who claimed a row, who holds an election. */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export const instanceName = (): string => `${hostname().slice(0, 60)}:${process.pid}:${randomBytes(4).toString('hex')}`;

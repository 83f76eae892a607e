/**
 * One pino logger for the process; adapters take child loggers. In a terminal the lines are
 * human-readable (pino-pretty, in-process: no worker thread); piped or redirected they are JSON
 * for a log collector. LOG_FORMAT=json|pretty overrides the guess.
 */
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

export type LogFormat = 'auto' | 'json' | 'pretty';

export function createLogger(level: string, format: LogFormat = 'auto', stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Logger {
  const pretty = format === 'pretty' || (format === 'auto' && stream.isTTY === true);
  const options = { level, base: { app: 'flywheel' } };
  if (!pretty) return stream === process.stdout ? pino(options) : pino(options, stream);
  return pino(options, PinoPretty({ destination: stream, sync: true, colorize: stream.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app,adapter,reqId' }));
}

/** One pino logger for the process; adapters take child loggers. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'flywheel' } });
}

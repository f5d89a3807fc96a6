import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs to stderr-free stdout; one child logger per component. */
export function createLogger(component: string, level: string = 'info'): Logger {
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime });
}

import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Creates the structured logger every component uses: one JSON object per line on stdout, or
 * colourised single lines when stdout is a terminal (or HELIOS_LOG_FORMAT=pretty).
 */
export function createLogger(component: string, level = process.env.HELIOS_LOG_LEVEL ?? 'info'): Logger {
  const format = process.env.HELIOS_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const base = { component };
  if (format === 'pretty') {
    return pino({ level, base }, pino.transport({ target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } }));
  }
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime });
}

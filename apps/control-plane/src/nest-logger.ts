import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@helios/config';

/** Routes Nest's own log lines into the component's structured (pino) log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.logger.info({ context: contextOf(rest) }, String(message));
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?): keep the stack as a field, not in the message.
    const [stack] = rest;
    this.logger.error({ context: contextOf(rest), stack: typeof stack === 'string' && rest.length > 1 ? stack : undefined }, String(message));
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn({ context: contextOf(rest) }, String(message));
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug({ context: contextOf(rest) }, String(message));
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.trace({ context: contextOf(rest) }, String(message));
  }
}

function contextOf(rest: unknown[]): string | undefined {
  const last = rest.at(-1);
  return typeof last === 'string' ? last : undefined;
}

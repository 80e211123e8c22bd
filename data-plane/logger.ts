import { pino } from 'pino';
import { LOG_REDACT_PATHS, REDACTED, scrubSecrets, scrubSerializedError } from '../shared/logging/redaction.ts';

/** The logging surface the data plane uses; a pino logger fits it. */
export type Logger = Pick<pino.Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * pino options every Tollgate logger uses: JSON lines, ISO time, secrets redacted by path, and
 * error messages and stacks scrubbed of anything key-shaped (an upstream may echo a key).
 */
export function redactingLogOptions(level: string, base: Record<string, unknown> = {}): pino.LoggerOptions {
  return {
    level,
    base: { pid: process.pid, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
    serializers: { err: (error: Error) => scrubSerializedError(pino.stdSerializers.err(error)) },
    hooks: {
      // Free-text messages too: the rare `logger.warn(\`...${something}\`)` must not leak either.
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
}

/** A redacting JSON logger for a plane (`plane: 'data' | 'control'` on every line). */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: pino.DestinationStream): pino.Logger {
  return destination ? pino(redactingLogOptions(level, base), destination) : pino(redactingLogOptions(level, base));
}

/** For tests and embedders that pass no logger. */
export const silentLogger: Logger = pino({ level: 'silent' });

import { pino } from 'pino';

/** The logging surface the data plane uses; a pino logger fits it. */
export type Logger = Pick<pino.Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** For tests and embedders that pass no logger. */
export const silentLogger: Logger = pino({ level: 'silent' });

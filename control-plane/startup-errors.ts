import type { Server } from 'node:http';

/**
 * A start-up failure the operator can fix, worded as the fix. The entry points print its message
 * alone (no stack) and exit 1; anything else is unexpected and printed with its stack.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** Listens, or fails at once with the reason (port in use, not permitted...) as a StartupError. */
export function listen(server: Server, port: number, host: string, variable: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, port, host, variable));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string, variable: string): Error {
  const where = `${host}:${port}`;
  if (error.code === 'EADDRINUSE') {
    return new StartupError(
      `cannot listen on ${where}: the port is already in use (EADDRINUSE). Stop the other process or choose another port with ${variable}.`,
      { cause: error },
    );
  }
  if (error.code === 'EACCES') {
    return new StartupError(`cannot listen on ${where}: permission denied (EACCES); ports below 1024 need privileges. Choose another port with ${variable}.`, {
      cause: error,
    });
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new StartupError(`cannot listen on ${where}: no such local address (EADDRNOTAVAIL). Check HOST.`, { cause: error });
  }
  return new StartupError(`cannot listen on ${where}: ${error.message}`, { cause: error });
}

/**
 * The database cannot be opened: a hint instead of the driver's (or the WebAssembly migration
 * engine's) stack. Unknown errors are returned unchanged.
 */
export function explainDatabaseError(error: unknown, databaseUrl: string | undefined): unknown {
  if (!databaseUrl) return error;
  let target = 'PostgreSQL';
  let name = '';
  try {
    const url = new URL(databaseUrl);
    name = decodeURIComponent(url.pathname.replace(/^\//, ''));
    target = `PostgreSQL at ${url.hostname}:${url.port || 5432}`;
  } catch {
    // The environment check already refused a malformed URL.
  }
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const hint = (text: string) => new StartupError(`${text} (DATABASE_URL)`, { cause: error });
  if (code === '3D000' || /database .* does not exist/i.test(message)) {
    return hint(
      `the database ${JSON.stringify(name)} does not exist on ${target}: create it (createdb ${name || '<name>'}, or CREATE DATABASE) or point DATABASE_URL at an existing one`,
    );
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|can't reach database server/i.test(message)) {
    return hint(`cannot connect to ${target}: connection refused. Is PostgreSQL running there, and is the host and port right?`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|getaddrinfo/i.test(message)) {
    return hint(`cannot resolve the host of ${target}: check the host name`);
  }
  if (code === '28P01' || code === '28000' || /password authentication failed|authentication failed/i.test(message)) {
    return hint(`${target} refused the credentials: check the user and password`);
  }
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) {
    return hint(`connecting to ${target} timed out: check the network and firewall`);
  }
  return error;
}

/** What an entry point prints for a failed start: the hint alone, or the unexpected error with its stack. */
export function describeStartupFailure(error: unknown): string {
  return error instanceof StartupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
}

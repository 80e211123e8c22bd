/**
 * External services for tests (PostgreSQL, Redis). A test that needs one skips, loudly, when it is
 * down on a developer's machine; CI sets REQUIRE_SERVICES=1 so a missing service fails instead.
 */
import net from 'node:net';

/** TEST_DATABASE_URL, else the local PostgreSQL the dev containers provide. */
export function postgresUrl(): string {
  return process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
}

/** TEST_REDIS_URL, else the local Redis. */
export function redisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}

/** Whether a TCP connection to the URL's host and port opens within `timeoutMs`. */
export function isReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  const defaultPort = protocol.startsWith('redis') ? 6379 : 5432;
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) || defaultPort });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when the tests that need `name` should run. When it is unreachable: throws if
 * REQUIRE_SERVICES=1, else warns loudly and returns false so the caller skips
 * (`describe.skipIf(!(await requireOrSkip('PostgreSQL', await isReachable(url))))`).
 */
export async function requireOrSkip(name: string, reachable: boolean | Promise<boolean>): Promise<boolean> {
  if (await reachable) return true;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${name} is not reachable, and REQUIRE_SERVICES=1 requires it`);
  console.warn(`\n!!! SKIPPING tests that need ${name}: it is not reachable. Set REQUIRE_SERVICES=1 to fail instead.\n`);
  return false;
}

import type { TemplatedApp, us_listen_socket, us_socket } from 'uWebSockets.js';
import uWS from 'uWebSockets.js';
import { createServer } from 'node:net';
import { assertNativeUws } from './uws-native.ts';

/** The native module exports this flag at top level; the typings only as an enum member. */
const EXCLUSIVE_PORT = (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: number }).LIBUS_LISTEN_EXCLUSIVE_PORT;

export interface ListeningServer {
  app: TemplatedApp;
  port: number;
  close(): void;
}

/** A uWS app on the native binary, or an error: never the slow JS fallback. */
export function createUwsApp(): TemplatedApp {
  assertNativeUws();
  return uWS.App();
}

/** Listens on host:port (0 picks a free port) and reports the port actually bound. */
export function listen(app: TemplatedApp, host: string, port: number): Promise<ListeningServer> {
  // uWS listens with SO_REUSEPORT by default: a second gateway started on a busy port would
  // silently share its traffic. Exclusive makes that a start-up error. (The typings lack this
  // overload; the native binary has it.)
  const listenExclusive = app.listen as unknown as (host: string, port: number, options: number, cb: (socket: us_listen_socket | false) => void) => void;
  return new Promise((resolve, reject) => {
    listenExclusive.call(app, host, port, EXCLUSIVE_PORT, (socket: us_listen_socket | false) => {
      if (!socket) {
        void listenFailure(host, port).then(reject);
        return;
      }
      resolve({
        app,
        port: uWS.us_socket_local_port(socket as unknown as us_socket),
        close() {
          uWS.us_listen_socket_close(socket);
          // app.close() (native since v20.x, missing from the typings) also drops open keep-alive
          // connections, which the listen socket alone would leave serving.
          (app as TemplatedApp & { close?: () => void }).close?.();
        },
      });
    });
  });
}

/**
 * Why uWS could not listen: it reports only failure, so the same bind is tried with node:net,
 * whose error carries the reason (EADDRINUSE, EACCES, EADDRNOTAVAIL...). Should that bind work
 * (the port freed in between), the error says the reason is unknown.
 */
function listenFailure(host: string, port: number): Promise<Error> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the address is already in use (EADDRINUSE): another process listens on this port' : error.message;
      resolve(Object.assign(new Error(`could not listen on ${host}:${port}: ${reason}`), { code: error.code }));
    });
    probe.listen({ host, port, exclusive: true }, () => {
      probe.close();
      resolve(new Error(`could not listen on ${host}:${port} (the reason is unknown: the address was free when checked again)`));
    });
  });
}

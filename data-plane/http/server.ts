import uWS from 'uWebSockets.js';
import type { TemplatedApp, us_listen_socket, us_socket } from 'uWebSockets.js';
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
        reject(new Error(`could not listen on ${host}:${port}`));
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

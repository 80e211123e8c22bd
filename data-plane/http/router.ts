import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Logger } from '../logger.ts';
import { type ErrorFormat, type Exchange, type FinishedExchange, UwsExchange } from './exchange.ts';
import { declaredContentLength, readBody } from './read-body.ts';

export type RouteHandler = (exchange: Exchange) => void | Promise<void>;

export interface RouteOptions {
  /** Read the body (up to this many bytes) before calling the handler; 413 beyond it. */
  maxBodyBytes?: number;
  /** The route's error protocol, from the first possible error on (body too large included). */
  errorFormat?: ErrorFormat;
}

/**
 * Sees every request of the router (metrics, in-flight tracking, drain). `route` is the registered
 * pattern, never the raw path, so it is safe as a metric label.
 */
export interface RequestObserver {
  /** Before the body is read: a returned error refuses the request (and closes the connection). */
  admit?(exchange: FinishedExchange, route: string): unknown;
  started?(exchange: FinishedExchange, route: string): void;
  /** Once the handler settled and the response was rendered (or the client left). */
  finished?(exchange: FinishedExchange, route: string): void;
}

/**
 * Registers routes on a uWS app, turning each request into an Exchange. Every handler error is
 * rendered by the exchange, so a bug in one request never takes the server down.
 */
export function createRouter(app: TemplatedApp, logger: Logger, observer: RequestObserver = {}) {
  function register(method: 'get' | 'head' | 'post' | 'any', pattern: string, options: RouteOptions, handler: RouteHandler): void {
    app[method](pattern, (res: HttpResponse, req: HttpRequest) => {
      const exchange = new UwsExchange(res, req, logger);
      if (options.errorFormat) exchange.setErrorFormat(options.errorFormat);
      if (exchange.framingError) {
        refuseFraming(exchange, exchange.framingError, pattern);
        return;
      }
      const refusal = observer.admit?.(exchange, pattern);
      observer.started?.(exchange, pattern);
      const done = () => observer.finished?.(exchange, pattern);
      if (refusal) {
        // The body, if any, is left unread on the wire: the connection cannot carry another request.
        exchange.closeConnection = true;
        exchange.fail(refusal);
        done();
        return;
      }
      if (options.maxBodyBytes === undefined) {
        run(exchange, handler, done);
        return;
      }
      readBody(res, options.maxBodyBytes, declaredContentLength(exchange.headers['content-length']), exchange.cancellation).then(
        (body) => {
          exchange.body = body;
          run(exchange, handler, done);
        },
        (error: unknown) => {
          if (!exchange.cancellation.aborted) {
            // The rest of the body is still on the wire: the connection cannot carry another request.
            exchange.closeConnection = true;
            exchange.fail(error);
          }
          done();
        },
      );
    });
  }

  /**
   * A request whose body length is ambiguous: answered with the refusal and the connection closed.
   * The answer waits for the next turn of the event loop on purpose: answered inside this
   * callback, uWS goes on parsing the bytes after the request (a smuggled second request) on the
   * same connection and serves them; with the answer still pending it aborts the connection
   * instead. Either way no byte after an unsound request is ever served.
   */
  function refuseFraming(exchange: UwsExchange, error: unknown, pattern: string): void {
    exchange.closeConnection = true;
    observer.started?.(exchange, pattern);
    setImmediate(() => {
      exchange.fail(error);
      observer.finished?.(exchange, pattern);
    });
  }

  function run(exchange: UwsExchange, handler: RouteHandler, done: () => void): void {
    const finish = () => {
      if (exchange.isOpen) exchange.fail(new Error(`handler for ${exchange.method} ${exchange.path} returned without responding`));
      done();
    };
    try {
      const pending = handler(exchange);
      if (pending) {
        pending.then(finish, (error: unknown) => {
          exchange.fail(error);
          done();
        });
      } else finish();
    } catch (error) {
      exchange.fail(error);
      done();
    }
  }

  return {
    get: (pattern: string, handler: RouteHandler) => {
      register('get', pattern, {}, handler);
      // HEAD is GET without the body (the exchange leaves it out): uWS routes it apart.
      register('head', pattern, {}, handler);
    },
    post: (pattern: string, options: RouteOptions, handler: RouteHandler) => register('post', pattern, options, handler),
    any: (pattern: string, handler: RouteHandler) => register('any', pattern, {}, handler),
  };
}

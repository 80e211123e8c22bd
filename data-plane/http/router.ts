import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Logger } from '../logger.ts';
import { type Exchange, UwsExchange } from './exchange.ts';
import { declaredContentLength, readBody } from './read-body.ts';

export type RouteHandler = (exchange: Exchange) => void | Promise<void>;

export interface RouteOptions {
  /** Read the body (up to this many bytes) before calling the handler; 413 beyond it. */
  maxBodyBytes?: number;
}

/**
 * Registers routes on a uWS app, turning each request into an Exchange. Every handler error is
 * rendered by the exchange, so a bug in one request never takes the server down.
 */
export function createRouter(app: TemplatedApp, logger: Logger) {
  function register(method: 'get' | 'post' | 'any', pattern: string, options: RouteOptions, handler: RouteHandler): void {
    app[method](pattern, (res: HttpResponse, req: HttpRequest) => {
      const exchange = new UwsExchange(res, req, logger);
      if (options.maxBodyBytes === undefined) {
        run(exchange, handler);
        return;
      }
      readBody(res, options.maxBodyBytes, declaredContentLength(exchange.headers['content-length']), exchange.signal).then(
        (body) => {
          exchange.body = body;
          run(exchange, handler);
        },
        (error: unknown) => {
          if (exchange.signal.aborted) return;
          // The rest of the body is still on the wire: the connection cannot carry another request.
          exchange.closeConnection = true;
          exchange.fail(error);
        },
      );
    });
  }

  function run(exchange: UwsExchange, handler: RouteHandler): void {
    const finish = () => {
      if (exchange.isOpen) exchange.fail(new Error(`handler for ${exchange.method} ${exchange.path} returned without responding`));
    };
    try {
      const pending = handler(exchange);
      if (pending) pending.then(finish, (error: unknown) => exchange.fail(error));
      else finish();
    } catch (error) {
      exchange.fail(error);
    }
  }

  return {
    get: (pattern: string, handler: RouteHandler) => register('get', pattern, {}, handler),
    post: (pattern: string, options: RouteOptions, handler: RouteHandler) => register('post', pattern, options, handler),
    any: (pattern: string, handler: RouteHandler) => register('any', pattern, {}, handler),
  };
}

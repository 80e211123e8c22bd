import { GatewayError } from './gateway-error.ts';

/** Constructors for the errors a client's own request causes, so messages stay consistent. */

export const invalidRequest = (message: string, param: string | null = null, code = 'invalid_request_error') =>
  new GatewayError({ status: 400, type: 'invalid_request_error', code, message, param });

export const missingApiKey = () =>
  new GatewayError({
    status: 401,
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'No API key provided. Send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.',
  });

export const invalidApiKey = () =>
  new GatewayError({ status: 401, type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' });

export const revokedApiKey = () =>
  new GatewayError({ status: 401, type: 'authentication_error', code: 'api_key_revoked', message: 'This API key has been revoked.' });

/** Blocked by an admin of its team or the platform (undoable), as opposed to revoked. */
export const blockedApiKey = () =>
  new GatewayError({ status: 403, type: 'permission_error', code: 'api_key_blocked', message: 'This API key has been blocked by an administrator.' });

export const expiredApiKey = () =>
  new GatewayError({ status: 401, type: 'authentication_error', code: 'api_key_expired', message: 'This API key has expired.' });

export const teamBlocked = () =>
  new GatewayError({ status: 403, type: 'permission_error', code: 'team_blocked', message: 'The team of this API key is blocked.' });

/** Same answer for "no such model" and "not yours": a key cannot probe the catalogue. */
export const modelNotFound = (model: string) =>
  new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
  });

export const routeNotFound = (method: string, path: string) =>
  new GatewayError({ status: 404, type: 'not_found_error', code: 'route_not_found', message: `Unknown route: ${method} ${path}` });

export const bodyTooLarge = (limitBytes: number) =>
  new GatewayError({
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    message: `The request body exceeds the limit of ${limitBytes} bytes.`,
  });

export const snapshotNotLoaded = () =>
  new GatewayError({
    status: 503,
    type: 'service_unavailable',
    code: 'not_ready',
    message: 'The gateway has not loaded its configuration yet; retry shortly.',
    retryAfterSeconds: 1,
  });

import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { anthropicError } from './anthropic-errors.ts';

const error = (status: number, type: ConstructorParameters<typeof GatewayError>[0]['type'] = 'invalid_request_error') =>
  new GatewayError({ status, type, code: 'c', message: 'm' });

describe("the gateway's errors in Anthropic's shape", () => {
  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error'],
    [401, 'authentication_error', 401, 'authentication_error'],
    [403, 'permission_error', 403, 'permission_error'],
    [404, 'not_found_error', 404, 'not_found_error'],
    [413, 'invalid_request_error', 413, 'request_too_large'],
    [429, 'rate_limit_error', 429, 'rate_limit_error'],
    [429, 'insufficient_quota', 402, 'billing_error'],
    [502, 'upstream_error', 500, 'api_error'],
    [503, 'service_unavailable', 529, 'overloaded_error'],
    [504, 'timeout_error', 504, 'timeout_error'],
    [500, 'internal_error', 500, 'api_error'],
  ] as const)('%i %s -> %i %s', (status, type, anthropicStatus, anthropicType) => {
    expect(anthropicError(error(status, type))).toEqual({ status: anthropicStatus, body: { type: 'error', error: { type: anthropicType, message: 'm' } } });
  });
});

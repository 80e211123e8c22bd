import { describe, expect, it } from 'vitest';
import { parseRetryAfter, redactSecret, upstreamHttpError } from './upstream-errors.ts';

describe('upstream error mapping', () => {
  it.each([
    [400, 400, 'upstream_rejected_request'],
    [401, 502, 'upstream_auth_failed'],
    [403, 502, 'upstream_auth_failed'],
    [404, 502, 'upstream_model_not_found'],
    [408, 504, 'upstream_timeout'],
    [413, 413, 'upstream_rejected_request'],
    [422, 422, 'upstream_rejected_request'],
    [429, 429, 'upstream_rate_limited'],
    [500, 502, 'upstream_error'],
    [503, 503, 'upstream_unavailable'],
    [529, 503, 'upstream_unavailable'],
  ])('maps %i to %i %s and keeps the upstream status', (upstream, status, code) => {
    const error = upstreamHttpError({ status: upstream, message: 'why', providerName: 'p' });
    expect(error).toMatchObject({ status, code, upstreamStatus: upstream });
  });

  it('does not pass on what an upstream says about our credential', () => {
    expect(upstreamHttpError({ status: 401, message: 'Incorrect API key provided: sk-123', providerName: 'p' }).message).not.toContain('sk-');
  });

  it('redacts a secret and its long fragments', () => {
    const secret = 'sk-proj-abcdefghijklmnop';
    expect(redactSecret(`key ${secret} and ${secret.slice(4, 16)}...`, secret)).not.toMatch(/abcdefgh|ijklmnop/);
  });

  it('reads delta-seconds Retry-After only', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

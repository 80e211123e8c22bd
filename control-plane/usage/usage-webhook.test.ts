import { describe, expect, it } from 'vitest';
import { usageEvent } from '../../test/support/usage-events.ts';
import { createUsageWebhook, signUsageWebhook } from './usage-webhook.ts';

describe('usage webhook queue', () => {
  it('signs the raw body with HMAC-SHA256', () => {
    expect(signUsageWebhook('k', 'body')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signUsageWebhook('k', 'body')).not.toBe(signUsageWebhook('k', 'body2'));
  });

  it('is bounded: beyond the cap the oldest events are dropped, enqueue never throws', async () => {
    const errors: string[] = [];
    const hook = createUsageWebhook({
      url: 'http://127.0.0.1:9/none',
      secret: 'x'.repeat(16),
      maxQueuedEvents: 3,
      maxBatch: 1,
      maxAttempts: 1,
      onError: (m) => errors.push(m),
    });
    hook.enqueue(Array.from({ length: 10 }, () => usageEvent('t', 'k')));
    expect(hook.queued()).toBeLessThanOrEqual(3);
    expect(errors.some((m) => m.includes('dropped'))).toBe(true);
    await hook.close(2_000);
  });
});

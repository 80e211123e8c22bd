import { describe, expect, it } from 'vitest';
import { usageEvent } from '../../test/support/usage-events.ts';
import { signUsageWebhook, USAGE_WEBHOOK_SCHEMA_VERSION, usageWebhookBody } from './usage-webhook.ts';

describe('usage webhook body', () => {
  it('signs the raw body with HMAC-SHA256', () => {
    expect(signUsageWebhook('k', 'body')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signUsageWebhook('k', 'body')).not.toBe(signUsageWebhook('k', 'body2'));
  });

  it('splices the stored event texts into the same bytes JSON.stringify gives the whole body', () => {
    const events = [usageEvent('t', 'k', { tags: ['a:b'], metadata: { ticket: 'T "1"' } }), usageEvent('t', 'k')];
    const sentAt = new Date('2026-12-05T04:00:00.123Z');
    const body = usageWebhookBody(
      events.map((event) => JSON.stringify(event)),
      sentAt,
    );
    expect(body).toBe(JSON.stringify({ schemaVersion: USAGE_WEBHOOK_SCHEMA_VERSION, sentAt: sentAt.toISOString(), events }));
    expect(usageWebhookBody([], sentAt)).toBe(JSON.stringify({ schemaVersion: 1, sentAt: sentAt.toISOString(), events: [] }));
  });
});

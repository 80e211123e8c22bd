import { randomUUID } from 'node:crypto';
import { USAGE_EVENT_SCHEMA_VERSION, type UsageEvent } from '../../shared/events/usage-event.ts';

/** A valid usage event for `teamId` / `apiKeyId`; override what the test is about. */
export function usageEvent(teamId: string, apiKeyId: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  const requestId = randomUUID();
  return {
    schemaVersion: USAGE_EVENT_SCHEMA_VERSION,
    id: `${requestId}:1`,
    requestId,
    attempt: 1,
    teamId,
    apiKeyId,
    model: 'demo',
    provider: 'mock',
    providerId: 'p',
    deploymentId: 'd',
    endUser: null,
    promptTokens: 10,
    completionTokens: 20,
    cachedTokens: 0,
    costMicroUsd: 1000,
    priceVersion: null,
    estimated: false,
    status: 200,
    outcome: 'ok',
    streamed: false,
    latencyMs: 12,
    ttfbMs: 5,
    snapshotVersion: 1,
    snapshotHash: 'h'.repeat(64),
    startedAt: new Date().toISOString(),
    ...overrides,
  };
}

import { createHmac } from 'node:crypto';
import type { BudgetAlert, PrismaClient } from '../../generated/prisma/client.ts';
import type { SecretBox } from '../../shared/crypto/secret-box.ts';
import { type AlertEvent, alertChannelBinding } from '../domain/alerts/alert-channels.ts';
import type { FleetView } from '../fleet/fleet-registry.ts';

/** One alert as sent: Slack gets `text`; generic webhooks the whole object (schema version 1). */
export interface AlertMessage {
  schemaVersion: 1;
  type: 'budget_alert' | 'degraded_mode';
  /** The team it concerns (budget alerts); null for platform alerts. */
  teamId: string | null;
  text: string;
  data: Record<string, unknown>;
  at: string;
}

export interface AlertNotifier {
  /** New budget alerts (after their insert): to the team's channels and the platform's. Never throws nor waits. */
  budgetAlerts(alerts: readonly BudgetAlert[]): void;
  /** Watches the fleet view: a data plane entering a degraded mode, or lost, alerts the platform. */
  watchFleet(changes: AsyncIterable<FleetView>): void;
  /** Resolves when nothing is being delivered (tests, shutdown). */
  idle(): Promise<void>;
}

const TIMEOUT_MS = 5_000;
const ATTEMPTS = 3;
const usd = (micro: bigint) => `$${(Number(micro) / 1_000_000).toFixed(2)}`;

/**
 * Delivers alerts to Slack-compatible incoming webhooks and generic webhooks (alert channels),
 * off the ingest path: at most a few retries with a short backoff, failures logged, never thrown.
 * Each budget alert row is created once per (budget, period, threshold), so it is sent once.
 */
export function createAlertNotifier(deps: { prisma: PrismaClient; secretBox: SecretBox; onError?: (message: string) => void }): AlertNotifier {
  const onError = deps.onError ?? ((message) => console.error(message));
  const inFlight = new Set<Promise<void>>();

  function track(work: Promise<void>) {
    const done = work.catch((error: unknown) => onError(`alert delivery failed: ${error instanceof Error ? error.message : String(error)}`));
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  }

  async function deliver(event: AlertEvent, teamId: string | null, message: AlertMessage) {
    const channels = await deps.prisma.alertChannel.findMany({
      where: { events: { has: event }, OR: teamId ? [{ teamId }, { teamId: null }] : [{ teamId: null }] },
    });
    await Promise.all(channels.map((channel) => post(channel, message)));
  }

  async function post(channel: { id: string; kind: string; urlCiphertext: string; secretCiphertext: string | null }, message: AlertMessage) {
    const url = deps.secretBox.open(channel.urlCiphertext, alertChannelBinding(channel.id, 'url'));
    const body = channel.kind === 'slack' ? JSON.stringify({ text: message.text }) : JSON.stringify(message);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tollgate-alerts' };
    if (channel.kind === 'webhook') {
      headers['x-tollgate-event'] = message.type;
      if (channel.secretCiphertext)
        headers['x-tollgate-signature'] = `sha256=${createHmac(
          'sha256',
          deps.secretBox.open(channel.secretCiphertext, alertChannelBinding(channel.id, 'secret')),
        )
          .update(body)
          .digest('hex')}`;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        await response.body?.cancel();
        if (response.ok) return;
        // A 4xx other than 429 will not change on retry (a revoked Slack webhook answers 404/410).
        if (response.status < 500 && response.status !== 429) throw new Error(`channel ${channel.id} answered ${response.status}`);
        if (attempt >= ATTEMPTS) throw new Error(`channel ${channel.id} answered ${response.status}`);
      } catch (error) {
        if (attempt >= ATTEMPTS || (error instanceof Error && error.message.startsWith(`channel ${channel.id} answered 4`))) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }

  return {
    budgetAlerts(alerts) {
      for (const alert of alerts) {
        track(
          (async () => {
            const team = await deps.prisma.team.findUnique({ where: { id: alert.teamId }, select: { slug: true } });
            const name = team?.slug ?? alert.teamId;
            const message: AlertMessage = {
              schemaVersion: 1,
              type: 'budget_alert',
              teamId: alert.teamId,
              text: `Tollgate: team ${name} has used ${alert.threshold}% of a budget (${usd(alert.spentMicroUsd)} of ${usd(alert.amountMicroUsd)} this period).`,
              data: {
                alertId: alert.id,
                budgetId: alert.budgetId,
                team: name,
                threshold: alert.threshold,
                periodStart: alert.periodStart.toISOString(),
                spentMicroUsd: alert.spentMicroUsd.toString(),
                amountMicroUsd: alert.amountMicroUsd.toString(),
              },
              at: alert.createdAt.toISOString(),
            };
            await deliver('budget', alert.teamId, message);
          })(),
        );
      }
    },

    watchFleet(changes) {
      const known = new Map<string, Set<string>>();
      // The watch itself is not tracked by idle(): it lasts as long as the fleet registry.
      void (async () => {
        for await (const view of changes) {
          for (const member of view.members) {
            const now = new Set<string>(member.state === 'lost' ? ['lost', ...member.degraded] : member.degraded);
            const before = known.get(member.instanceId) ?? new Set<string>();
            known.set(member.instanceId, now);
            const entered = [...now].filter((mode) => !before.has(mode));
            if (entered.length === 0) continue;
            const message: AlertMessage = {
              schemaVersion: 1,
              type: 'degraded_mode',
              teamId: null,
              text: `Tollgate: data plane ${member.instanceId} is ${entered.includes('lost') ? 'lost (no heartbeat)' : `degraded: ${entered.join(', ')}`}.`,
              data: { instanceId: member.instanceId, entered, degraded: [...now] },
              at: new Date().toISOString(),
            };
            track(deliver('degraded', null, message));
          }
        }
      })().catch((error: unknown) => onError(`fleet watch for alerts stopped: ${String(error)}`));
    },

    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}

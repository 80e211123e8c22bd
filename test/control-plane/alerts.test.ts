import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataPlane, startDataPlane } from '../../data-plane/app.ts';
import { createSecretBox, parseSecretKeys } from '../../shared/crypto/secret-box.ts';
import { HEARTBEAT_SCHEMA_VERSION } from '../../shared/events/heartbeat.ts';
import { type ControlPlaneHarness, startControlPlaneHarness, TEST_SECRET_KEY } from '../support/control-plane-harness.ts';

// Alert channels: a budget alert reaches a fake Slack incoming webhook within 5 s of the request
// whose usage crossed the threshold; a generic platform webhook gets the same alert signed; a
// data plane entering a degraded mode alerts the platform channels.

interface Received {
  path: string;
  at: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
}

let control: ControlPlaneHarness;
let data: DataPlane;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', at: Date.now(), headers: req.headers, raw });
      // Slack answers a plain "ok".
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  control = await startControlPlaneHarness();
  data = await startDataPlane({
    bus: control.bus,
    host: '127.0.0.1',
    port: 0,
    secretBox: createSecretBox(parseSecretKeys(TEST_SECRET_KEY)),
    maxBodyBytes: 1024 * 1024,
  });
});
afterAll(async () => {
  await data?.close();
  await control?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

const CREATE = `mutation($input: CreateAlertChannelInput!) { createAlertChannel(input: $input) {
  __typename ... on MutationCreateAlertChannelSuccess { data { id kind events signed teamId } } ... on Error { message } } }`;

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('alert channels', () => {
  it('a budget alert reaches a Slack webhook within 5 s of the usage that crossed it, and a signed platform webhook', async () => {
    const demo = await control.database.prisma.team.findUniqueOrThrow({ where: { slug: 'demo' } });
    const slack = await control.gql(CREATE, {
      input: { teamId: demo.id, name: 'demo alerts', kind: 'SLACK', url: `${receiverUrl}/slack/T000/B000/XXXX`, events: ['BUDGET'] },
    });
    expect(slack.data.createAlertChannel).toMatchObject({
      __typename: 'MutationCreateAlertChannelSuccess',
      data: { kind: 'SLACK', events: ['BUDGET'], signed: false, teamId: demo.id },
    });
    const secret = 'whsec-0123456789abcdef';
    const hook = await control.gql(CREATE, {
      input: { name: 'platform', kind: 'WEBHOOK', url: `${receiverUrl}/hook`, secret, events: ['BUDGET', 'DEGRADED'] },
    });
    expect(hook.data.createAlertChannel.data).toMatchObject({ signed: true, teamId: null, events: ['BUDGET', 'DEGRADED'] });
    // Team channels carry budget alerts only; the URL never comes back.
    const refused = await control.gql(CREATE, { input: { teamId: demo.id, name: 'x', kind: 'SLACK', url: `${receiverUrl}/x`, events: ['DEGRADED'] } });
    expect(refused.data.createAlertChannel.__typename).toBe('ValidationError');
    expect(JSON.stringify(await control.gql('{ alertChannels { id name } }'))).not.toContain(receiverUrl);

    // A budget so small that one demo request crosses 50 %.
    const budget = await control.gql(
      `mutation($id: ID!) { setBudget(input: { scope: TEAM, scopeId: $id, amount: "20", period: MONTHLY, hard: false, alertThresholds: [50] }) { __typename } }`,
      { id: demo.id },
    );
    expect(budget.data?.setBudget.__typename, JSON.stringify(budget)).toBe('MutationSetBudgetSuccess');
    await control.controlPlane.services.snapshots.publish();

    let answered = 0;
    for (let tries = 0; tries < 100 && !answered; tries++) {
      const reply = await fetch(`http://127.0.0.1:${data.port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${control.demoKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'Say something long enough to cost money' }] }),
      });
      await reply.text();
      if (reply.status === 200) answered = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answered).toBeGreaterThan(0);

    const slackPost = await waitFor(() => received.find((post) => post.path.startsWith('/slack/')), 5_000);
    expect(slackPost.at - answered).toBeLessThan(5_000);
    const text = JSON.parse(slackPost.raw).text as string;
    expect(text).toMatch(/^Tollgate: team demo has used 50% of a budget \(\$0\.00 of \$0\.00 this period\)\.$/);

    const hookPost = await waitFor(() => received.find((post) => post.path === '/hook' && post.headers['x-tollgate-event'] === 'budget_alert'), 5_000);
    expect(hookPost.headers['x-tollgate-signature']).toBe(`sha256=${createHmac('sha256', secret).update(hookPost.raw).digest('hex')}`);
    expect(JSON.parse(hookPost.raw)).toMatchObject({
      schemaVersion: 1,
      type: 'budget_alert',
      teamId: demo.id,
      data: { team: 'demo', threshold: 50, amountMicroUsd: '20' },
    });
    // Once per threshold and period: more usage sends nothing new.
    await fetch(`http://127.0.0.1:${data.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'again' }] }),
    }).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received.filter((post) => post.path.startsWith('/slack/'))).toHaveLength(1);
  });

  it('a data plane entering a degraded mode alerts the platform channels', async () => {
    const now = new Date().toISOString();
    const beat = (degraded: string[]) =>
      control.bus.publishHeartbeat({
        schemaVersion: HEARTBEAT_SCHEMA_VERSION,
        plane: 'data',
        instanceId: 'dp-alert-test',
        snapshotVersion: null,
        snapshotHash: null,
        snapshotSource: null,
        lastRefused: null,
        state: 'ready',
        degraded,
        inFlight: 0,
        startedAt: now,
        sentAt: new Date().toISOString(),
        intervalMs: 60_000,
      } as never);
    await beat([]);
    await beat(['redis_down']);
    const post = await waitFor(() => received.find((p) => p.path === '/hook' && p.headers['x-tollgate-event'] === 'degraded_mode'), 5_000);
    expect(JSON.parse(post.raw)).toMatchObject({
      type: 'degraded_mode',
      teamId: null,
      text: 'Tollgate: data plane dp-alert-test is degraded: redis_down.',
      data: { entered: ['redis_down'] },
    });
    // The team's Slack channel does not get platform alerts.
    expect(received.filter((p) => p.path.startsWith('/slack/') && p.raw.includes('dp-alert-test'))).toHaveLength(0);
  });
});

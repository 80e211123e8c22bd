import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../data-plane/logger.ts';
import { buildSnapshot, contentOf, publishSnapshot } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, KEYS, scenarioSnapshot, startHarness } from './harness.ts';

const PII = 'Mail jane.doe@example.com, call +1 (415) 555-2671, card 4111 1111 1111 1111';

/** One of each credential shape a user might paste into a prompt (made up, never real). */
const KEY_SHAPED = [
  'tg_Zx8aQ2mN4pL6rT0vW3yB5cD7eF9gH1jK2lM4nP6q',
  'tga_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1x',
  'sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD',
  'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56',
  'sk-ant-api03-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78',
  'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_1234567890abcdefghijABCDEFGHIJ123456',
  'github_pat_11ABCDEFG0123456789_abcdefghijklmnop',
  'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  'gsk_AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  'r8_AbCdEfGhIjKlMnOpQrStUvWxYz0123',
  'sk_live_51AbCdEfGhIjKlMnOpQrStUv',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'Bearer abcdef0123456789ghijkl',
  'postgresql://admin:hunter2secret@db.internal:5432/prod',
];

describe('prompt and completion logging', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('logs masked prompts and completions for teams that turned it on, and nothing for the others', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        output += chunk;
        callback();
      },
    });
    harness = await startHarness({ logger: createLogger('info', { plane: 'data' }, sink) });
    // acme turns logging on; `other` keeps the default (off).
    const base = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: harness.upstream.baseUrl, secretBox: harness.secretBox }));
    const teams = base.teams.map((team) => (team.id === 'acme' ? { ...team, logPrompts: true } : team));
    await publishSnapshot(harness.bus, buildSnapshot({ ...base, teams, version: 2 }));
    await vi.waitFor(() => expect(harness!.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });

    const plain = await harness.chat(chatBody({ model: 'echo', messages: [{ role: 'user', content: PII }] }));
    expect(plain.status).toBe(200);
    const streamed = await harness.chat(chatBody({ model: 'echo', stream: true, messages: [{ role: 'user', content: PII }] }));
    await streamed.text();
    const otherTeam = await harness.chat(chatBody({ model: 'echo', messages: [{ role: 'user', content: 'other team secret jane@example.com' }] }), {
      key: KEYS.other,
    });
    expect(otherTeam.status).toBe(200);
    await harness.plane.drain(1_000);

    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'prompt and completion');
    expect(lines.map((line) => line.requestId).sort()).toEqual([plain.headers.get('x-request-id'), streamed.headers.get('x-request-id')].sort());
    for (const line of lines) {
      expect(line).toMatchObject({ level: 30, teamId: 'acme', model: 'echo', status: 200, attempts: 1 });
      expect(line.prompt).toBe('user: Mail [EMAIL], call [PHONE], card [CARD]');
      // The mock echoes the last user message: the completion carries the same PII, masked.
      expect(line.completion).toContain('[EMAIL]');
      expect(line.completion).toContain('[CARD]');
      expect(line.completion).not.toContain('jane.doe');
    }
    expect(lines.find((line) => line.streamed)?.completion.length).toBeGreaterThan(0);
    expect(output).not.toContain('4111 1111');
    expect(output).not.toContain('other team secret');
  });
  it('masks every API-key-shaped string pasted into a prompt, in the prompt and in the completion', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        output += chunk;
        callback();
      },
    });
    harness = await startHarness({ logger: createLogger('info', { plane: 'data' }, sink) });
    const base = contentOf(scenarioSnapshot({ version: 1, upstreamBaseUrl: harness.upstream.baseUrl, secretBox: harness.secretBox }));
    const teams = base.teams.map((team) => (team.id === 'acme' ? { ...team, logPrompts: true } : team));
    await publishSnapshot(harness.bus, buildSnapshot({ ...base, teams, version: 2 }));
    await vi.waitFor(() => expect(harness!.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });

    const content = `my keys: ${KEY_SHAPED.join(' , ')} thanks`;
    expect((await harness.chat(chatBody({ model: 'echo', messages: [{ role: 'user', content }] }))).status).toBe(200);
    await harness.plane.drain(1_000);
    const line = output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.msg === 'prompt and completion');
    expect(line.prompt.match(/\[API_KEY\]/g)).toHaveLength(KEY_SHAPED.length);
    expect(line.completion).toContain('[API_KEY]');
    for (const key of KEY_SHAPED) {
      // The secret part (after any scheme or prefix) appears nowhere in the log.
      const secret = key.includes('://') ? 'hunter2secret' : key.slice(-12);
      expect(output, key).not.toContain(secret);
    }
  });
});

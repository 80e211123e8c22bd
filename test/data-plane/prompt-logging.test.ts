import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../data-plane/logger.ts';
import { buildSnapshot, contentOf, publishSnapshot } from '../support/snapshot-fixture.ts';
import { chatBody, type Harness, KEYS, scenarioSnapshot, startHarness } from './harness.ts';

const PII = 'Mail jane.doe@example.com, call +1 (415) 555-2671, card 4111 1111 1111 1111';

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
    await vi.waitFor(() => expect(harness!.plane.snapshotVersion()).toBe(2));

    const plain = await harness.chat(chatBody({ model: 'echo', messages: [{ role: 'user', content: PII }] }));
    expect(plain.status).toBe(200);
    const streamed = await harness.chat(chatBody({ model: 'echo', stream: true, messages: [{ role: 'user', content: PII }] }));
    await streamed.text();
    const otherTeam = await harness.chat(chatBody({ model: 'echo', messages: [{ role: 'user', content: 'other team secret jane@example.com' }] }), { key: KEYS.other });
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
});

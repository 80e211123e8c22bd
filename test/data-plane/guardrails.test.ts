import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../data-plane/logger.ts';
import type { GuardrailCheck, SnapshotGuardrail } from '../../shared/snapshot/guardrail.ts';
import { guardrailSecretBinding } from '../../shared/snapshot/guardrail.ts';
import type { SnapshotCachePolicy } from '../../shared/snapshot/schema.ts';
import { buildSnapshot, contentOf, publishSnapshot } from '../support/snapshot-fixture.ts';
import { type Harness, KEYS, scenarioSnapshot, startHarness } from './harness.ts';

const WEBHOOK_SECRET = 'whsec_test_0123456789';
const PII_PROMPT =
  'Mail jane.doe@example.com, call +1 (415) 555-2671, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, key sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56';

/** A webhook guardrail's receiver: checks the signature, records the calls, answers what the test says. */
interface Receiver {
  url: string;
  calls: { body: any; signatureValid: boolean }[];
  answer: (body: any) => { status?: number; json?: unknown; delayMs?: number };
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', calls: [], answer: () => ({ json: { action: 'allow' } }), close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(raw).digest('hex')}`;
    const body = JSON.parse(raw);
    receiver.calls.push({ body, signatureValid: req.headers['x-tollgate-signature'] === expected });
    const answer = receiver.answer(body);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (res.destroyed) return;
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

describe('guardrails, through the SDKs', () => {
  let h: Harness;
  let receiver: Receiver;
  let client: OpenAI;
  let version = 1;

  beforeAll(async () => {
    // The receiver is on loopback: a team's webhook reaches it only because the operator allows it.
    h = await startHarness({ upstream: { byokAllowedCidrs: ['127.0.0.1/32'] } });
    receiver = await startReceiver();
    client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: KEYS.acme, maxRetries: 0 });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });
  beforeEach(() => {
    h.upstream.reset();
    receiver.calls.length = 0;
  });

  type Rail = Partial<SnapshotGuardrail> & { name: string; check: GuardrailCheck };
  /** Publishes the scenario with these guardrails on team acme. */
  async function guard(...rails: Rail[]): Promise<void> {
    await publishWith(rails, []);
  }

  /** The same, with team acme's answers cached for 5 minutes. */
  async function guardCached(...rails: Rail[]): Promise<void> {
    const policy = { id: 'cp-acme', scope: 'team' as const, scopeId: 'acme', enabled: true, ttlSeconds: 300, deterministicOnly: true, hitPriceMicroUsd: 0 };
    await publishWith(rails, [policy]);
  }

  async function publishWith(rails: Rail[], cachePolicies: SnapshotCachePolicy[]): Promise<void> {
    version++;
    const base = contentOf(scenarioSnapshot({ version, upstreamBaseUrl: h.upstream.baseUrl, secretBox: h.secretBox }));
    const guardrails = rails.map((rail, index) => {
      const id = `gr-${index}`;
      const check = rail.check.kind === 'webhook' ? { ...rail.check, secret: h.secretBox.seal(WEBHOOK_SECRET, guardrailSecretBinding(id)) } : rail.check;
      return { id, planId: null, teamId: 'acme', stage: 'pre' as const, streamMode: 'flow' as const, ...rail, check };
    });
    await publishSnapshot(h.bus, buildSnapshot({ ...base, guardrails, cachePolicies, version }));
    await vi.waitFor(() => expect(h.plane.snapshotVersion()).toBe(version), { timeout: 15_000 });
  }

  async function blocked(promise: Promise<unknown>): Promise<APIError> {
    const error = await promise.then(
      () => null,
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(APIError);
    return error as APIError;
  }

  const webhook = (failOpen: boolean, timeoutMs = 1_000): GuardrailCheck => ({ kind: 'webhook', url: receiver.url, secret: '', timeoutMs, failOpen });

  it('masks e-mails, phone and card numbers, IBANs and keys before the prompt leaves: the upstream sees only the masked text', async () => {
    await guard({ name: 'mask-pii', check: { kind: 'pii', action: 'mask', entities: ['email', 'phone', 'card', 'iban', 'api_key'] } });
    const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PII_PROMPT }] });
    expect(answer.choices[0].message.content).toBeTruthy();
    const sent = h.upstream.requests[0].body.messages[0].content;
    expect(sent).toBe('Mail [EMAIL], call [PHONE], card [CARD], IBAN [IBAN], key [API_KEY]');
    expect(h.upstream.requests[0].rawBody).not.toMatch(/jane|4111|DE89|sk-proj/);
  });

  it('masks in every ingress: Messages, Responses and embeddings send the masked text too', async () => {
    await guard({ name: 'mask-email', check: { kind: 'pii', action: 'mask', entities: ['email'] } });
    const anthropic = new Anthropic({ baseURL: h.url, apiKey: KEYS.acme, maxRetries: 0 });
    await anthropic.messages.create({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      system: 'ops: ops@example.com',
      messages: [{ role: 'user', content: 'write to a@b.io' }],
    });
    expect(JSON.stringify(h.upstream.requests[0].body.messages)).not.toContain('@');
    expect(h.upstream.requests[0].body.messages.map((m: { content: unknown }) => m.content)).toEqual(['ops: [EMAIL]', 'write to [EMAIL]']);
    await client.responses.create({ model: 'gpt-4o-mini', input: 'reply to c@d.io', store: false });
    expect(h.upstream.requests[1].body.messages.at(-1).content).toBe('reply to [EMAIL]');
  });

  it('blocks a prompt on a deny-list keyword or pattern: 400 guardrail_blocked naming the guardrail, nothing upstream, a $0 usage event', async () => {
    await guard({ name: 'no-project-x', check: { kind: 'deny_list', patterns: ['secret\\s+plan'], keywords: ['Project X'] } });
    for (const content of ['tell me about project x', 'the SECRET   plan']) {
      const error = await blocked(
        client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers: { 'x-tollgate-tags': 'feature:chat' } }),
      );
      expect(error.status).toBe(400);
      expect(error.code).toBe('guardrail_blocked');
      expect(error.message).toContain('no-project-x');
      expect(error.headers?.get('x-tollgate-guardrail')).toBe('no-project-x');
      const [event] = await h.usageOf(error.headers!.get('x-request-id')!);
      expect(event).toMatchObject({
        outcome: 'blocked',
        guardrail: 'no-project-x',
        costMicroUsd: 0,
        teamId: 'acme',
        model: 'gpt-4o-mini',
        status: 400,
        tags: ['feature:chat'],
      });
    }
    expect(h.upstream.requests).toHaveLength(0);
    // Words that merely contain the keyword pass.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'project xylophone' }] });
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('blocks in the ingress’s own error format on /v1/messages', async () => {
    await guard({ name: 'pii-block', check: { kind: 'pii', action: 'block', entities: ['card'] } });
    const response = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEYS.acme, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'card 4111111111111111' }] }),
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(body.error.message).toContain('pii-block');
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('blocks a prompt over its token maximum, and image content for a model not on the allow-list', async () => {
    await guard(
      { name: 'short-prompts', check: { kind: 'max_prompt_tokens', maxTokens: 20 } },
      { name: 'images-on-echo-only', check: { kind: 'image_models', allowedModels: ['echo'] } },
    );
    const long = await blocked(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'word '.repeat(50) }] }));
    expect(long.message).toMatch(/short-prompts.*more than the 20 allowed/);
    const image = [
      { type: 'text' as const, text: 'what is this' },
      { type: 'image_url' as const, image_url: { url: 'https://example.com/cat.png' } },
    ];
    const refused = await blocked(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: image }] }));
    expect(refused.message).toMatch(/images-on-echo-only.*`echo`/);
    expect(h.upstream.requests).toHaveLength(0);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a short text' }] });
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('asks a signed webhook, which allows, blocks with a reason, or rewrites the prompt', async () => {
    await guard({ name: 'policy-hook', check: webhook(false) });
    receiver.answer = () => ({ json: { action: 'allow' } });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] });
    expect(receiver.calls[0]).toMatchObject({
      signatureValid: true,
      body: { stage: 'pre', guardrail: 'policy-hook', teamId: 'acme', model: 'gpt-4o-mini', texts: ['hello there'] },
    });

    receiver.answer = () => ({ json: { action: 'block', reason: 'off-topic for this app' } });
    const error = await blocked(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me a joke' }] }));
    expect(error.code).toBe('guardrail_blocked');
    expect(error.message).toContain('off-topic for this app');

    receiver.answer = (body) => ({ json: { action: 'modify', texts: body.texts.map((text: string) => text.toUpperCase()) } });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'quiet please' }] });
    expect(h.upstream.requests.map((request) => request.body.messages[0].content)).toEqual(['hello there', 'QUIET PLEASE']);
  });

  it('on a webhook timeout fails open or closed, as set', async () => {
    receiver.answer = () => ({ json: { action: 'block', reason: 'too late to matter' }, delayMs: 1_500 });
    await guard({ name: 'slow-open', check: webhook(true, 200) });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(h.upstream.requests).toHaveLength(1);

    await guard({ name: 'slow-closed', check: webhook(false, 200) });
    const error = await blocked(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.message).toMatch(/slow-closed.*no answer within 200 ms.*fails closed/);
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('checks answers: a whole answer is refused, a stream checked as it flows ends with the error event, a buffered one is a 400 before any byte', async () => {
    const deny = { kind: 'deny_list' as const, patterns: [], keywords: ['forbidden'] };
    await guard({ name: 'clean-answers', stage: 'post', check: deny });
    h.upstream.enqueue({ kind: 'reply', content: 'this is forbidden text' });
    const whole = await blocked(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(whole).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    const [charged] = await h.usageOf(whole.headers!.get('x-request-id')!);
    // The upstream did answer: the attempt is charged, and recorded as blocked.
    expect(charged).toMatchObject({ outcome: 'blocked', guardrail: 'clean-answers', promptTokens: 21, completionTokens: 7 });
    expect(charged.costMicroUsd).toBeGreaterThan(0);

    h.upstream.enqueue({ kind: 'reply', chunks: ['all ', 'fine ', 'until ', 'forbidden ', 'words'] });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const seen: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta?.content ?? '');
    };
    await expect(consume()).rejects.toThrow(/clean-answers/);
    expect(seen.join('')).toBe('all fine until ');

    await guard({ name: 'clean-answers', stage: 'post', streamMode: 'buffer', check: deny });
    h.upstream.enqueue({ kind: 'reply', chunks: ['all ', 'fine ', 'until ', 'forbidden ', 'words'] });
    const held = await blocked(client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    expect(held).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    h.upstream.enqueue({ kind: 'reply', chunks: ['all ', 'fine'] });
    const clean = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const text: string[] = [];
    for await (const chunk of clean) text.push(chunk.choices[0]?.delta?.content ?? '');
    expect(text.join('')).toBe('all fine');
  });

  it('never serves a cached answer past a guardrail added after it was stored', async () => {
    const ask = () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'tell me the secret word' }] }).withResponse();
    await guardCached();
    h.upstream.enqueue({ kind: 'reply', content: 'the word is forbidden' });
    const first = await ask();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const again = await ask();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(h.upstream.requests).toHaveLength(1);

    // An answer check arrives: the stored answer would pass it unchecked, so it is not a hit.
    await guardCached({ name: 'clean-answers', stage: 'post', check: { kind: 'deny_list', patterns: [], keywords: ['forbidden'] } });
    h.upstream.enqueue({ kind: 'reply', content: 'the word is forbidden' });
    const refused = await blocked(ask());
    expect(refused).toMatchObject({ status: 400, code: 'guardrail_blocked' });
    expect(h.upstream.requests).toHaveLength(2);
  });

  it('logs the prompt as the guardrails left it, never the original', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        output += chunk;
        callback();
      },
    });
    const logged = await startHarness({ logger: createLogger('info', { plane: 'data' }, sink), upstream: { byokAllowedCidrs: ['127.0.0.1/32'] } });
    try {
      const base = contentOf(scenarioSnapshot({ version: 2, upstreamBaseUrl: logged.upstream.baseUrl, secretBox: logged.secretBox }));
      const teams = base.teams.map((t) => (t.id === 'acme' ? { ...t, logPrompts: true } : t));
      const check = { ...webhook(false), secret: logged.secretBox.seal(WEBHOOK_SECRET, guardrailSecretBinding('gr-rewrite')) };
      const guardrails = [{ id: 'gr-rewrite', name: 'rewrite', planId: null, teamId: 'acme', stage: 'pre' as const, streamMode: 'flow' as const, check }];
      await publishSnapshot(logged.bus, buildSnapshot({ ...base, teams, guardrails, version: 2 }));
      await vi.waitFor(() => expect(logged.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
      receiver.answer = () => ({ json: { action: 'modify', texts: ['the rewritten prompt'] } });
      const response = await logged.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'the original prompt' }] });
      expect(response.status).toBe(200);
      await logged.plane.drain(1_000);
      const line = output
        .trim()
        .split('\n')
        .map((text) => JSON.parse(text))
        .find((entry) => entry.msg === 'prompt and completion');
      expect(line.prompt).toBe('user: the rewritten prompt');
      expect(output).not.toContain('the original prompt');
      expect(logged.upstream.requests[0].body.messages[0].content).toBe('the rewritten prompt');
    } finally {
      await logged.close();
    }
  });

  it('refuses a team webhook on a private address unless the operator allows it (SSRF), failing closed', async () => {
    const guarded = await startHarness();
    try {
      const base = contentOf(scenarioSnapshot({ version: 2, upstreamBaseUrl: guarded.upstream.baseUrl, secretBox: guarded.secretBox }));
      const check = { ...webhook(false), secret: guarded.secretBox.seal(WEBHOOK_SECRET, guardrailSecretBinding('gr-ssrf')) };
      const guardrails = [{ id: 'gr-ssrf', name: 'internal-hook', planId: null, teamId: 'acme', stage: 'pre' as const, streamMode: 'flow' as const, check }];
      await publishSnapshot(guarded.bus, buildSnapshot({ ...base, guardrails, version: 2 }));
      await vi.waitFor(() => expect(guarded.plane.snapshotVersion()).toBe(2), { timeout: 15_000 });
      const response = await guarded.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(/internal-hook.*fails closed/);
      expect(receiver.calls).toHaveLength(0);
      expect(guarded.upstream.requests).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });
});

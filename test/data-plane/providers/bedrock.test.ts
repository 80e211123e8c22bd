import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeEventStream } from '../../support/aws-event-stream.ts';
import { fixture, type RecordedFixtureRequest } from '../../support/fake-fixture-upstream.ts';
import { deployment, model, provider, type SealSpec } from '../../support/snapshot-fixture.ts';
import {
  AWS_ACCESS_KEY_ID,
  BEDROCK_REGION,
  type ProviderHarness,
  readChatStream,
  startProviderHarness,
  UPSTREAM_KEY,
  UPSTREAM_MODELS,
} from './provider-harness.ts';

// Bedrock beyond the shared contract: the SigV4 signature checked by an independent computation
// (AWS's documented algorithm, written here with node:crypto), a session token, a Bedrock API key
// as a bearer token, and what Converse cannot do refused before any I/O.

const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLEsessiontoken0123456789';
const BEDROCK_API_KEY = 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLTAxMjM0NTY3ODk=';

let h: ProviderHarness;
beforeAll(async () => {
  const bedrockProvider = (id: string, origin: string, secret: string, seal: SealSpec) =>
    provider({ id, name: id, kind: 'bedrock', baseUrl: origin, region: BEDROCK_REGION, seal: { ...seal, secret } });
  const bedrockModel = (id: string) =>
    model({ id: `model-${id}`, name: id, deployments: [deployment({ id: `dep-${id}`, providerId: id, upstreamModel: UPSTREAM_MODELS.bedrock })] });
  h = await startProviderHarness({
    extra: (origin, credential) => ({
      providers: [
        bedrockProvider(
          'bedrock-session',
          origin,
          JSON.stringify({ accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: UPSTREAM_KEY, sessionToken: SESSION_TOKEN }),
          credential,
        ),
        bedrockProvider('bedrock-api-key', origin, BEDROCK_API_KEY, credential),
        provider({ id: 'bedrock-no-region', name: 'bedrock-no-region', kind: 'bedrock', baseUrl: origin, seal: credential }),
      ],
      models: [bedrockModel('bedrock-session'), bedrockModel('bedrock-api-key'), bedrockModel('bedrock-no-region')],
    }),
  });
});
afterAll(() => h?.close());
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const messages = [{ role: 'user', content: 'Say hello' }];

/** SigV4 as AWS documents it: canonical request, string to sign, derived key, HMAC. */
function expectedSignature(request: RecordedFixtureRequest, secretAccessKey: string): string {
  const authorization = String(request.headers.authorization);
  const [, scope, signedHeaders] = authorization.match(/^AWS4-HMAC-SHA256 Credential=[^/]+\/([^,]+), SignedHeaders=([^,]+), Signature=/) ?? [];
  const [date, region, service] = scope.split('/');
  const [path, query = ''] = request.url.split('?');
  // Every service but S3 encodes the path twice: each segment as sent, encoded again.
  const canonicalUri = path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const canonicalRequest = [request.method, canonicalUri, query, canonicalHeaders, signedHeaders, sha256(request.rawBody)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', request.headers['x-amz-date'], scope, sha256(canonicalRequest)].join('\n');
  const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

describe('bedrock', () => {
  it('signs each request with SigV4 over method, path, host, date and the exact body', async () => {
    h.upstream.enqueue({ file: 'bedrock/text.json' }, { file: 'bedrock/text.eventstream.json' });
    expect((await h.post('/v1/chat/completions', { model: 'bedrock', messages, temperature: 0.2, max_tokens: 64 })).status).toBe(200);
    await readChatStream(await h.post('/v1/chat/completions', { model: 'bedrock', messages, stream: true }));
    expect(h.upstream.requests).toHaveLength(2);
    for (const request of h.upstream.requests) {
      const signedHeaders = String(request.headers.authorization)
        .match(/SignedHeaders=([^,]+)/)![1]
        .split(';');
      expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date']));
      expect(String(request.headers.authorization)).toContain(`Credential=${AWS_ACCESS_KEY_ID}/`);
      expect(String(request.headers.authorization).endsWith(`Signature=${expectedSignature(request, UPSTREAM_KEY)}`)).toBe(true);
      expect(request.headers['x-amz-security-token']).toBeUndefined();
    }
    expect(h.upstream.requests[0].body.inferenceConfig).toEqual({ temperature: 0.2, maxTokens: 64 });
    expect(h.upstream.requests[1].headers.accept).toBe('application/vnd.amazon.eventstream');
  });

  it('sends and signs a session token', async () => {
    h.upstream.enqueue({ file: 'bedrock/text.json' });
    expect((await h.post('/v1/chat/completions', { model: 'bedrock-session', messages })).status).toBe(200);
    const [request] = h.upstream.requests;
    expect(request.headers['x-amz-security-token']).toBe(SESSION_TOKEN);
    expect(String(request.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    expect(String(request.headers.authorization).endsWith(`Signature=${expectedSignature(request, UPSTREAM_KEY)}`)).toBe(true);
  });

  it('sends a Bedrock API key as a bearer token, unsigned', async () => {
    h.upstream.enqueue({ file: 'bedrock/text.json' });
    expect((await h.post('/v1/chat/completions', { model: 'bedrock-api-key', messages })).status).toBe(200);
    expect(h.upstream.requests[0].headers.authorization).toBe(`Bearer ${BEDROCK_API_KEY}`);
    expect(h.upstream.requests[0].headers['x-amz-date']).toBeUndefined();
  });

  it('maps a conversation with tool calls, tool results and images to Converse blocks', async () => {
    h.upstream.enqueue({ file: 'bedrock/text.json' });
    const response = await h.post('/v1/chat/completions', {
      model: 'bedrock',
      messages: [
        { role: 'developer', content: 'Answer in French.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
      ],
      tool_choice: 'required',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
      stop: 'END',
    });
    expect(response.status).toBe(200);
    expect(h.upstream.requests[0].body).toEqual({
      system: [{ text: 'Answer in French.' }],
      messages: [
        { role: 'user', content: [{ text: 'Weather here?' }, { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { location: 'Paris' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: '18°C' }] } }] },
      ],
      inferenceConfig: { stopSequences: ['END'] },
      toolConfig: { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: {} } } } }], toolChoice: { any: {} } },
    });
  });

  it.each([
    ['tool_choice', { tool_choice: 'none', tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['n', { n: 2 }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['messages[0].content[0]', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }],
  ])('refuses %s before any upstream call', async (param, extra) => {
    const response = await h.post('/v1/chat/completions', { model: 'bedrock', messages, ...extra });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_parameter', param });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('answers embeddings with 400 unsupported_endpoint', async () => {
    const response = await h.post('/v1/embeddings', { model: 'bedrock', input: 'hello' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('unsupported_endpoint');
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('a provider without a region is misconfigured (503), nothing sent', async () => {
    const response = await h.post('/v1/chat/completions', { model: 'bedrock-no-region', messages });
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe('provider_misconfigured');
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('an event stream with a corrupted checksum ends in an SSE error, not a clean end', async () => {
    // The fake upstream's encoder is correct: corrupt one payload byte of a good stream.
    const bytes = encodeEventStream(JSON.parse(fixture('bedrock/text.eventstream.json')));
    bytes[bytes.length - 10] ^= 0xff;
    h.upstream.enqueue({ bodyBytes: bytes, headers: { 'content-type': 'application/vnd.amazon.eventstream' } });
    const response = await h.post('/v1/chat/completions', { model: 'bedrock', messages, stream: true });
    const text = await response.text();
    expect(text).not.toContain('[DONE]');
    expect(text).toContain('upstream_stream_error');
  });
});

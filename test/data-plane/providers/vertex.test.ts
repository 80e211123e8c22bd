import { verify } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type ProviderHarness, readChatStream, startProviderHarness } from './provider-harness.ts';

// Vertex AI's service-account auth beyond the shared contract: the JWT assertion the gateway
// signs (checked with the key pair's public half), one token reused until it nears expiry, a
// token renewed when it would expire within five minutes, and the token endpoint refusing the
// key as the gateway's credential failure.

const messages = [{ role: 'user', content: 'Say hello' }];
const harnesses: ProviderHarness[] = [];
async function harness(): Promise<ProviderHarness> {
  const h = await startProviderHarness();
  harnesses.push(h);
  return h;
}
afterAll(async () => {
  for (const h of harnesses) await h.close();
});
let h: ProviderHarness;
beforeEach(async () => {
  h = await harness();
});

function decodeAssertion(assertion: string, publicKeyPem: string) {
  const [header, payload, signature] = assertion.split('.');
  const signed = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKeyPem, Buffer.from(signature, 'base64url'));
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { signed, header: json(header), payload: json(payload) };
}

describe('vertex service-account auth', () => {
  it('exchanges a signed JWT for a token once and reuses it for plain and streamed calls, Gemini and Claude', async () => {
    h.upstream.enqueue({ file: 'gemini/text.json' }, { file: 'gemini/text.sse' }, { file: 'anthropic/text.json' });
    expect((await h.post('/v1/chat/completions', { model: 'vertex', messages })).status).toBe(200);
    await readChatStream(await h.post('/v1/chat/completions', { model: 'vertex', messages, stream: true }));
    expect((await h.post('/v1/chat/completions', { model: 'vertex-anthropic', messages })).status).toBe(200);

    expect(h.google.requests).toHaveLength(1);
    const [exchange] = h.google.requests;
    expect(exchange.path).toBe('/token');
    expect(exchange.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const { signed, header, payload } = decodeAssertion(exchange.form.get('assertion')!, h.google.publicKeyPem);
    expect(signed).toBe(true);
    expect(header).toMatchObject({ alg: 'RS256' });
    expect(payload).toMatchObject({ iss: h.google.serviceAccount.client_email, scope: 'https://www.googleapis.com/auth/cloud-platform' });
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(3600);
    for (const request of h.upstream.requests) expect(request.headers.authorization).toBe('Bearer ya29.fake-token-1');
  });

  it('renews a token that would expire within five minutes before using it again', async () => {
    h.google.answer = { status: 200, expiresIn: 120 };
    h.upstream.enqueue({ file: 'gemini/text.json' }, { file: 'gemini/text.json' });
    expect((await h.post('/v1/chat/completions', { model: 'vertex', messages })).status).toBe(200);
    expect((await h.post('/v1/chat/completions', { model: 'vertex', messages })).status).toBe(200);
    expect(h.google.requests).toHaveLength(2);
    expect(h.upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer ya29.fake-token-1', 'Bearer ya29.fake-token-2']);
  });

  it('maps the token endpoint refusing the key (400 invalid_grant) to 502 upstream_auth_failed, nothing sent to Vertex', async () => {
    h.google.answer = { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    const response = await h.post('/v1/chat/completions', { model: 'vertex', messages });
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error.code).toBe('upstream_auth_failed');
    expect(JSON.stringify(body)).not.toContain('PRIVATE KEY');
    expect(h.upstream.requests).toHaveLength(0);
    const [event] = await h.usageOf(response);
    expect(event).toMatchObject({ status: 400, outcome: 'upstream_error', promptTokens: 0, completionTokens: 0 });
  });

  it('answers embeddings with 400 unsupported_endpoint', async () => {
    const response = await h.post('/v1/embeddings', { model: 'vertex', input: 'hello' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('unsupported_endpoint');
  });
});

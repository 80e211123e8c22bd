import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployment, model, provider } from '../../support/snapshot-fixture.ts';
import { type ProviderHarness, readChatStream, startProviderHarness } from './provider-harness.ts';

// Azure OpenAI with Microsoft Entra ID client credentials: the gateway gets an access token from
// a fake Entra token endpoint (the documented OAuth 2.0 client_credentials exchange), caches it,
// and calls Azure with `Authorization: Bearer` instead of `api-key`; Entra refusing the client
// secret is the gateway's credential failure (502), never leaking the secret.

const CLIENT_SECRET = 'entra-client-secret-value-0123456789';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

interface TokenRequest {
  path: string;
  form: URLSearchParams;
}

let h: ProviderHarness;
let entra: Server;
const tokenRequests: TokenRequest[] = [];
let tokenAnswer: { status: number; body: unknown } = { status: 200, body: {} };
let issued = 0;

beforeAll(async () => {
  entra = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      tokenRequests.push({ path: req.url ?? '', form: new URLSearchParams(raw) });
      const body =
        tokenAnswer.status === 200
          ? { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: `eyJ0eXAiOiJKV1Qi.token-${++issued}` }
          : tokenAnswer.body;
      res.writeHead(tokenAnswer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => entra.listen(0, '127.0.0.1', resolve));
  const authorityHost = `http://127.0.0.1:${(entra.address() as AddressInfo).port}`;
  const entraCredential = JSON.stringify({ tenantId: TENANT, clientId: 'a1b2c3d4-0000-4000-8000-000000000001', clientSecret: CLIENT_SECRET, authorityHost });
  h = await startProviderHarness({
    extra: (origin, credential) => ({
      providers: [
        provider({
          id: 'prov-azure-entra',
          name: 'azure-entra',
          kind: 'azure-openai',
          baseUrl: origin,
          apiVersion: '2024-10-21',
          seal: { ...credential, secret: entraCredential },
        }),
      ],
      models: [
        model({
          id: 'model-azure-entra',
          name: 'azure-entra',
          deployments: [deployment({ id: 'dep-azure-entra', providerId: 'prov-azure-entra', upstreamModel: 'prod-gpt4o' })],
        }),
      ],
    }),
  });
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => entra?.close(() => resolve()));
});
beforeEach(() => {
  h.upstream.reset();
  h.cooldowns.clear();
});

const messages = [{ role: 'user', content: 'Say hello' }];

describe('azure-openai with Entra ID client credentials', () => {
  it('gets a token by client credentials, sends it as a bearer token, and reuses it until it nears expiry', async () => {
    h.upstream.enqueue({ file: 'azure-openai/text.json' }, { file: 'azure-openai/text.sse' });
    const plain = await h.post('/v1/chat/completions', { model: 'azure-entra', messages });
    expect(plain.status).toBe(200);
    expect((await plain.json()).choices[0].message.content).toBe('Hello! Grüße aus 東京 👋');
    const streamed = await h.post('/v1/chat/completions', { model: 'azure-entra', messages, stream: true });
    expect((await readChatStream(streamed)).length).toBeGreaterThan(1);

    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0].path).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(Object.fromEntries(tokenRequests[0].form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'a1b2c3d4-0000-4000-8000-000000000001',
      client_secret: CLIENT_SECRET,
      scope: 'https://cognitiveservices.azure.com/.default',
    });
    for (const request of h.upstream.requests) {
      expect(request.url).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21');
      expect(request.headers.authorization).toBe('Bearer eyJ0eXAiOiJKV1Qi.token-1');
      expect(request.headers['api-key']).toBeUndefined();
    }
  });

  it('maps Entra refusing the client secret to 502 upstream_auth_failed, without the secret', async () => {
    // A new credential (other client id) so the cached token does not apply.
    const harness = await startProviderHarness({
      extra: (origin, credential) => ({
        providers: [
          provider({
            id: 'prov-azure-bad',
            name: 'azure-bad',
            kind: 'azure-openai',
            baseUrl: origin,
            seal: {
              ...credential,
              secret: JSON.stringify({
                tenantId: TENANT,
                clientId: 'bad-client',
                clientSecret: CLIENT_SECRET,
                authorityHost: `http://127.0.0.1:${(entra.address() as AddressInfo).port}`,
              }),
            },
          }),
        ],
        models: [
          model({
            id: 'model-azure-bad',
            name: 'azure-bad',
            deployments: [deployment({ id: 'dep-azure-bad', providerId: 'prov-azure-bad', upstreamModel: 'prod-gpt4o' })],
          }),
        ],
      }),
    });
    try {
      tokenAnswer = {
        status: 401,
        body: {
          error: 'invalid_client',
          error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent is ${CLIENT_SECRET}.`,
          error_codes: [7000215],
        },
      };
      const response = await harness.post('/v1/chat/completions', { model: 'azure-bad', messages });
      expect(response.status).toBe(502);
      const body = await response.json();
      expect(body.error.code).toBe('upstream_auth_failed');
      expect(JSON.stringify(body)).not.toContain(CLIENT_SECRET);
      expect(harness.upstream.requests).toHaveLength(0);
      const [event] = await harness.usageOf(response);
      expect(event).toMatchObject({ status: 401, outcome: 'upstream_error', promptTokens: 0, completionTokens: 0 });
    } finally {
      tokenAnswer = { status: 200, body: {} };
      await harness.close();
    }
  });
});

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { UpstreamCall } from '../adapter.ts';
import { readBodyText, sendUpstream } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { upstreamInvalidResponse } from '../upstream-errors.ts';

/**
 * An Azure OpenAI provider's credential, when it is Microsoft Entra ID client credentials (a
 * service principal) instead of an API key: the JSON `{"tenantId","clientId","clientSecret"}`,
 * optionally `authorityHost` (sovereign clouds; default the public cloud) and `scope`.
 */
const EntraCredential = z.object({
  tenantId: z.string().regex(/^[A-Za-z0-9.-]{1,100}$/),
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(1000),
  authorityHost: z.url({ protocol: /^https?$/ }).default('https://login.microsoftonline.com'),
  scope: z.string().min(1).default('https://cognitiveservices.azure.com/.default'),
});
export type EntraCredential = z.infer<typeof EntraCredential>;

/** The Entra credential in a provider's (decrypted) credential, or null for a plain API key. */
export function parseEntraCredential(credential: string | null): EntraCredential | null {
  if (!credential || !credential.trimStart().startsWith('{')) return null;
  try {
    const parsed = EntraCredential.safeParse(JSON.parse(credential));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// Renew this long before expiry, so a token never expires in flight.
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Access tokens by client credentials (OAuth 2.0 client_credentials grant against
 * `{authorityHost}/{tenantId}/oauth2/v2.0/token`), cached until shortly before they expire and
 * shared by concurrent requests (one token request at a time per credential). The token request
 * goes through the same upstream agents as the provider's calls (timeouts, and the connect-time
 * guard for teams' own providers); an Entra error becomes the attempt's upstream error.
 */
export function createEntraTokens(agents: UpstreamAgents) {
  const cache = new Map<string, { token: string; renewAt: number }>();
  const pending = new Map<string, Promise<string>>();

  async function fetchToken(
    credential: EntraCredential,
    call: Pick<UpstreamCall, 'provider' | 'cancellation' | 'connectTimeoutMs'>,
    key: string,
  ): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credential.clientId,
      client_secret: credential.clientSecret,
      scope: credential.scope,
    });
    const url = `${credential.authorityHost.replace(/\/+$/, '')}/${credential.tenantId}/oauth2/v2.0/token`;
    // The client secret must never reach a message: the provider's "credential" for redaction is the secret.
    const tokenCall = {
      ...call,
      provider: { ...call.provider, credential: credential.clientSecret },
      traceHeaders: undefined,
      onResponseHead: undefined,
      timing: undefined,
    };
    const response = await sendUpstream(agents, tokenCall, {
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    });
    const text = await readBodyText(response, tokenCall);
    const parsed = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() }).safeParse(safeJson(text));
    if (!parsed.success) throw upstreamInvalidResponse(call.provider.name, response.statusCode, 'the Entra ID token response has no access_token');
    cache.set(key, { token: parsed.data.access_token, renewAt: Date.now() + parsed.data.expires_in * 1000 - RENEW_BEFORE_MS });
    return parsed.data.access_token;
  }

  return {
    /** A valid access token for the credential, from the cache or freshly requested. */
    async token(credential: EntraCredential, call: Pick<UpstreamCall, 'provider' | 'cancellation' | 'connectTimeoutMs'>): Promise<string> {
      const key = createHash('sha256').update(JSON.stringify(credential)).digest('hex');
      const cached = cache.get(key);
      if (cached && cached.renewAt > Date.now()) return cached.token;
      let inFlight = pending.get(key);
      if (!inFlight) {
        inFlight = fetchToken(credential, call, key).finally(() => pending.delete(key));
        pending.set(key, inFlight);
      }
      return inFlight;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

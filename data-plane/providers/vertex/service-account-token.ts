import { createHash } from 'node:crypto';
import type { JWT } from 'google-auth-library';
import { z } from 'zod';
import type { UpstreamCall } from '../adapter.ts';
import { upstreamMisconfigured } from '../http-call.ts';
import type { UpstreamAgents } from '../upstream-agent.ts';
import { redactSecret, upstreamHttpError, upstreamTransportError } from '../upstream-errors.ts';

/**
 * A `vertex` provider's credential: a Google Cloud service-account key file, as downloaded
 * (`{"type":"service_account","project_id","private_key_id","private_key","client_email","token_uri",...}`).
 * The project called is its `project_id`; `token_uri` is where tokens are obtained (Google's
 * endpoint in every real key file; a test points it at a fake).
 */
const ServiceAccountKey = z.object({
  project_id: z.string().regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$|^[a-z0-9.:-]{1,100}$/),
  private_key_id: z.string().optional(),
  private_key: z.string().includes('PRIVATE KEY'),
  client_email: z.string().min(3),
  token_uri: z.url({ protocol: /^https?$/ }).default('https://oauth2.googleapis.com/token'),
});
export type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

/** The key file in a provider's (decrypted) credential, or null when it is not one. */
export function parseServiceAccountKey(credential: string | null): ServiceAccountKey | null {
  if (!credential) return null;
  try {
    const parsed = ServiceAccountKey.safeParse(JSON.parse(credential));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** google-auth-library's own token endpoint, which its JWT client always names. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
// Renew this long before expiry, so a token never expires in flight.
const RENEW_BEFORE_MS = 5 * 60_000;
const TOKEN_TIMEOUT_MS = 30_000;

/**
 * OAuth access tokens for service accounts, by google-auth-library's JWT client (it signs the
 * RS256 assertion, exchanges it at the token endpoint, caches the token, renews it five minutes
 * before expiry and shares one exchange between concurrent requests). One client per key file.
 * Its HTTP goes through the gateway's upstream agents (timeouts, and the address guard for
 * teams' own providers) to the key file's `token_uri`, without the library's own retries: the
 * gateway's retry and fallback policy decides. A refused exchange becomes the attempt's
 * upstream error (a refused key -> 502 upstream_auth_failed).
 */
export function createServiceAccountTokens(agents: UpstreamAgents) {
  const clients = new Map<string, JWT>();

  async function clientFor(key: ServiceAccountKey, call: Pick<UpstreamCall, 'provider' | 'connectTimeoutMs'>): Promise<JWT> {
    const cacheKey = createHash('sha256')
      .update(JSON.stringify([key, call.provider.teamId === null]))
      .digest('hex');
    let client = clients.get(cacheKey);
    if (client) return client;
    const dispatcher = agents.forConnectTimeout(call.connectTimeoutMs, call.provider.teamId === null ? 'any' : 'public-only');
    // Loaded on the first vertex token, not at start: google-auth-library and its dependencies
    // are about 3 MB of heap that a data plane without vertex providers never uses, and undici's
    // index (its fetch) about 3 MB more (providers/undici-parts.ts).
    const [{ JWT }, { fetch: undiciFetch }] = await Promise.all([import('google-auth-library'), import('undici')]);
    const tokenFetch = ((input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      // The library always asks Google's endpoint; the key file may name another one.
      return undiciFetch(url === GOOGLE_TOKEN_URL ? key.token_uri : url, { ...(init as object), dispatcher } as never);
    }) as typeof fetch;
    // Another token request may have made the client while this one awaited the import.
    client = clients.get(cacheKey);
    if (client) return client;
    client = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
      scopes: [SCOPE],
      eagerRefreshThresholdMillis: RENEW_BEFORE_MS,
      transporterOptions: { fetchImplementation: tokenFetch, retryConfig: { retry: 0 }, timeout: TOKEN_TIMEOUT_MS },
    });
    clients.set(cacheKey, client);
    return client;
  }

  return {
    /** A valid access token for the key, cached or freshly obtained. */
    async token(key: ServiceAccountKey, call: Pick<UpstreamCall, 'provider' | 'cancellation' | 'connectTimeoutMs'>): Promise<string> {
      let token: string | null | undefined;
      try {
        token = (await (await clientFor(key, call)).getAccessToken()).token;
      } catch (error) {
        throw tokenError(error, key, call);
      }
      if (!token) throw upstreamMisconfigured(call.provider.name, 'got no access token for its service account');
      return token;
    },
  };
}

function tokenError(error: unknown, key: ServiceAccountKey, call: Pick<UpstreamCall, 'provider' | 'cancellation'>): unknown {
  const status = (error as { status?: unknown; response?: { status?: unknown } })?.response?.status ?? (error as { status?: unknown })?.status;
  if (typeof status !== 'number') return upstreamTransportError((error as { cause?: unknown })?.cause ?? error, call.provider.name, 0, call.cancellation);
  const data = (error as { response?: { data?: { error_description?: unknown; error?: unknown } } }).response?.data;
  const said = typeof data?.error_description === 'string' ? data.error_description : typeof data?.error === 'string' ? data.error : null;
  // Google refuses a bad or revoked key with 400 invalid_grant: for us, as any 4xx of the token
  // endpoint but 429, that is the gateway's credential failing, not the client's request.
  const mapAs = status >= 400 && status < 500 && status !== 429 ? 401 : undefined;
  return upstreamHttpError({ status, mapAs, message: said ? redactSecret(said, key.private_key) : null, providerName: call.provider.name });
}

import { AwsV4Signer } from 'aws4fetch';
import { z } from 'zod';
import type { CompiledProvider } from '../../snapshot/compiled-snapshot.ts';
import { upstreamMisconfigured, type WireRequest } from '../http-call.ts';

/**
 * A `bedrock` provider's credential: IAM access keys as the JSON
 * `{"accessKeyId","secretAccessKey","sessionToken"?}` (requests are signed with SigV4), or a
 * Bedrock API key as plain text (sent as a bearer token).
 */
const AwsKeys = z.object({
  accessKeyId: z.string().min(16).max(128),
  secretAccessKey: z.string().min(1).max(256),
  sessionToken: z.string().min(1).optional(),
});
export type AwsKeys = z.infer<typeof AwsKeys>;

export type BedrockCredential = { kind: 'keys'; keys: AwsKeys } | { kind: 'api-key'; apiKey: string };

/** The AWS region names Bedrock has (`us-east-1`, `eu-central-2`, `us-gov-west-1`): only these make a host. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The credential in a provider's (decrypted) credential, or null when it has none. */
export function parseBedrockCredential(credential: string | null): BedrockCredential | null {
  if (!credential) return null;
  if (!credential.trimStart().startsWith('{')) return { kind: 'api-key', apiKey: credential };
  let json: unknown;
  try {
    json = JSON.parse(credential);
  } catch {
    return null;
  }
  const parsed = AwsKeys.safeParse(json);
  return parsed.success ? { kind: 'keys', keys: parsed.data } : null;
}

/** The secret to redact from anything an upstream says: the secret key, never the whole JSON. */
export function bedrockSecret(credential: BedrockCredential | null): string | null {
  if (!credential) return null;
  return credential.kind === 'keys' ? credential.keys.secretAccessKey : credential.apiKey;
}

/** The provider's region, validated (a region is part of the default host name). */
export function bedrockRegion(provider: CompiledProvider): string {
  if (!provider.region || !REGION.test(provider.region)) throw upstreamMisconfigured(provider.name, 'needs a valid AWS region (e.g. us-east-1)');
  return provider.region;
}

/**
 * Adds the credential to a request: a SigV4 signature (service `bedrock`, the provider's region)
 * over method, path, host, date and the body's hash, or the API key as a bearer
 * token. Headers added afterwards (trace context, request id) are outside the signature, which
 * SigV4 allows.
 */
export async function authorize(wire: WireRequest, credential: BedrockCredential | null, region: string, providerName: string): Promise<WireRequest> {
  if (!credential) throw upstreamMisconfigured(providerName, 'has no usable credential (AWS access keys as JSON, or a Bedrock API key)');
  if (credential.kind === 'api-key') return { ...wire, headers: { ...wire.headers, authorization: `Bearer ${credential.apiKey}` } };
  const signer = new AwsV4Signer({
    method: wire.method ?? 'POST',
    url: wire.url,
    headers: wire.headers,
    body: wire.body,
    accessKeyId: credential.keys.accessKeyId,
    secretAccessKey: credential.keys.secretAccessKey,
    sessionToken: credential.keys.sessionToken,
    service: 'bedrock',
    region,
  });
  const signed = await signer.sign();
  return { ...wire, headers: Object.fromEntries(signed.headers) };
}

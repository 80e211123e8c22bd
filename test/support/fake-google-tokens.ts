import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GoogleTokenRequest {
  path: string;
  form: URLSearchParams;
}

/**
 * A fake Google OAuth 2.0 token endpoint (the JWT bearer grant of service accounts, as Google
 * documents it: a form POST with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and the
 * signed `assertion`; it answers `{"access_token","expires_in","token_type"}`), with a service
 * account key file whose `token_uri` points at it and whose key pair is made here.
 */
export interface FakeGoogleTokens {
  /** The key file, as Google Cloud's console downloads it. */
  readonly serviceAccount: Record<string, string>;
  /** The public half of the service account's key, to verify assertions with. */
  readonly publicKeyPem: string;
  readonly requests: GoogleTokenRequest[];
  /** The next answers' status and body (200 issues `ya29.fake-token-<n>`). */
  answer: { status: number; body?: unknown; expiresIn?: number };
  /** Tokens issued so far. */
  readonly issued: number;
  close(): Promise<void>;
}

export async function startFakeGoogleTokens(): Promise<FakeGoogleTokens> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const requests: GoogleTokenRequest[] = [];
  let issued = 0;
  const state: { answer: FakeGoogleTokens['answer'] } = { answer: { status: 200 } };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', form: new URLSearchParams(raw) });
      const { status, body, expiresIn } = state.answer;
      const answer = status === 200 ? { access_token: `ya29.fake-token-${++issued}`, expires_in: expiresIn ?? 3599, token_type: 'Bearer' } : body;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    serviceAccount: {
      type: 'service_account',
      project_id: 'tollgate-test-project',
      private_key_id: 'f3a1c0ffee0000000000000000000000000000aa',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: 'gateway@tollgate-test-project.iam.gserviceaccount.com',
      client_id: '100000000000000000001',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `${origin}/token`,
    },
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    requests,
    get answer() {
      return state.answer;
    },
    set answer(value) {
      state.answer = value;
    },
    get issued() {
      return issued;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

import { type FormEvent, useState } from 'react';
import { setToken } from '../session.ts';

/** Sign in with the platform admin key or a member's management token; the API decides what it may see. */
export function SignInPage() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget).get('token') ?? '').trim();
    if (!token) return setError('Paste the admin key or your member token.');
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      const body = (await response.json().catch(() => null)) as { data?: { viewer?: { kind: string } }; errors?: { message: string }[] } | null;
      if (body?.data?.viewer) setToken(token);
      else setError(response.status === 401 ? 'That key or token is not valid.' : (body?.errors?.[0]?.message ?? `Sign-in failed (${response.status}).`));
    } catch {
      setError('The control plane cannot be reached.');
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Tollgate console</h1>
        <div className="field">
          <label htmlFor="token">Admin key or member token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            autoFocus
          />
        </div>
        {error ? (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">The key is kept in this tab only (session storage) and sent to the GraphQL API as a bearer token.</p>
      </form>
    </main>
  );
}

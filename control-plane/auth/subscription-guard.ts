import { GraphQLError } from 'graphql';
import type { Principal } from '../context.ts';

/**
 * Subscriptions outlive the request that authorised them. Each one is guarded here by the token
 * it was opened with: whenever credentials may have changed (a member deleted, a token rotated,
 * a role changed, a team deleted: `credentialsChanged()`, called by those mutations on this
 * control plane) and every `recheckMs` (changes made through another control plane), the token
 * is resolved again. A subscription whose caller is no longer exactly who subscribed ends with a
 * graphql-ws `error` message: UNAUTHENTICATED when the token no longer opens anything,
 * CREDENTIALS_CHANGED when the role or team changed (subscribing again re-checks authorisation
 * under the new role). The platform admin key never changes at run time.
 */
export interface SubscriptionGuard {
  /** Wraps a subscription's event stream so that it ends when its caller's credentials change. */
  guard<T>(source: AsyncIterable<T>, token: string | null, principal: Principal): AsyncIterable<T>;
  /** Re-checks every guarded subscription now (after a mutation that touched credentials). */
  credentialsChanged(): Promise<void>;
  close(): void;
}

interface Guarded {
  token: string;
  principal: Principal;
  revoke(now: Principal): void;
}

export function createSubscriptionGuard(options: { resolvePrincipal: (token: string | null) => Promise<Principal>; recheckMs: number }): SubscriptionGuard {
  const guarded = new Set<Guarded>();
  let checking: Promise<void> | null = null;
  let again = false;

  async function recheckAll(): Promise<void> {
    // One resolution per distinct token, however many subscriptions share it.
    const byToken = new Map<string, Guarded[]>();
    for (const entry of guarded) byToken.set(entry.token, [...(byToken.get(entry.token) ?? []), entry]);
    await Promise.all(
      [...byToken].map(async ([token, entries]) => {
        let now: Principal;
        try {
          now = await options.resolvePrincipal(token);
        } catch {
          return; // The database is down: nothing can be told; keep them until it answers.
        }
        for (const entry of entries) if (!samePrincipal(entry.principal, now)) entry.revoke(now);
      }),
    );
  }

  function credentialsChanged(): Promise<void> {
    if (checking) {
      again = true;
      return checking;
    }
    checking = (async () => {
      try {
        do {
          again = false;
          await recheckAll();
        } while (again);
      } finally {
        checking = null;
      }
    })();
    return checking;
  }

  const timer = options.recheckMs > 0 ? setInterval(() => void (guarded.size > 0 && credentialsChanged()), options.recheckMs) : null;
  timer?.unref();

  return {
    guard<T>(source: AsyncIterable<T>, token: string | null, principal: Principal): AsyncIterable<T> {
      // The admin key is fixed for the process's lifetime; an anonymous caller never gets here.
      if (!token || principal.kind !== 'member') return source;
      const iterator = source[Symbol.asyncIterator]();
      let revokedError: GraphQLError | null = null;
      let fail!: (error: GraphQLError) => void;
      const revoked = new Promise<never>((_, reject) => (fail = reject));
      revoked.catch(() => undefined);
      let finished = false;
      const finish = async () => {
        if (finished) return;
        finished = true;
        guarded.delete(entry);
        await iterator.return?.();
      };
      const entry: Guarded = {
        token,
        principal,
        revoke(now) {
          if (finished) return;
          fail(
            (revokedError =
              now.kind === 'anonymous'
                ? new GraphQLError('the credentials of this subscription are no longer valid (member removed or token rotated)', {
                    extensions: { code: 'UNAUTHENTICATED' },
                  })
                : new GraphQLError('the role or team of this subscription changed: subscribe again', { extensions: { code: 'CREDENTIALS_CHANGED' } })),
          );
          // A rejected next() ends the consumer's loop without calling return(): release the source here.
          void finish();
        },
      };
      guarded.add(entry);
      const wrapped: AsyncIterableIterator<T> = {
        next: () => {
          if (!finished) return Promise.race([iterator.next(), revoked]);
          return revokedError ? Promise.reject(revokedError) : Promise.resolve({ done: true, value: undefined as T });
        },
        async return(value?: unknown) {
          await finish();
          return { done: true, value: value as T };
        },
        async throw(error?: unknown) {
          await finish();
          throw error;
        },
        [Symbol.asyncIterator]() {
          return wrapped;
        },
      };
      return wrapped;
    },
    credentialsChanged,
    close() {
      if (timer) clearInterval(timer);
    },
  };
}

function samePrincipal(a: Principal, b: Principal): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'member' || b.kind !== 'member') return true;
  return a.memberId === b.memberId && a.teamId === b.teamId && a.role === b.role;
}

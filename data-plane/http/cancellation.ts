/**
 * What a cancellable piece of work reads of its cancellation. Cheaper than an AbortSignal: a
 * request that nobody cancels (nearly all of them) makes no AbortController, no EventTarget
 * listener and no AbortError; `signal` makes a real AbortSignal on first use, for the APIs that
 * take one (timers/promises `sleep`, webhooks, SDK-style adapters).
 */
export interface AbortHook {
  readonly aborted: boolean;
  /** Why it was aborted (an AbortError DOMException when no reason was given); undefined until then. */
  readonly reason: unknown;
  /** An AbortSignal that follows this hook, made on first use. */
  readonly signal: AbortSignal;
  /** Calls `listener` once, when aborted. Never called for a hook that is already aborted: check `aborted` first. */
  onAbort(listener: (reason: unknown) => void): void;
  /** Removes a listener added with onAbort (nothing happens for one already called or removed). */
  offAbort(listener: (reason: unknown) => void): void;
}

/**
 * An AbortController without the controller until someone needs a signal: `abort` runs the
 * listeners added with `onAbort` (a plain array, usually of one) and aborts the signal if one was
 * made. Same semantics as AbortController: the first abort wins, later ones do nothing.
 */
export class Cancellation implements AbortHook {
  private isAborted = false;
  private abortReason: unknown;
  private listeners: ((reason: unknown) => void)[] | null = null;
  private controller: AbortController | null = null;

  get aborted(): boolean {
    return this.isAborted;
  }

  get reason(): unknown {
    return this.abortReason;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  onAbort(listener: (reason: unknown) => void): void {
    if (this.isAborted) return;
    if (this.listeners === null) this.listeners = [listener];
    else this.listeners.push(listener);
  }

  offAbort(listener: (reason: unknown) => void): void {
    const listeners = this.listeners;
    if (listeners === null) return;
    const index = listeners.lastIndexOf(listener);
    if (index < 0) return;
    if (listeners.length === 1) {
      this.listeners = null;
      return;
    }
    // Not splice: it allocates the removed elements' array, on every upstream response.
    for (let i = index; i < listeners.length - 1; i++) listeners[i] = listeners[i + 1];
    listeners.pop();
  }

  abort(reason?: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    // As AbortController does: no reason given means an AbortError (only made here, on the rare path).
    this.abortReason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.controller?.abort(this.abortReason);
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const listener of listeners) listener(this.abortReason);
  }
}

/** An AbortSignal seen as an AbortHook (for work that starts from a signal, such as AbortSignal.any). */
export function hookOf(signal: AbortSignal): AbortHook {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason;
    },
    signal,
    onAbort: (listener) => signal.addEventListener('abort', () => listener(signal.reason), { once: true }),
    offAbort: () => {
      // Rare path (count_tokens): the listener dies with its short-lived signal.
    },
  };
}

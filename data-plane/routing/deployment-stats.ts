/**
 * What one data plane has seen of each deployment: requests in flight (least-busy) and an EWMA
 * of the time to first byte (latency-based). Keyed by deployment id, so it survives snapshot
 * swaps; local to the process on purpose (it is a hint for ordering, not a shared truth).
 */
export class DeploymentStats {
  private readonly inFlight = new Map<string, number>();
  private readonly latency = new Map<string, { ewmaMs: number; atMs: number }>();

  constructor(
    private readonly options: {
      /** Weight of a new sample in the EWMA. */
      alpha?: number;
      /** A sample older than this is forgotten, so a once-slow deployment gets probed again. */
      staleAfterMs?: number;
      now?: () => number;
    } = {},
  ) {}

  /** Counts an attempt in flight until the returned function is called (idempotent). */
  begin(deploymentId: string): () => void {
    this.inFlight.set(deploymentId, (this.inFlight.get(deploymentId) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.inFlight.get(deploymentId) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(deploymentId);
      else this.inFlight.set(deploymentId, left);
    };
  }

  inFlightOf(deploymentId: string): number {
    return this.inFlight.get(deploymentId) ?? 0;
  }

  /**
   * A time-to-first-byte sample. Streams and non-streamed calls are kept apart: a non-streamed
   * answer only arrives once fully generated, so the two are not comparable.
   */
  recordLatency(deploymentId: string, streamed: boolean, ms: number): void {
    const key = statKey(deploymentId, streamed);
    const alpha = this.options.alpha ?? 0.3;
    const previous = this.latency.get(key);
    const now = this.now();
    const fresh = previous && now - previous.atMs <= this.staleAfterMs();
    this.latency.set(key, { ewmaMs: fresh ? previous.ewmaMs + alpha * (ms - previous.ewmaMs) : ms, atMs: now });
  }

  /** The EWMA, or null when there is no recent sample (the deployment is then explored first). */
  latencyOf(deploymentId: string, streamed: boolean): number | null {
    const sample = this.latency.get(statKey(deploymentId, streamed));
    if (!sample || this.now() - sample.atMs > this.staleAfterMs()) return null;
    return sample.ewmaMs;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private staleAfterMs(): number {
    return this.options.staleAfterMs ?? 300_000;
  }
}

const statKey = (deploymentId: string, streamed: boolean) => `${streamed ? 's' : 'c'}:${deploymentId}`;

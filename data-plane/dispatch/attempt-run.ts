import { performance } from 'node:perf_hooks';
import type { Exchange } from '../http/exchange.ts';
import type { UpstreamCall } from '../providers/adapter.ts';
import type { AttemptMeter, AttemptOutcome } from '../usage/attempt-meter.ts';
import type { DispatchDeps } from './dispatch-chat.ts';

/** What one attempt needs while it runs: built by dispatchChat, used by both relays. */
export interface AttemptRun {
  exchange: Exchange;
  call: UpstreamCall;
  meter: AttemptMeter;
  deps: DispatchDeps;
  /** Ends the attempt: publishes its usage event, once. */
  end(outcome: AttemptOutcome): void;
}

/** `x-tollgate-overhead-ms`: time in the gateway, i.e. since arrival minus the upstream's share. */
export function setOverheadHeader(run: AttemptRun): void {
  const overhead = performance.now() - run.exchange.receivedAt - run.meter.elapsedMs();
  run.exchange.setHeader('x-tollgate-overhead-ms', Math.max(0, overhead).toFixed(2));
}

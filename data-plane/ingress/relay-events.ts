import { HeldEventStream } from '../guardrails/held-stream.ts';
import { upstreamInvalidResponse } from '../providers/upstream-errors.ts';
import type { AttemptRun } from '../request/attempt.ts';

/** One SSE frame of a named-event protocol (Anthropic's Messages stream, the Responses API's). */
export interface Frame {
  event: string;
  /** The JSON text of the event. */
  data: string;
}

/**
 * What an ingress brings to a streamed attempt whose client protocol has named events and no
 * `[DONE]`: how to open the upstream, what each upstream event becomes for the client (metering
 * it on the way), and the closing frames. The last closing frame is the protocol's terminal
 * event (`message_stop`, `response.completed`): the attempt's usage is handed over before it.
 */
export interface EventStreamShape<TEvent> {
  open(run: AttemptRun): Promise<{ status: number; events: AsyncIterable<TEvent> }>;
  /** The frames for one upstream event; reports usage and counts output on `run.meter`. */
  frames(event: TEvent, run: AttemptRun): Frame[];
  /** After the upstream's last event; throws when the upstream ended without its own end marker. */
  closing(run: AttemptRun): Frame[];
}

/**
 * A streamed attempt for a named-event protocol, with the same contract as the chat relay
 * (dispatch/relay-stream.ts): nothing reaches the client before the upstream's first event, so
 * a failure until then is still the attempt loop's to retry; from then on the request is
 * committed and a failure becomes the protocol's error event (the exchange's ErrorFormat);
 * every frame is awaited, so a slow client paces the upstream read.
 */
export async function relayEvents<TEvent>(run: AttemptRun, shape: EventStreamShape<TEvent>): Promise<void> {
  const { meter, clock, call, exchange } = run;
  const opened = await clock.race(shape.open(run));
  meter.answered(opened.status);
  const events = opened.events[Symbol.asyncIterator]();
  try {
    const first = await clock.race(events.next());
    if (first.done) throw upstreamInvalidResponse(call.provider.name, opened.status, 'the stream ended before its first event');
    clock.gotFirstByte();
    // Post-call guardrails in buffer mode: the whole answer is checked before anything goes out.
    const held = run.answerGuard?.buffered ? new HeldEventStream() : null;
    if (!held) run.commit();
    const stream = held ?? exchange.openEventStream();
    let next: IteratorResult<TEvent> = first;
    while (!next.done && !exchange.cancellation.aborted) {
      for (const frame of shape.frames(next.value, run)) await stream.send(frame.data, frame.event);
      if (exchange.cancellation.aborted) break;
      next = await clock.race(events.next(), true);
    }
    if (exchange.cancellation.aborted) return; // the attempt reports itself aborted
    const closing = shape.closing(run);
    for (const frame of closing.slice(0, -1)) await stream.send(frame.data, frame.event);
    // The post-call guardrails' last word (whole-text checks, webhooks) comes before the terminal event.
    await run.answerGuard?.finish();
    // Usage before the terminal event: a client that saw the whole stream has had its usage handed
    // over. The frames still queued wait for it and leave with the terminal event, in one write.
    stream.holdForEnd();
    await run.end('ok');
    const last = closing.at(-1);
    if (last) await stream.send(last.data, last.event);
    stream.end();
    if (held && !exchange.cancellation.aborted) {
      run.commit();
      await held.flushTo(exchange.openEventStream());
    }
  } finally {
    // Stopping early (failure, abort, deadline) must release the upstream connection.
    Promise.resolve(events.return?.()).catch(() => {});
  }
}

/** A frame whose event name is the object's own `type`, as both protocols do. */
export function frame(data: { type: string } & Record<string, unknown>): Frame {
  return { event: data.type, data: JSON.stringify(data) };
}

/**
 * The end of an event-loop turn: one setImmediate (after every I/O callback of this turn has run)
 * runs the work the turn left, `gather` tasks before `flush` tasks. A gather task may add items to
 * a batch (the usage publisher hands its events to the money store's batch), a flush task sends a
 * batch; a task added while they run runs in the same pass, so what a gather task adds still goes
 * out with this turn's flush.
 */
const gathers: (() => void)[] = [];
const flushes: (() => void)[] = [];
let scheduled = false;

export function atTurnEnd(task: () => void, stage: 'gather' | 'flush'): void {
  (stage === 'gather' ? gathers : flushes).push(task);
  if (!scheduled) {
    scheduled = true;
    setImmediate(endTurn);
  }
}

function endTurn(): void {
  try {
    for (let task = gathers.shift() ?? flushes.shift(); task; task = gathers.shift() ?? flushes.shift()) task();
  } finally {
    scheduled = false;
    // A task threw: what is left goes in the next pass.
    if (gathers.length > 0 || flushes.length > 0) {
      scheduled = true;
      setImmediate(endTurn);
    }
  }
}

/**
 * Coalesces the calls made during one event-loop turn into one batch: the first call of a turn
 * schedules the flush (atTurnEnd), every call of the turn joins the batch, and `run` gets them all
 * at once (one Redis round trip for all the requests that arrived together). `run` answers one
 * result per item, in order: an Error rejects that item's caller alone (no wrapper per call to
 * turn it into a throw); when `run` throws, every caller of the batch gets the error.
 */
export function perTurn<TItem, TResult>(run: (items: TItem[]) => Promise<(TResult | Error)[]>): (item: TItem) => Promise<TResult> {
  let items: TItem[] = [];
  let waiters: { resolve(result: TResult): void; reject(error: unknown): void }[] = [];
  let scheduled = false;

  function flush(): void {
    const batch = items;
    const waiting = waiters;
    items = [];
    waiters = [];
    scheduled = false;
    run(batch).then(
      (results) => {
        for (let i = 0; i < waiting.length; i++) {
          const result = results[i];
          if (result instanceof Error) waiting[i].reject(result);
          else waiting[i].resolve(result);
        }
      },
      (error: unknown) => {
        for (const waiter of waiting) waiter.reject(error);
      },
    );
  }

  return (item) =>
    new Promise<TResult>((resolve, reject) => {
      items.push(item);
      waiters.push({ resolve, reject });
      if (!scheduled) {
        scheduled = true;
        atTurnEnd(flush, 'flush');
      }
    });
}

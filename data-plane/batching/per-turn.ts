/**
 * Coalesces the calls made during one event-loop turn into one batch: the first call of a turn
 * schedules the flush (setImmediate: after every I/O callback of this turn has run), every call
 * of the turn joins the batch, and `run` gets them all at once (one Redis round trip for all the
 * requests that arrived together). `run` answers one result per item, in order; when it throws,
 * every caller of the batch gets the error.
 */
export function perTurn<TItem, TResult>(run: (items: TItem[]) => Promise<TResult[]>): (item: TItem) => Promise<TResult> {
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
        for (let i = 0; i < waiting.length; i++) waiting[i].resolve(results[i]);
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
        setImmediate(flush);
      }
    });
}

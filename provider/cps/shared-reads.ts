/**
 * Identical GETs waiting for budget at the same time share one request: two resources of a stack
 * waiting on the same change (a DvValidation and a Deployment of one enrollment), or diffs reading
 * one contract's list, cost the account's budget one request, not one each. The longer the queue,
 * the more reads it saves.
 *
 * Only a read that has not been sent yet can be joined: its answer is then at least as fresh as
 * what the joining caller asked for (an acknowledgement it sent just before is already in it).
 * Each caller gets the same answer, or the same error.
 */
export class SharedReads<T> {
  private readonly queued = new Map<string, Promise<T>>();
  /** Reads that joined one already queued (diagnostics, tests). */
  joined = 0;

  /** `read` calls `sent()` just before its request goes out; from then on the next caller reads anew. */
  run(key: string, read: (sent: () => void) => Promise<T>): Promise<T> {
    const pending = this.queued.get(key);
    if (pending !== undefined) {
      this.joined++;
      return pending;
    }
    const entry: { read?: Promise<T> } = {};
    const forget = () => {
      if (entry.read !== undefined && this.queued.get(key) === entry.read) this.queued.delete(key);
    };
    entry.read = read(forget).finally(forget);
    this.queued.set(key, entry.read);
    return entry.read;
  }
}

/**
 * Runs async tasks one at a time, in the order they were queued: the work on
 * one viewer (set-up, offer, answer, ICE, data, state reads, removal) goes
 * through one queue, so a removal never frees a webrtcbin while a call on it
 * is still in flight.
 *
 * @module
 */

/** A FIFO of async tasks, at most one running at a time. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  #size = 0;

  /**
   * Queues `task`; resolves or rejects with its result once it has run. A
   * task that throws does not stop the ones queued after it.
   */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    this.#size++;
    const result = this.#tail.then(task).finally(() => this.#size--);
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.#size;
  }
}

/** Work done a piece at a time: `run` works until done (true) or until `deadline` (performance-clock ms) passes (false). */
export interface SlicedWork<T> {
  run(deadline: number): boolean;
  result(): T;
}

/**
 * Runs `work` in slices of about `sliceMs` with a yield (`setImmediate`) between them, so work of any size
 * never blocks the event loop for long. Work that fits in one slice is done synchronously and its result
 * returned as is (no promise), so small inputs stay on the fast path.
 */
export function runInSlices<T>(work: SlicedWork<T>, sliceMs: number): T | Promise<T> {
  if (work.run(performance.now() + sliceMs)) return work.result();
  return new Promise<T>((resolve, reject) => {
    const step = () => {
      try {
        if (work.run(performance.now() + sliceMs)) resolve(work.result());
        else setImmediate(step);
      } catch (error) {
        reject(error);
      }
    };
    setImmediate(step);
  });
}

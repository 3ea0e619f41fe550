/**
 * Polls a condition until it holds (returns a truthy value) or the time limit passes. The
 * limit only turns a stuck test into a failure; tests wait for conditions, not for time.
 */
export async function waitFor<T>(condition: () => Promise<T> | T, options: { timeoutMs?: number; what?: string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: T | undefined;
  for (;;) {
    last = await condition();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

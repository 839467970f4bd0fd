/** Bounded exponential backoff with full jitter. */

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Retries after the first attempt. @default 4 */
  readonly retries?: number;
  /** First backoff ceiling in ms; doubles each retry. @default 100 */
  readonly baseDelayMs?: number;
  /** Largest backoff in ms. @default 2000 */
  readonly maxDelayMs?: number;
}

/** Backoff before retry number `attempt` (0-based): uniform in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs ?? 2000, (policy.baseDelayMs ?? 100) * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Runs `fn` until it succeeds, `shouldRetry` says no, or the retries are used up.
 * @example await withRetry(() => fetchIt(), (e) => e instanceof TransientError, { retries: 3 })
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  shouldRetry: (err: unknown) => boolean,
  policy: RetryPolicy = {},
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  const retries = policy.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= retries || !shouldRetry(err)) throw err;
      const delay = backoffDelay(attempt, policy);
      onRetry?.(err, attempt + 1, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

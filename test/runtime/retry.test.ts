/** Backoff bounds and the concurrency bound of the registration engine. */
import { mapLimit } from '../../runtime/register';
import { backoffDelay, withRetry } from '../../runtime/retry';

test('backoff grows exponentially, is capped, and is jittered below the ceiling', () => {
  const top = () => 0.999999;
  expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, { baseDelayMs: 100, maxDelayMs: 500 }, top))).toEqual([99, 199, 399, 499, 499]);
  expect(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 500 }, () => 0)).toBe(0);
});

test('withRetry stops after the bounded number of retries and only for retryable errors', async () => {
  let calls = 0;
  const failing = () => Promise.reject(new Error(`boom ${++calls}`));
  await expect(withRetry(failing, () => true, { retries: 3, baseDelayMs: 1 })).rejects.toThrow('boom 4');
  calls = 0;
  await expect(withRetry(failing, () => false, { retries: 3, baseDelayMs: 1 })).rejects.toThrow('boom 1');
});

test('mapLimit never has more than the limit in flight, and visits every item once', async () => {
  let inFlight = 0;
  let peak = 0;
  const seen: number[] = [];
  await mapLimit([...Array(50).keys()], 4, async (i) => {
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setImmediate(r));
    seen.push(i);
    inFlight--;
  });
  expect(peak).toBe(4);
  expect(seen.sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
  await expect(mapLimit([1], 0, async () => undefined)).rejects.toThrow('concurrency must be a whole number >= 1, got 0');
});

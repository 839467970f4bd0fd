/**
 * Collapses repeated log lines. While Nacos is down every call in flight logs each of its retries
 * (about 20 lines a second in the e2e lane), all saying the same thing: a line whose text, retry
 * count aside, was printed less than `windowMs` ago is counted instead, and the next one printed
 * says how many were left out.
 */
export function throttledLog(log: (line: string) => void, opts: { windowMs?: number; now?: () => number } = {}): (line: string) => void {
  const windowMs = opts.windowMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const last = new Map<string, { at: number; skipped: number }>();
  return (line) => {
    const key = line.replace(/; retry \d+ in \d+ ms$/, '');
    const t = now();
    const seen = last.get(key);
    if (seen && t - seen.at < windowMs) {
      seen.skipped++;
      return;
    }
    log(seen?.skipped ? `${line} (and ${seen.skipped} more like it since the last one)` : line);
    if (last.size >= 1000) last.clear(); // distinct lines are few; bound the memory anyway
    last.set(key, { at: t, skipped: 0 });
  };
}

/**
 * Renders a duration the way uv's summary lines do: `1m 05s`, `1.02s`, `12ms`, `0.45ms`.
 * Takes milliseconds (fractional allowed, as from `performance.now()` differences).
 */
export function elapsed(ms: number): string {
  const totalNanos = Math.max(0, Math.round(ms * 1e6));
  const secs = Math.floor(totalNanos / 1e9);
  const subNanos = totalNanos - secs * 1e9;
  if (secs >= 60) {
    return `${Math.floor(secs / 60)}m ${String(secs % 60).padStart(2, "0")}s`;
  }
  if (secs > 0) {
    return `${secs}.${String(Math.floor(subNanos / 1e7)).padStart(2, "0")}s`;
  }
  const wholeMs = Math.floor(subNanos / 1e6);
  if (wholeMs > 0) return `${wholeMs}ms`;
  return `0.${String(Math.floor(subNanos / 1e4)).padStart(2, "0")}ms`;
}

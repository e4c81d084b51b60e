// Shared by the benches: one autocannon run as figures, and the floor
// (GET /api/health, one D1 query) every other figure is a ratio to.
import autocannon from "autocannon";

/** autocannon's answer as p50/p99/req/s; `opts` go to autocannon as they are. */
export async function cannon(opts) {
  const r = await autocannon(opts);
  return {
    requests: r.requests.total, rps: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99,
    errors: r.errors + r.non2xx, seconds: r.duration,
  };
}

/** `fig` as ratios to `floor`: latency over the floor's, throughput over the floor's. */
export function ratios(fig, floor) {
  return {
    ...fig,
    p50x: +(fig.p50ms / floor.p50ms).toFixed(2),
    p99x: +(fig.p99ms / floor.p99ms).toFixed(2),
    rpsx: +(fig.rps / floor.rps).toFixed(2),
  };
}

/** "met" / "not met" for a target line. */
export const verdict = (ok) => (ok ? "met" : "**not met**");

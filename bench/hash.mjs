// Time of one password hash inside workerd, per PBKDF2 variant at its OWASP
// setting: wall time of a request that hashes once, minus a request that
// does not (no other work runs in that isolate meanwhile, so this is CPU).
import { spawnApp } from "../tests/support/app.mjs";

const N = Number(process.env.N ?? 10);
const app = await spawnApp({ bindings: { ENABLE_TEST_ROUTES: "1" } });
async function median(path) {
  const times = [];
  for (let i = 0; i < N + 1; i++) {
    const t = performance.now();
    const res = await app.fetch(path, { method: "POST" });
    await res.text();
    if (i > 0) times.push(performance.now() - t); // first run warms up
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
try {
  const base = await median("/api/__test/hash/none");
  const out = { runs: N, baselineMs: +base.toFixed(2) };
  for (const d of ["sha256", "sha512"]) out[`pbkdf2_${d}_ms`] = +((await median(`/api/__test/hash/${d}`)) - base).toFixed(1);
  console.log(JSON.stringify(out));
} finally {
  await app.close();
}

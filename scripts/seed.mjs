// npm run seed: a demo jastiper (tina), an active trip jpn25 and a few
// products, created through the API of the running local service
// (`npm run dev` in another terminal). Safe to run twice.
const base = process.env.JASTIPIN_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const demo = { email: "tina@jastipin.local", password: "jastip-demo-123", fullName: "Jastip by Tina", slug: "tina" };

async function call(method, path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

try {
  await fetch(`${base}/api/health`);
} catch {
  console.error(`Nothing answers at ${base}: start the service with \`npm run dev\` first.`);
  process.exit(1);
}

let auth = await call("POST", "/api/auth/register", demo);
if (auth.status === 409) auth = await call("POST", "/api/auth/login", { email: demo.email, password: demo.password });
if (auth.status >= 300) throw new Error(`could not sign in as tina: ${JSON.stringify(auth.body)}`);
const token = auth.body.token;
await call("PATCH", "/api/profile/me", { profileBio: "Titip barang Jepang & Korea, berangkat tiap bulan ✈️", phone: "081234567890" }, token);

let trip = (await call("POST", "/api/trips", {
  title: "Jastip Jepang Desember", slug: "jpn25", description: "Tokyo & Osaka. Pelunasan sebelum berangkat.",
  deadline: new Date(Date.now() + 14 * 864e5).toISOString(), isActive: true,
}, token)).body?.trip;
if (!trip) trip = (await call("GET", "/api/trips", undefined, token)).body.trips.find((t) => t.slug === "jpn25");
if (!trip) throw new Error("trip jpn25 belongs to another account in this database");

const products = [
  { slug: "tkbnn", title: "Tokyo Banana (isi 8)", price: 125000, stock: 20, description: "Oleh-oleh klasik Tokyo" },
  { slug: "royce", title: "Royce Nama Chocolate", price: 185000, stock: 12, description: "Wajib cooler bag" },
  { slug: "kitkt", title: "KitKat Matcha (12 pcs)", price: 95000, stock: 30 },
];
for (const p of products) await call("POST", `/api/trips/${trip.id}/products`, p, token);

console.log(`Seeded. Open ${base}/tina  (public profile)   ${base}/t/jpn25  (join page)
Dashboard: ${base}/login   email ${demo.email}   password ${demo.password}
API:      ${base}/api/profile/tina   ${base}/api/openapi.json`);

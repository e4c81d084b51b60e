// npm run seed: a demo jastiper (tina), an active yen trip jpn25 (kurs 105,5,
// fee 10 % + Rp 5.000 per item, rounded up to Rp 1.000) with three products,
// and one penitip's bill of three lines, created through the API of the
// running local service (`npm run dev` in another terminal). Safe to run
// twice: the bill's checkout key places it once.
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
  currency: "JPY", exchangeRate: 105.5, feePercent: 10, feePerItem: 5000, roundTo: 1000,
}, token)).body?.trip;
if (!trip) trip = (await call("GET", "/api/trips", undefined, token)).body.trips.find((t) => t.slug === "jpn25");
if (!trip) throw new Error("trip jpn25 belongs to another account in this database");

// Prices in yen: the service turns them into rupiah with the trip's kurs and fee.
const products = [
  { slug: "tkbnn", title: "Tokyo Banana (isi 8)", priceOriginal: 1200, stock: 20, description: "Oleh-oleh klasik Tokyo" },
  { slug: "royce", title: "Royce Nama Chocolate", priceOriginal: 1850, stock: 12, description: "Wajib cooler bag" },
  { slug: "kitkt", title: "KitKat Matcha (12 pcs)", priceOriginal: 900, stock: 30 },
];
for (const p of products) await call("POST", `/api/trips/${trip.id}/products`, p, token);

// One penitip's cart of three lines: one bill.
const checkout = await call("POST", "/api/orders", {
  name: "Siti Aminah", phone: "081298765432", notes: "Yang original ya kak", checkoutKey: "seed-demo-bill-1",
  items: [{ productSlug: "tkbnn", quantity: 2 }, { productSlug: "royce", quantity: 1 }, { productSlug: "kitkt", quantity: 3 }],
});
const bill = checkout.body?.bill;
if (!bill) throw new Error(`could not place the demo bill: ${JSON.stringify(checkout.body)}`);

console.log(`Seeded. Open ${base}/tina  (public profile)   ${base}/t/jpn25  (join page)
Dashboard: ${base}/login   email ${demo.email}   password ${demo.password}
API:      ${base}/api/profile/tina   ${base}/api/openapi.json
A bill:   ${bill.url.replace(/^https?:\/\/[^/]+/, base)}  (3 lines, total Rp ${bill.total.toLocaleString("id-ID")})`);

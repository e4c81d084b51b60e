// Small real files and a helper to build the records tests need through the API.
export const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
// SOI, a JFIF APP0 segment, a start-of-frame saying 2×2, EOI: enough for the size check.
export const JPEG_TINY = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0"), Buffer.alloc(9, 1),
  Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x02, 0x03]), Buffer.alloc(9, 1),
  Buffer.alloc(64, 1), Buffer.from([0xff, 0xd9]),
]);
// RIFF/WEBP with a lossy VP8 frame header saying 2×2 (enough for the size check).
export const WEBP_TINY = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x24, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.from([0x18, 0, 0, 0]),
  Buffer.from([0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x02, 0x00, 0x02, 0x00]), Buffer.alloc(14, 0)]);
export const GIF_TINY = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "binary");

/** A multipart body with text fields and, optionally, a file in `fileField`. */
export function form(fields = {}, file, { fileField = "image", type = "image/png", filename = "photo.png" } = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
  if (file) fd.append(fileField, new Blob([file], { type }), filename);
  return fd;
}

export async function upload(app, method, path, fd, { token, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const res = await app.fetch(path, { method, headers: h, body: fd });
  const text = await res.text();
  let body; try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

let tripSeq = 0;
export async function createTrip(app, token, overrides = {}) {
  tripSeq += 1;
  const slug = overrides.slug ?? `t${process.pid % 1000}${tripSeq}`.slice(0, 10);
  const res = await app.json("POST", "/api/trips", { title: `Jastip ${slug}`, slug, isActive: true, ...overrides }, { token });
  if (res.status !== 201) throw new Error(`trip: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.trip;
}

export async function createProduct(app, token, tripId, overrides = {}) {
  const res = await app.json("POST", `/api/trips/${tripId}/products`, { title: "Tokyo Banana", price: 125000, stock: 10, ...overrides }, { token });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.product;
}

export async function placeOrder(app, productId, overrides = {}) {
  return app.json("POST", "/api/orders", { productId, phone: "08123456789", name: "Siti", quantity: 1, ...overrides });
}

// A local fake of the WhatsApp Graph API: records every request and can be
// told to fail the next N sends (with a status and Meta-style error body).
import http from "node:http";

export async function startFakeGraph() {
  const requests = [];
  const failures = [];
  const media = new Map();
  let counter = 0;
  let port = 0;
  const server = http.createServer((req, res) => {
    // Media, as the Cloud API serves it: GET /{media-id} answers the file's
    // URL, type and size; that URL (on another host name, as Meta's CDN is)
    // serves the bytes — both only with the access token.
    if (req.method === "GET") {
      requests.push({ method: "GET", path: req.url, headers: req.headers, at: Date.now() });
      const authorised = req.headers.authorization === "Bearer test-access-token";
      const file = req.url.match(/^\/media-files\/([^/?]+)$/);
      const meta = req.url.match(/^\/([0-9A-Za-z_-]+)$/);
      const item = media.get(decodeURIComponent((file ?? meta ?? [])[1] ?? ""));
      if (!authorised || !item) {
        res.writeHead(authorised ? 404 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Unsupported get request", code: 100 } }));
        return;
      }
      if (file) {
        res.writeHead(200, { "content-type": item.mime });
        res.end(item.bytes);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        messaging_product: "whatsapp",
        url: `http://localhost:${port}/media-files/${encodeURIComponent(item.id)}`,
        mime_type: item.mime,
        sha256: "fake",
        file_size: item.size ?? item.bytes.length,
        id: item.id,
      }));
      return;
    }
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      let body = null;
      try { body = raw ? JSON.parse(raw) : null; } catch { body = raw; }
      const record = { method: req.method, path: req.url, headers: req.headers, body, at: Date.now() };
      requests.push(record);
      const fail = failures.shift();
      if (fail) {
        res.writeHead(fail.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: fail.message ?? "fake failure", type: "OAuthException", code: fail.code ?? fail.status } }));
        return;
      }
      counter += 1;
      const to = body && body.to;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `wamid.fake${String(counter).padStart(6, "0")}` }],
      }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Serves `bytes` as media `id` (`size` overrides the size Meta reports). */
    addMedia(id, bytes, mime = "image/png", size) { media.set(id, { id, bytes: Buffer.from(bytes), mime, size }); },
    mediaDownloads(id) { return requests.filter((r) => r.method === "GET" && r.path === `/media-files/${id}`); },
    /** The next `n` requests answer `status` (Meta error `code`, default = status). */
    failNext(n, status, code, message) {
      for (let i = 0; i < n; i++) failures.push({ status, code, message });
    },
    sends() { return requests.filter((r) => r.method === "POST" && r.path.endsWith("/messages")); },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

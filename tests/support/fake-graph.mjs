// A local fake of the WhatsApp Graph API: records every request and can be
// told to fail the next N sends (with a status and Meta-style error body).
import http from "node:http";

export async function startFakeGraph() {
  const requests = [];
  const failures = [];
  let counter = 0;
  const server = http.createServer((req, res) => {
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
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** The next `n` requests answer `status` (Meta error `code`, default = status). */
    failNext(n, status, code, message) {
      for (let i = 0; i < n; i++) failures.push({ status, code, message });
    },
    sends() { return requests.filter((r) => r.method === "POST" && r.path.endsWith("/messages")); },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

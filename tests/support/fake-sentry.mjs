// A local fake of Sentry's envelope endpoint: records every envelope, parsed.
import http from "node:http";

export async function startFakeSentry() {
  const envelopes = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const [header, item, event] = raw.split("\n").filter(Boolean).map((l) => JSON.parse(l));
      envelopes.push({ path: req.url, auth: req.headers["x-sentry-auth"], raw, header, item, event });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: header?.event_id }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    dsn: `http://publickey@127.0.0.1:${port}/42`,
    envelopes,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

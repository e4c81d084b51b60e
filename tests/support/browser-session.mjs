// A browser-like client of the dashboard for node tests: keeps the session
// cookie, reads the CSRF token from the page, posts urlencoded forms.
export class Browser {
  constructor(app) { this.app = app; this.cookie = ""; }

  async get(path, headers = {}) {
    const res = await this.app.fetch(path, { headers: { cookie: this.cookie, ...headers } });
    this.keep(res);
    return { res, status: res.status, html: await res.text(), location: res.headers.get("location") };
  }

  keep(res) {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const [pair] = c.split(";");
      const [name, value] = pair.split("=");
      if (name.startsWith("__Host-jastipin")) this.cookie = value ? `${name}=${value}` : "";
    }
  }

  /** The `csrf` value of the first form on `path`. */
  async token(path = "/dashboard") {
    const { html } = await this.get(path);
    const m = html.match(/name="csrf" value="([^"]+)"/);
    if (!m) throw new Error(`no csrf token on ${path}`);
    return m[1];
  }

  async post(path, fields, { headers = {}, csrf = true } = {}) {
    const body = new URLSearchParams(fields);
    if (csrf && !("csrf" in fields)) body.set("csrf", await this.token());
    const res = await this.app.fetch(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookie, ...headers },
      body,
    });
    this.keep(res);
    return { res, status: res.status, html: await res.text(), location: res.headers.get("location") };
  }

  async postMultipart(path, fd, { headers = {} } = {}) {
    if (!fd.has("csrf")) fd.set("csrf", await this.token());
    const res = await this.app.fetch(path, { method: "POST", headers: { cookie: this.cookie, ...headers }, body: fd });
    this.keep(res);
    return { res, status: res.status, html: await res.text(), location: res.headers.get("location") };
  }

  async register(email, { fullName = "Jastip Tina", password = "rahasia-123", slug = "" } = {}) {
    const r = await this.post("/register", { fullName, email, password, slug }, { csrf: false });
    if (r.status !== 303) throw new Error(`register failed: ${r.status} ${r.html.slice(0, 300)}`);
    return r;
  }
}

// schema.sql is what the migrations produce, exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { spawnApp, applySql, migrationStatements, ROOT } from "../support/app.mjs";

async function objects(db) {
  const rows = await db.prepare(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY type, name",
  ).all();
  return rows.results;
}

test("applying migrations/ in order produces exactly schema.sql", async () => {
  const migrated = await spawnApp();
  const fromSchema = await spawnApp({ migrate: false });
  try {
    await applySql(fromSchema.db, migrationStatements(path.join(ROOT, "schema.sql")));
    const a = await objects(migrated.db);
    const b = await objects(fromSchema.db);
    assert.ok(a.length >= 17, `tables and indexes exist (${a.length})`);
    assert.deepEqual(a, b);
  } finally {
    await migrated.close();
    await fromSchema.close();
  }
});

test("foreign keys are enforced and deleting a user cascades", async () => {
  const app = await spawnApp();
  try {
    const now = new Date().toISOString();
    await assert.rejects(
      app.db.prepare("INSERT INTO trips (id, jastiper_id, slug, title, created_at, updated_at) VALUES ('t', 'missing', 'abc', 'x', ?, ?)").bind(now, now).run(),
      /FOREIGN KEY/,
    );
    await app.db.batch([
      app.db.prepare("INSERT INTO users (id, email, password_hash, slug, created_at, updated_at) VALUES ('u', 'u@x.com', 'h', 'uuu', ?, ?)").bind(now, now),
      app.db.prepare("INSERT INTO trips (id, jastiper_id, slug, title, created_at, updated_at) VALUES ('t', 'u', 'abc', 'x', ?, ?)").bind(now, now),
    ]);
    await app.db.prepare("DELETE FROM users WHERE id = 'u'").run();
    assert.equal(await app.db.prepare("SELECT id FROM trips WHERE id = 't'").first(), null);
  } finally {
    await app.close();
  }
});

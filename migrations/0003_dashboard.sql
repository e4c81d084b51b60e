-- The jastiper's dashboard: browser sessions, payment details, a connected
-- WhatsApp number (see docs/ARCHITECTURE.md, "Dashboard").

-- A browser session: the cookie holds a secret, only its hash is stored;
-- `csrf` is the per-session token every dashboard form carries. Logout
-- deletes the row, logout-everywhere and a password change delete them all.
CREATE TABLE sessions (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  csrf       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- How buyers pay: a bank transfer, e-wallet numbers and an optional QRIS
-- image uploaded by the jastiper (shown on every order page and invoice).
ALTER TABLE users ADD COLUMN pay_bank_name TEXT;
ALTER TABLE users ADD COLUMN pay_bank_account TEXT;
ALTER TABLE users ADD COLUMN pay_bank_holder TEXT;
ALTER TABLE users ADD COLUMN pay_gopay TEXT;
ALTER TABLE users ADD COLUMN pay_ovo TEXT;
ALTER TABLE users ADD COLUMN pay_dana TEXT;
ALTER TABLE users ADD COLUMN pay_shopeepay TEXT;
ALTER TABLE users ADD COLUMN qris_image TEXT;
ALTER TABLE users ADD COLUMN qris_key TEXT;

-- Connecting WhatsApp: the jastiper sends `KONFIRMASI <connect_code>` from
-- her phone; that number becomes `phone`, and notifications go to it.
ALTER TABLE users ADD COLUMN connect_code TEXT;
ALTER TABLE users ADD COLUMN phone_connected_at TEXT;
CREATE UNIQUE INDEX users_by_connect_code ON users (connect_code);

-- Consent, abuse limits, server-owned image keys, password reset
-- (see SECURITY.md for what each protects).

-- Avatars and covers: the R2 key this account uploaded, in its own column.
-- Only these keys are ever deleted; a client can no longer set an image URL.
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN cover_key TEXT;
UPDATE users SET avatar_key = substr(avatar, instr(avatar, '/media/') + 7)
  WHERE avatar LIKE '%/media/avatars/' || id || '/%';
UPDATE users SET cover_key = substr(cover_image, instr(cover_image, '/media/') + 7)
  WHERE cover_image LIKE '%/media/covers/' || id || '/%';
-- External image URLs tracked visitors: only uploaded images are shown.
UPDATE users SET avatar = NULL WHERE avatar_key IS NULL;
UPDATE users SET cover_image = NULL WHERE cover_key IS NULL;

-- A participant is messaged first only after their phone confirmed, by a
-- WhatsApp message of its own (JOIN, or the short code of a web join).
ALTER TABLE participants ADD COLUMN confirmed_at TEXT;
ALTER TABLE participants ADD COLUMN confirm_code TEXT;
UPDATE participants SET confirmed_at = last_inbound_at WHERE last_inbound_at IS NOT NULL;
CREATE UNIQUE INDEX participants_by_code ON participants (confirm_code);

-- Phones that wrote to the business number: the proof of consent for
-- numbers that are not participants (a jastiper's own number).
CREATE TABLE wa_contacts (
  phone            TEXT PRIMARY KEY,
  first_inbound_at TEXT NOT NULL,
  last_inbound_at  TEXT NOT NULL
);

-- How many of a product one buyer may hold in open orders.
ALTER TABLE products ADD COLUMN max_per_buyer INTEGER NOT NULL DEFAULT 10 CHECK (max_per_buyer >= 1);

-- When the jastiper was last told about a proof for this order (at most one message per 10 minutes).
ALTER TABLE orders ADD COLUMN proof_notified_at TEXT;
CREATE INDEX orders_by_status_created ON orders (status, created_at);

-- Failed logins per (email, client address): a stranger cannot lock the owner out.
DROP TABLE login_attempts;
CREATE TABLE login_throttle (
  key               TEXT PRIMARY KEY,
  failures          INTEGER NOT NULL,
  window_started_at INTEGER NOT NULL,
  locked_until      INTEGER
);

-- One-time password reset codes, sent to the jastiper's confirmed WhatsApp number; stored hashed.
CREATE TABLE password_resets (
  user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0
);

-- The cron prunes by age.
CREATE INDEX webhook_messages_by_received ON processed_webhook_messages (received_at);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

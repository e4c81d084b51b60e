-- Codes, limits and what an anonymous answer may show (issue 16).

-- A jastiper's connect code exists only while she is connecting (the
-- dashboard's "Hubungkan WhatsApp"): it lives 10 minutes and dies after a
-- few wrong tries aimed at it. Every code made before this migration (one
-- per account, at registration, never expiring) stops working.
ALTER TABLE users ADD COLUMN connect_code_expires_at INTEGER;
ALTER TABLE users ADD COLUMN connect_code_failures INTEGER NOT NULL DEFAULT 0;
UPDATE users SET connect_code = NULL;
-- The number a new connection replaced, kept so she can undo it.
ALTER TABLE users ADD COLUMN previous_phone TEXT;
ALTER TABLE users ADD COLUMN phone_changed_at TEXT;

-- The name typed with an order: what the order's own links show, never the
-- name stored for that phone by somebody else.
ALTER TABLE orders ADD COLUMN buyer_name TEXT;

-- Reset codes are derived from the outbox row that sends them and a server
-- secret; what is stored is an HMAC, never the code.
DELETE FROM password_resets;

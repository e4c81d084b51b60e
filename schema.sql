-- The schema as it stands after every migration, for readers. Tests check
-- that applying migrations/ in order produces exactly this schema.

-- Jastipin data model. Times shown to people are ISO-8601 UTC text; times
-- only compared by the service (token expiry, rate limits) are Unix seconds.
-- D1 enforces foreign keys, so ON DELETE CASCADE does the deleting.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  slug          TEXT NOT NULL UNIQUE,
  profile_name  TEXT,
  profile_bio   TEXT,
  avatar        TEXT,
  cover_image   TEXT,
  phone         TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
, avatar_key TEXT, cover_key TEXT, pay_bank_name TEXT, pay_bank_account TEXT, pay_bank_holder TEXT, pay_gopay TEXT, pay_ovo TEXT, pay_dana TEXT, pay_shopeepay TEXT, qris_image TEXT, qris_key TEXT, connect_code TEXT, phone_connected_at TEXT, connect_code_expires_at INTEGER, connect_code_failures INTEGER NOT NULL DEFAULT 0, previous_phone TEXT, phone_changed_at TEXT, unique_codes INTEGER NOT NULL DEFAULT 0 CHECK (unique_codes IN (0, 1)), inbox_digest_pending INTEGER NOT NULL DEFAULT 0 CHECK (inbox_digest_pending IN (0, 1)), inbox_digest_sent_at TEXT, inbox_unread INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX users_by_connect_code ON users (connect_code);

CREATE TABLE trips (
  id          TEXT PRIMARY KEY,
  jastiper_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  slug        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  description TEXT,
  deadline    TEXT,
  is_active   INTEGER NOT NULL DEFAULT 0 CHECK (is_active IN (0, 1)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
, closed_at_deadline TEXT, order_digest_pending INTEGER NOT NULL DEFAULT 0 CHECK (order_digest_pending IN (0, 1)), order_digest_sent_at TEXT, order_digest_through TEXT, currency TEXT NOT NULL DEFAULT 'IDR', exchange_rate INTEGER, exchange_rate_at TEXT, fee_percent INTEGER NOT NULL DEFAULT 0 CHECK (fee_percent BETWEEN 0 AND 10000), fee_per_item INTEGER NOT NULL DEFAULT 0 CHECK (fee_per_item >= 0), round_to INTEGER NOT NULL DEFAULT 1 CHECK (round_to IN (1, 100, 500, 1000)), dp_percent INTEGER NOT NULL DEFAULT 0 CHECK (dp_percent BETWEEN 0 AND 100), shipping_flat INTEGER CHECK (shipping_flat >= 0), arrived_at TEXT, reminder_days INTEGER NOT NULL DEFAULT 3 CHECK (reminder_days BETWEEN 1 AND 30), participant_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX trips_by_jastiper ON trips (jastiper_id, created_at);
CREATE INDEX trips_by_deadline ON trips (deadline);

CREATE TABLE participants (
  id              TEXT PRIMARY KEY,
  trip_id         TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  phone           TEXT NOT NULL,
  name            TEXT NOT NULL,
  wa_user_id      TEXT,
  joined_at       TEXT NOT NULL,
  unsubscribed_at TEXT,
  last_inbound_at TEXT, confirmed_at TEXT, confirm_code TEXT,
  UNIQUE (trip_id, phone)
);
CREATE INDEX participants_by_phone ON participants (phone);
CREATE UNIQUE INDEX participants_by_code ON participants (confirm_code);

-- Phones that wrote to the business number: the proof of consent for
-- numbers that are not participants (a jastiper's own number).
CREATE TABLE wa_contacts (
  phone            TEXT PRIMARY KEY,
  first_inbound_at TEXT NOT NULL,
  last_inbound_at  TEXT NOT NULL
);

CREATE TABLE products (
  id          TEXT PRIMARY KEY,
  trip_id     TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  slug        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  price       INTEGER NOT NULL CHECK (price >= 0),
  stock       INTEGER NOT NULL CHECK (stock >= 0),
  image       TEXT,
  description TEXT,
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'sold_out', 'discontinued')),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
, max_per_buyer INTEGER NOT NULL DEFAULT 10 CHECK (max_per_buyer >= 1), price_original INTEGER CHECK (price_original >= 0));
CREATE INDEX products_by_trip ON products (trip_id, created_at);

CREATE TABLE orders (
  id                TEXT PRIMARY KEY,
  trip_id           TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  participant_id    TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  product_id        TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  quantity          INTEGER NOT NULL CHECK (quantity >= 1),
  unit_price        INTEGER NOT NULL CHECK (unit_price >= 0),
  total_price       INTEGER NOT NULL CHECK (total_price >= 0),
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected', 'shipped')),
  reject_reason     TEXT,
  notes             TEXT,
  proof_key         TEXT,
  access_token_hash TEXT NOT NULL UNIQUE,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
, proof_notified_at TEXT, proof_archived_at TEXT, buyer_name TEXT, bill_id TEXT REFERENCES bills(id) ON DELETE CASCADE, checkout_id TEXT);
CREATE INDEX orders_by_trip ON orders (trip_id, created_at);
CREATE INDEX orders_by_buyer ON orders (participant_id, status, product_id);
CREATE INDEX orders_by_product ON orders (product_id);
-- Profile stats count shipped orders per trip without reading the others.
CREATE INDEX orders_by_trip_status ON orders (trip_id, status, created_at);
-- The cron finds unpaid pending orders past their time.
CREATE INDEX orders_by_status_created ON orders (status, created_at);

-- Refresh tokens are stored only as SHA-256 hashes. Every rotation stays in
-- its family; presenting a rotated token revokes the whole family.
CREATE TABLE refresh_tokens (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id  TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

-- Attempts per key (domain/throttle.rs): logins per (email, address), password
-- checks per account, codes per phone and account, accounts per address.
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

-- WhatsApp message ids (wamid) already taken in, so a re-delivery is ignored.
CREATE TABLE processed_webhook_messages (
  wamid        TEXT PRIMARY KEY,
  received_at  TEXT NOT NULL,
  processed_at TEXT,
  outcome      TEXT
, claimed_until INTEGER);
CREATE INDEX webhook_messages_by_received ON processed_webhook_messages (received_at);

-- Every outbound WhatsApp message is a row here first; queue messages carry
-- outbox ids, so a retry never re-sends what was already sent.
CREATE TABLE outbox (
  id                TEXT PRIMARY KEY,
  idempotency_key   TEXT NOT NULL UNIQUE,
  queue             TEXT NOT NULL,
  kind              TEXT NOT NULL,
  recipient         TEXT NOT NULL,
  trip_id           TEXT REFERENCES trips(id) ON DELETE CASCADE,
  participant_id    TEXT REFERENCES participants(id) ON DELETE SET NULL,
  body              TEXT,
  template_name     TEXT,
  template_language TEXT,
  template_params   TEXT,
  status            TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed', 'simulated')),
  attempts          INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT,
  wamid             TEXT UNIQUE,
  billable          INTEGER,
  pricing_category  TEXT,
  -- A consumer holds a row while sending it (Unix seconds), so a duplicate
  -- queue delivery can never send it twice.
  claimed_until     INTEGER,
  sent_at           TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
, sent_as TEXT CHECK (sent_as IN ('marketing', 'utility', 'authentication', 'service')), buttons TEXT, pricing_type TEXT);
CREATE INDEX outbox_by_trip_status ON outbox (trip_id, status);
CREATE INDEX outbox_by_participant ON outbox (participant_id);
CREATE INDEX outbox_by_status ON outbox (status, updated_at);

-- A browser session of the dashboard (migrations/0003_dashboard.sql).
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

-- One send rate across the outbound queues (migrations/0004_lifecycle.sql).
CREATE TABLE send_pacer (
  id         TEXT PRIMARY KEY,
  next_at_ms INTEGER NOT NULL
);

-- One open bill per penitip per trip: every order line joins it until it is
-- shipped or cancelled. Its sums and status are kept by the same batch that
-- changes its lines.
CREATE TABLE bills (
  id             TEXT PRIMARY KEY,
  trip_id        TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  status         TEXT NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'dp_paid', 'paid', 'shipped', 'cancelled')),
  subtotal       INTEGER NOT NULL DEFAULT 0,
  total          INTEGER NOT NULL DEFAULT 0,
  paid           INTEGER NOT NULL DEFAULT 0,
  proof_key      TEXT,
  proof_at       TEXT,
  cancel_reason  TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
, jastiper_id TEXT, dp_due INTEGER NOT NULL DEFAULT 0, shipping_cost INTEGER NOT NULL DEFAULT 0 CHECK (shipping_cost >= 0), unique_code INTEGER NOT NULL DEFAULT 0 CHECK (unique_code BETWEEN 0 AND 999), address TEXT, pickup INTEGER NOT NULL DEFAULT 0 CHECK (pickup IN (0, 1)), courier TEXT, tracking_number TEXT, shipped_at TEXT, reminded_at TEXT);
CREATE UNIQUE INDEX bills_one_open ON bills (trip_id, participant_id) WHERE status IN ('unpaid', 'dp_paid', 'paid');
CREATE INDEX bills_by_trip ON bills (trip_id, created_at);
-- A kode unik names one open bill of its jastiper.
CREATE UNIQUE INDEX bills_unique_code ON bills (jastiper_id, unique_code)
  WHERE unique_code > 0 AND status IN ('unpaid', 'dp_paid', 'paid');

-- A payment: a proof and the amount claimed; confirmed with the amount
-- received, or rejected with a reason. A bill's `paid` is the sum of its
-- confirmed payments. The proof's SHA-256 finds the same bytes sent twice.
CREATE TABLE payments (
  id            TEXT PRIMARY KEY,
  bill_id       TEXT NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
  trip_id       TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  jastiper_id   TEXT NOT NULL,
  claimed       INTEGER NOT NULL CHECK (claimed >= 0),
  amount        INTEGER CHECK (amount >= 0),
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
  proof_key     TEXT,
  proof_hash    TEXT,
  reject_reason TEXT,
  decided_at    TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX payments_by_bill ON payments (bill_id, created_at);
CREATE INDEX payments_by_trip ON payments (trip_id, status, created_at);
CREATE INDEX payments_by_proof ON payments (jastiper_id, proof_hash) WHERE proof_hash IS NOT NULL;

-- One submitted cart. A form's one-time key (hashed with the trip, the buyer
-- and the cart) makes a resubmission find the checkout that exists.
CREATE TABLE checkouts (
  id              TEXT PRIMARY KEY,
  trip_id         TEXT NOT NULL REFERENCES trips(id) ON DELETE CASCADE,
  bill_id         TEXT REFERENCES bills(id) ON DELETE CASCADE,
  idempotency_key TEXT,
  created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX checkouts_by_key ON checkouts (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX orders_by_bill ON orders (bill_id);

-- What Meta said it charged, counted once per message when its first priced
-- callback arrives: per jastiper (the message's trip's owner; '' for the
-- platform's own), month (UTC, YYYY-MM) and category.
CREATE TABLE message_costs (
  jastiper_id TEXT NOT NULL,
  month       TEXT NOT NULL,
  category    TEXT NOT NULL,
  messages    INTEGER NOT NULL DEFAULT 0,
  billable    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (jastiper_id, month, category)
);

-- One conversation of a jastiper with one sender (a phone, or a BSUID for a
-- user known only by username), under the trip she last wrote about or
-- ordered from (NULL: "tanpa trip"). Kept beside the messages so the inbox
-- reads one row per conversation.
CREATE TABLE inbox_threads (
  id              TEXT PRIMARY KEY,
  jastiper_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sender          TEXT NOT NULL,
  trip_id         TEXT REFERENCES trips(id) ON DELETE SET NULL,
  name            TEXT NOT NULL,
  last_body       TEXT NOT NULL,
  last_at         TEXT NOT NULL,
  last_inbound_at TEXT,
  unread          INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
  UNIQUE (jastiper_id, sender)
);
CREATE INDEX inbox_threads_by_owner ON inbox_threads (jastiper_id, last_at);

CREATE TABLE inbox_messages (
  id         TEXT PRIMARY KEY,
  thread_id  TEXT NOT NULL REFERENCES inbox_threads(id) ON DELETE CASCADE,
  direction  TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  body       TEXT NOT NULL,
  -- The inbound message's id (a re-delivery writes nothing) or the reply's outbox id.
  ref        TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX inbox_messages_by_thread ON inbox_messages (thread_id, created_at);

-- A photo sent in the chat by a penitip with several open bills, stored,
-- waiting for her to say which bill it pays.
CREATE TABLE chat_proofs (
  id         TEXT PRIMARY KEY,
  sender     TEXT NOT NULL,
  proof_key  TEXT NOT NULL,
  proof_hash TEXT NOT NULL,
  claimed    INTEGER,
  bill_ids   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at    TEXT
);
CREATE INDEX chat_proofs_by_sender ON chat_proofs (sender, created_at);

-- A user known only by username (BSUID) is found by the number an earlier message gave.
CREATE INDEX participants_by_user_id ON participants (wa_user_id) WHERE wa_user_id IS NOT NULL;

-- Per-trip counters, kept by triggers (0010_trip_counters.sql).
CREATE TRIGGER participants_count_in AFTER INSERT ON participants BEGIN
  UPDATE trips SET participant_count = participant_count + 1 WHERE id = NEW.trip_id;
END;
CREATE TRIGGER participants_count_out AFTER DELETE ON participants BEGIN
  UPDATE trips SET participant_count = participant_count - 1 WHERE id = OLD.trip_id;
END;
CREATE TRIGGER orders_total_in AFTER INSERT ON orders BEGIN
  INSERT INTO trip_order_totals (trip_id, status, n, total) VALUES (NEW.trip_id, NEW.status, 1, NEW.total_price)
    ON CONFLICT (trip_id, status) DO UPDATE SET n = n + 1, total = total + excluded.total;
END;
CREATE TRIGGER orders_total_out AFTER DELETE ON orders BEGIN
  UPDATE trip_order_totals SET n = n - 1, total = total - OLD.total_price
    WHERE trip_id = OLD.trip_id AND status = OLD.status;
END;
CREATE TRIGGER orders_total_moved AFTER UPDATE OF status, total_price ON orders
  WHEN OLD.status IS NOT NEW.status OR OLD.total_price IS NOT NEW.total_price BEGIN
  UPDATE trip_order_totals SET n = n - 1, total = total - OLD.total_price
    WHERE trip_id = OLD.trip_id AND status = OLD.status;
  INSERT INTO trip_order_totals (trip_id, status, n, total) VALUES (NEW.trip_id, NEW.status, 1, NEW.total_price)
    ON CONFLICT (trip_id, status) DO UPDATE SET n = n + 1, total = total + excluded.total;
END;
CREATE TRIGGER bills_total_in AFTER INSERT ON bills BEGIN
  INSERT INTO trip_bill_totals (trip_id, status, n, total, paid) VALUES (NEW.trip_id, NEW.status, 1, NEW.total, NEW.paid)
    ON CONFLICT (trip_id, status) DO UPDATE SET n = n + 1, total = total + excluded.total, paid = paid + excluded.paid;
END;
CREATE TRIGGER bills_total_out AFTER DELETE ON bills BEGIN
  UPDATE trip_bill_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid
    WHERE trip_id = OLD.trip_id AND status = OLD.status;
END;
CREATE TRIGGER bills_total_moved AFTER UPDATE OF status, total, paid ON bills
  WHEN OLD.status IS NOT NEW.status OR OLD.total IS NOT NEW.total OR OLD.paid IS NOT NEW.paid BEGIN
  UPDATE trip_bill_totals SET n = n - 1, total = total - OLD.total, paid = paid - OLD.paid
    WHERE trip_id = OLD.trip_id AND status = OLD.status;
  INSERT INTO trip_bill_totals (trip_id, status, n, total, paid) VALUES (NEW.trip_id, NEW.status, 1, NEW.total, NEW.paid)
    ON CONFLICT (trip_id, status) DO UPDATE SET n = n + 1, total = total + excluded.total, paid = paid + excluded.paid;
END;
CREATE TRIGGER inbox_unread_in AFTER INSERT ON inbox_threads BEGIN
  UPDATE users SET inbox_unread = inbox_unread + NEW.unread WHERE id = NEW.jastiper_id;
END;
CREATE TRIGGER inbox_unread_moved AFTER UPDATE OF unread ON inbox_threads WHEN OLD.unread IS NOT NEW.unread BEGIN
  UPDATE users SET inbox_unread = inbox_unread - OLD.unread + NEW.unread WHERE id = NEW.jastiper_id;
END;
CREATE TRIGGER inbox_unread_out AFTER DELETE ON inbox_threads BEGIN
  UPDATE users SET inbox_unread = inbox_unread - OLD.unread WHERE id = OLD.jastiper_id;
END;
CREATE TRIGGER trips_totals_gone AFTER DELETE ON trips BEGIN
  DELETE FROM trip_order_totals WHERE trip_id = OLD.id;
  DELETE FROM trip_bill_totals WHERE trip_id = OLD.id;
END;
CREATE TABLE trip_order_totals (
  trip_id TEXT NOT NULL,
  status  TEXT NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  total   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trip_id, status)
);
CREATE TABLE trip_bill_totals (
  trip_id TEXT NOT NULL,
  status  TEXT NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  total   INTEGER NOT NULL DEFAULT 0,
  paid    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trip_id, status)
);
CREATE INDEX participants_by_trip_joined ON participants (trip_id, joined_at, id);

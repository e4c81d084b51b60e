-- A jastip's money (issue 18): foreign prices with a kurs and a fee, carts,
-- and one bill (tagihan) per penitip per trip.

-- A trip buys in one currency. Its kurs is rupiah per unit × 10^4 (105,5 is
-- 1055000), its fee 1/100 of a percent (10 % is 1000); a product's rupiah
-- price is computed from them when they or its price change.
ALTER TABLE trips ADD COLUMN currency TEXT NOT NULL DEFAULT 'IDR';
ALTER TABLE trips ADD COLUMN exchange_rate INTEGER;
ALTER TABLE trips ADD COLUMN exchange_rate_at TEXT;
ALTER TABLE trips ADD COLUMN fee_percent INTEGER NOT NULL DEFAULT 0 CHECK (fee_percent BETWEEN 0 AND 10000);
ALTER TABLE trips ADD COLUMN fee_per_item INTEGER NOT NULL DEFAULT 0 CHECK (fee_per_item >= 0);
ALTER TABLE trips ADD COLUMN round_to INTEGER NOT NULL DEFAULT 1 CHECK (round_to IN (1, 100, 500, 1000));
-- The shop's price in the trip's currency, in its minor units (NULL in a rupiah trip).
ALTER TABLE products ADD COLUMN price_original INTEGER CHECK (price_original >= 0);

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
);
CREATE UNIQUE INDEX bills_one_open ON bills (trip_id, participant_id) WHERE status IN ('unpaid', 'dp_paid', 'paid');
CREATE INDEX bills_by_trip ON bills (trip_id, created_at);

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

ALTER TABLE orders ADD COLUMN bill_id TEXT REFERENCES bills(id) ON DELETE CASCADE;
ALTER TABLE orders ADD COLUMN checkout_id TEXT;
CREATE INDEX orders_by_bill ON orders (bill_id);

-- Orders placed before bills: each was its own checkout, and each penitip's
-- orders in a trip form one bill.
UPDATE orders SET checkout_id = id;
INSERT INTO bills (id, trip_id, participant_id, status, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), trip_id, participant_id, 'unpaid', MIN(created_at), MAX(updated_at)
  FROM orders GROUP BY trip_id, participant_id;
UPDATE orders SET bill_id = (SELECT b.id FROM bills b WHERE b.trip_id = orders.trip_id AND b.participant_id = orders.participant_id);
UPDATE bills SET
  subtotal = (SELECT COALESCE(SUM(total_price), 0) FROM orders WHERE bill_id = bills.id AND status != 'rejected'),
  total = (SELECT COALESCE(SUM(total_price), 0) FROM orders WHERE bill_id = bills.id AND status != 'rejected'),
  paid = (SELECT COALESCE(SUM(total_price), 0) FROM orders WHERE bill_id = bills.id AND status IN ('confirmed', 'shipped')),
  status = CASE
    WHEN NOT EXISTS (SELECT 1 FROM orders WHERE bill_id = bills.id AND status != 'rejected') THEN 'cancelled'
    WHEN NOT EXISTS (SELECT 1 FROM orders WHERE bill_id = bills.id AND status NOT IN ('rejected', 'shipped')) THEN 'shipped'
    WHEN NOT EXISTS (SELECT 1 FROM orders WHERE bill_id = bills.id AND status = 'pending') THEN 'paid'
    ELSE 'unpaid' END;

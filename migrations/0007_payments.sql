-- Getting paid (issue 19): a down payment (DP) then pelunasan, payments with
-- the amount the buyer says she sent and the amount the jastiper received,
-- kode unik, shipping with a courier and resi.

-- A trip may ask a DP: whole percent of a bill's items, 0 = pay in full.
ALTER TABLE trips ADD COLUMN dp_percent INTEGER NOT NULL DEFAULT 0 CHECK (dp_percent BETWEEN 0 AND 100);
-- One flat ongkir for every bill that is shipped (NULL: set per bill).
ALTER TABLE trips ADD COLUMN shipping_flat INTEGER CHECK (shipping_flat >= 0);
-- When the goods arrived (the penitip with a balance were told), and after
-- how many days one reminder goes to a bill still not lunas.
ALTER TABLE trips ADD COLUMN arrived_at TEXT;
ALTER TABLE trips ADD COLUMN reminder_days INTEGER NOT NULL DEFAULT 3 CHECK (reminder_days BETWEEN 1 AND 30);
-- A jastiper may give each open bill a kode unik (1–999 rupiah on top).
ALTER TABLE users ADD COLUMN unique_codes INTEGER NOT NULL DEFAULT 0 CHECK (unique_codes IN (0, 1));

-- A bill's owner (for kode unik, unique among her open bills), its DP, its
-- ongkir and kode unik (both in its total), and its shipping.
ALTER TABLE bills ADD COLUMN jastiper_id TEXT;
ALTER TABLE bills ADD COLUMN dp_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bills ADD COLUMN shipping_cost INTEGER NOT NULL DEFAULT 0 CHECK (shipping_cost >= 0);
ALTER TABLE bills ADD COLUMN unique_code INTEGER NOT NULL DEFAULT 0 CHECK (unique_code BETWEEN 0 AND 999);
ALTER TABLE bills ADD COLUMN address TEXT;
ALTER TABLE bills ADD COLUMN pickup INTEGER NOT NULL DEFAULT 0 CHECK (pickup IN (0, 1));
ALTER TABLE bills ADD COLUMN courier TEXT;
ALTER TABLE bills ADD COLUMN tracking_number TEXT;
ALTER TABLE bills ADD COLUMN shipped_at TEXT;
ALTER TABLE bills ADD COLUMN reminded_at TEXT;
UPDATE bills SET jastiper_id = (SELECT t.jastiper_id FROM trips t WHERE t.id = bills.trip_id);
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

-- What was paid before payments existed (lines confirmed one by one) is one
-- confirmed payment per bill, so `paid` keeps its meaning.
INSERT INTO payments (id, bill_id, trip_id, jastiper_id, claimed, amount, status, proof_key, decided_at, created_at, updated_at)
  SELECT lower(hex(randomblob(16))), b.id, b.trip_id, b.jastiper_id, b.paid, b.paid, 'confirmed', b.proof_key,
         b.updated_at, b.updated_at, b.updated_at
  FROM bills b WHERE b.paid > 0;

-- The trip lifecycle: closing at the deadline, coalesced notices to the
-- jastiper, one send rate across the outbound queues, proof retention.

-- The deadline at which the cron closed the trip and sent its summaries,
-- once; a new deadline differs, so the trip reopens and closes again later.
ALTER TABLE trips ADD COLUMN closed_at_deadline TEXT;
CREATE INDEX trips_by_deadline ON trips (deadline);

-- New orders are told to the jastiper coalesced: one notice pending at a
-- time, at most one sent per 5 minutes, listing orders placed after `through`.
ALTER TABLE trips ADD COLUMN order_digest_pending INTEGER NOT NULL DEFAULT 0 CHECK (order_digest_pending IN (0, 1));
ALTER TABLE trips ADD COLUMN order_digest_sent_at TEXT;
ALTER TABLE trips ADD COLUMN order_digest_through TEXT;

-- A shipped order's payment proof is deleted from R2 90 days later; the
-- order page then says it was archived.
ALTER TABLE orders ADD COLUMN proof_archived_at TEXT;

-- One send rate per business number across the four outbound queues: each
-- send reserves the next free slot here (Unix milliseconds).
CREATE TABLE send_pacer (
  id         TEXT PRIMARY KEY,
  next_at_ms INTEGER NOT NULL
);

-- The inbound consumer claims each WhatsApp message id (the webhook no longer
-- touches D1): a claim runs out after a minute, so a crashed attempt is retried.
ALTER TABLE processed_webhook_messages ADD COLUMN claimed_until INTEGER;

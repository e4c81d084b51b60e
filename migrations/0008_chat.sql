-- WhatsApp first (issue 20): the inbox, photos in the chat as payment
-- proofs, reply buttons, and what every message costs.

-- The category a message went out as (service: free-form text; or its
-- template's category), so the outbox can price it before Meta says.
ALTER TABLE outbox ADD COLUMN sent_as TEXT CHECK (sent_as IN ('marketing', 'utility', 'authentication', 'service'));
-- Reply buttons of an interactive message: JSON [[id, title], …], at most 3.
ALTER TABLE outbox ADD COLUMN buttons TEXT;
-- Meta's `pricing.type` of a status callback (regular, free_customer_service, …).
ALTER TABLE outbox ADD COLUMN pricing_type TEXT;

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

-- New inbox messages are told to the jastiper coalesced, as new orders are.
ALTER TABLE users ADD COLUMN inbox_digest_pending INTEGER NOT NULL DEFAULT 0 CHECK (inbox_digest_pending IN (0, 1));
ALTER TABLE users ADD COLUMN inbox_digest_sent_at TEXT;

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

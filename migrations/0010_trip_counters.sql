-- A big trip's owner views page through their rows and read the trip's
-- totals from counters, not by counting every order, bill and participant on
-- each request (issue 21). Triggers keep the counters in the same transaction
-- as the change, whichever statement makes it (checkout, settle, cascade).

-- Participants of a trip, newest first, page by page (the cursor's order).
CREATE INDEX participants_by_trip_joined ON participants (trip_id, joined_at, id);

-- Orders of one status, newest first, page by page.
DROP INDEX orders_by_trip_status;
CREATE INDEX orders_by_trip_status ON orders (trip_id, status, created_at);

ALTER TABLE trips ADD COLUMN participant_count INTEGER NOT NULL DEFAULT 0;

-- Orders per trip and status: how many, and their rupiah.
CREATE TABLE trip_order_totals (
  trip_id TEXT NOT NULL,
  status  TEXT NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  total   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trip_id, status)
);

-- Bills per trip and status: how many, what they ask, what was paid.
CREATE TABLE trip_bill_totals (
  trip_id TEXT NOT NULL,
  status  TEXT NOT NULL,
  n       INTEGER NOT NULL DEFAULT 0,
  total   INTEGER NOT NULL DEFAULT 0,
  paid    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (trip_id, status)
);

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

-- Her inbox's unread messages, all conversations together (the home page
-- and the inbox show it).
ALTER TABLE users ADD COLUMN inbox_unread INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER inbox_unread_in AFTER INSERT ON inbox_threads BEGIN
  UPDATE users SET inbox_unread = inbox_unread + NEW.unread WHERE id = NEW.jastiper_id;
END;

CREATE TRIGGER inbox_unread_moved AFTER UPDATE OF unread ON inbox_threads WHEN OLD.unread IS NOT NEW.unread BEGIN
  UPDATE users SET inbox_unread = inbox_unread - OLD.unread + NEW.unread WHERE id = NEW.jastiper_id;
END;

CREATE TRIGGER inbox_unread_out AFTER DELETE ON inbox_threads BEGIN
  UPDATE users SET inbox_unread = inbox_unread - OLD.unread WHERE id = OLD.jastiper_id;
END;

-- A deleted trip's counters go with it (its rows' own triggers only subtract).
CREATE TRIGGER trips_totals_gone AFTER DELETE ON trips BEGIN
  DELETE FROM trip_order_totals WHERE trip_id = OLD.id;
  DELETE FROM trip_bill_totals WHERE trip_id = OLD.id;
END;

-- What is there already.
UPDATE users SET inbox_unread = (SELECT COALESCE(SUM(unread), 0) FROM inbox_threads WHERE jastiper_id = users.id);
UPDATE trips SET participant_count = (SELECT COUNT(*) FROM participants WHERE trip_id = trips.id);
INSERT INTO trip_order_totals (trip_id, status, n, total)
  SELECT trip_id, status, COUNT(*), SUM(total_price) FROM orders GROUP BY trip_id, status;
INSERT INTO trip_bill_totals (trip_id, status, n, total, paid)
  SELECT trip_id, status, COUNT(*), SUM(total), SUM(paid) FROM bills GROUP BY trip_id, status;

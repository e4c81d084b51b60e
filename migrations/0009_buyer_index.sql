-- A checkout's guards (what this buyer holds of a product, how many of her
-- checkouts wait for payment) start from the buyer, not from every order of
-- the product or the trip: in a trip with thousands of pending orders each
-- reserved line read them all. Its prefix serves what orders_by_participant did.
DROP INDEX orders_by_participant;
CREATE INDEX orders_by_buyer ON orders (participant_id, status, product_id);

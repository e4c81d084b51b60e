// Participants written straight into D1 (test set-up only: joining through
// the API would send each a welcome message and muddle the counts). They
// stand for people who joined by WhatsApp, so their phones have confirmed
// (`confirmedAt: null` makes them wait for confirmation instead).
export async function addParticipants(db, tripId, n, { prefix = "62813", lastInboundAt = null, confirmedAt = new Date().toISOString() } = {}) {
  const now = new Date().toISOString();
  const phones = [];
  const statements = [];
  for (let i = 0; i < n; i++) {
    const phone = `${prefix}${String(i).padStart(7, "0")}`;
    phones.push(phone);
    statements.push(db.prepare("INSERT INTO participants (id, trip_id, phone, name, joined_at, last_inbound_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind(`p-${tripId.slice(0, 8)}-${prefix}-${i}`, tripId, phone, `Penitip ${i}`, now, lastInboundAt, confirmedAt));
  }
  for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50));
  return phones;
}

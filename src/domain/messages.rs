//! What Jastipin says on WhatsApp, in Indonesian. Each message has a
//! free-form text (sent inside the 24-hour window) and the parameters of the
//! approved template used outside it.

use super::money::rupiah;
use super::order::OrderStatus;

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub body: String,
    /// Parameters of the template sent when the window is closed.
    pub params: Vec<String>,
}

pub struct ProductLine<'a> {
    pub title: &'a str,
    pub price: i64,
    pub slug: &'a str,
    pub sold_out: bool,
}

pub fn product_new(title: &str, price: i64, link: &str) -> Message {
    Message {
        body: format!("🛍️ Produk baru: {title}\nHarga: {}\nPesan di sini: {link}", rupiah(price)),
        params: vec![title.into(), rupiah(price), link.into()],
    }
}

pub fn join_reply(name: &str, trip_slug: &str, trip_title: &str, link: &str) -> Message {
    Message {
        body: format!(
            "Terima kasih {name}! Kamu sekarang tergabung di trip {trip_slug} ({trip_title}).\nLihat trip & pesan di: {link}\nKetik STOP {trip_slug} kapan saja untuk berhenti menerima pesan."
        ),
        params: vec![name.into(), trip_slug.into(), link.into()],
    }
}

/// The answer to a JOIN: the welcome and the trip's products with their
/// codes, in one message (one message costs one price).
pub fn join_welcome(
    name: &str,
    trip_slug: &str,
    trip_title: &str,
    link: &str,
    products: &[ProductLine<'_>],
    base_url: &str,
) -> Message {
    let thanks = join_reply(name, trip_slug, trip_title, link);
    let list = product_list(trip_title, products, base_url);
    let order =
        if products.iter().any(|p| !p.sold_out) { "\nPesan langsung di sini: PESAN <kode> <jumlah>" } else { "" };
    Message { body: format!("{}\n\n{}{order}", thanks.body, list.body), params: thanks.params }
}

pub fn product_list(trip_title: &str, products: &[ProductLine<'_>], base_url: &str) -> Message {
    let mut body = format!("Produk di {trip_title}:\n");
    if products.is_empty() {
        body.push_str("Belum ada produk. Kami kabari begitu ada yang baru!");
    }
    for (i, p) in products.iter().take(20).enumerate() {
        let status = if p.sold_out { " (habis)" } else { "" };
        body.push_str(&format!(
            "{}. {} — {}{status} · kode {}\n   {base_url}/o/{}\n",
            i + 1,
            p.title,
            rupiah(p.price),
            p.slug,
            p.slug
        ));
    }
    if products.len() > 20 {
        body.push_str(&format!("…dan {} produk lainnya.", products.len() - 20));
    }
    Message { body: body.trim_end().to_string(), params: vec![trip_title.into()] }
}

pub fn info_reply(
    trip_title: &str,
    deadline: Option<&str>,
    products: &[ProductLine<'_>],
    link: &str,
    base_url: &str,
) -> Message {
    let mut m = product_list(trip_title, products, base_url);
    let close = deadline.map(|d| format!("\nDeadline: {}", &d[..d.len().min(10)])).unwrap_or_default();
    m.body = format!("{}{close}\nIkut trip: {link}", m.body);
    m
}

pub fn stop_reply(trip_slug: &str) -> Message {
    Message {
        body: format!(
            "Kamu sudah berhenti menerima pesan dari trip {trip_slug}. Ketik JOIN {trip_slug} untuk ikut lagi."
        ),
        params: vec![trip_slug.into()],
    }
}

pub fn unknown_trip(trip_slug: &str) -> Message {
    Message {
        body: format!("Maaf, trip {trip_slug} tidak ditemukan atau sudah ditutup. Cek lagi kodenya ya."),
        params: vec![trip_slug.into()],
    }
}

pub fn trip_closed(trip_slug: &str) -> Message {
    Message {
        body: format!("Maaf, trip {trip_slug} sudah tutup: batas waktunya sudah lewat. Tunggu trip berikutnya ya!"),
        params: vec![trip_slug.into()],
    }
}

pub fn needs_phone() -> Message {
    Message {
        body: "Maaf, kami belum bisa menambahkan kamu ke trip karena nomor WhatsApp-mu tidak terlihat oleh kami. Silakan ikut lewat link trip dan isi nomormu di sana.".into(),
        params: vec![],
    }
}

pub fn welcome(name: &str, trip_title: &str, link: &str, unsubscribe: &str) -> Message {
    Message {
        body: format!(
            "Halo {name}, kamu sudah terdaftar di {trip_title}. Info produk & pesanan akan dikirim lewat WhatsApp ini. Lihat trip: {link}\nBerhenti menerima pesan: {unsubscribe}"
        ),
        params: vec![name.into(), trip_title.into(), link.into(), unsubscribe.into()],
    }
}

pub fn unknown_code() -> Message {
    Message {
        body: "Maaf, kode konfirmasi ini tidak dikenal untuk nomor ini. Pakai tombol \"Konfirmasi via WhatsApp\" di halaman trip atau pesananmu, dari nomor yang kamu isi di sana.".into(),
        params: vec![],
    }
}

/// A jastiper connected this number to her account from the dashboard.
pub fn whatsapp_connected(name: &str, dashboard: &str) -> Message {
    Message {
        body: format!(
            "Halo {name}, WhatsApp ini sudah terhubung ke Jastipin ✅\nKabar pesanan baru dan bukti bayar akan dikirim ke nomor ini.\nDashboard: {dashboard}"
        ),
        params: vec![],
    }
}

/// To the number that was connected until now: another one replaced it.
/// Only the last digits of the new number are shown.
pub fn number_changed(new_phone: &str, dashboard: &str) -> Message {
    let tail: String = new_phone.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    Message {
        body: format!(
            "⚠️ Nomor notifikasi Jastipin-mu baru saja diganti ke nomor yang berakhiran {tail}. Bukan kamu? Masuk ke dashboard dan tekan \"Kembalikan\", lalu ganti kata sandi: {dashboard}"
        ),
        params: vec![tail, dashboard.into()],
    }
}

/// Too many codes that matched nothing from one number: it is not listened to for an hour.
pub fn too_many_codes() -> Message {
    Message {
        body: "Terlalu banyak kode yang salah dari nomor ini. Coba lagi dalam 1 jam, dengan tombol \"Konfirmasi via WhatsApp\" atau kode baru dari dashboard.".into(),
        params: vec![],
    }
}

/// The text a `wa.me` confirmation link carries.
pub fn confirm_text(code: &str) -> String {
    format!("KONFIRMASI {code}")
}

/// One checkout's receipt: every line and the bill's total, in one message
/// (never one per line: every message costs).
/// `due`: what to pay now, as the bill page says it ("Bayar DP", Rp 125.000).
pub fn checkout_receipt(lines: &[(&str, i64, i64)], bill_total: i64, due: (&str, i64), link: &str) -> Message {
    let listed: Vec<String> =
        lines.iter().map(|(title, q, total)| format!("• {title} ×{q} ({})", rupiah(*total))).collect();
    let short: Vec<String> = lines.iter().map(|(title, q, _)| format!("{title} ×{q}")).collect();
    let now = match due.1 {
        0 => String::new(),
        n => format!("\n{}: {}.", due.0, rupiah(n)),
    };
    Message {
        body: format!(
            "🧾 Pesananmu tercatat:\n{}\nTotal tagihan: {}.{now}\nBayar & unggah bukti di: {link}",
            listed.join("\n"),
            rupiah(bill_total)
        ),
        params: vec![OrderStatus::Pending.as_str().into(), short.join(", "), rupiah(bill_total), link.into()],
    }
}

/// How to order in the chat, after a message it could not read (`bad`: the part not understood).
pub fn order_help(bad: Option<&str>) -> Message {
    let what = bad.map(|b| format!("Maaf, bagian \"{b}\" belum bisa dibaca. ")).unwrap_or_default();
    let body = format!(
        "{what}Cara pesan: PESAN <kode barang> <jumlah>, pisahkan dengan koma. Contoh: PESAN tkbnn 2, kitkat 3 | catatan: warna pink. \
         Kode barang ada di setiap barang di halaman trip."
    );
    Message { body: body.clone(), params: vec![body] }
}

/// An order naming codes no product has.
pub fn unknown_codes(codes: &[&str]) -> Message {
    let body = format!(
        "Kode {} tidak ditemukan. Cek kode barang di halaman trip (tertulis di setiap barang), lalu kirim lagi PESAN <kode> <jumlah>.",
        codes.join(", ")
    );
    Message { body: body.clone(), params: vec![body] }
}

/// An order the shop cannot take as it is: why, and where to look.
pub fn order_refused(why: &str, link: &str) -> Message {
    let body = format!("Pesanan belum tercatat: {why}. Lihat stok dan barang lain di {link}");
    Message { body: body.clone(), params: vec![body] }
}

/// The sender's bill, asked for with `REKAP <trip>`.
pub fn bill_summary(trip: &str, lines: &[String], total: i64, due: (&str, i64), link: &str) -> Message {
    let listed: String = lines.iter().map(|l| format!("\n• {l}")).collect();
    let now = match due.1 {
        0 => "Tidak ada yang perlu dibayar sekarang.".to_string(),
        n => format!("{}: {}.", due.0, rupiah(n)),
    };
    let body = format!("🧾 Tagihanmu di {trip}:{listed}\nTotal: {}. {now} Detail: {link}", rupiah(total));
    Message { body: body.clone(), params: vec![body] }
}

/// `REKAP`/`BATAL` from a phone with no bill in that trip.
pub fn no_bill(trip: &str, link: &str) -> Message {
    let body =
        format!("Belum ada pesanan atas nomor ini di {trip}. Pesan dengan PESAN <kode> <jumlah>, atau lewat {link}");
    Message { body: body.clone(), params: vec![body] }
}

/// `BATAL <kode>` that removed a line, or could not.
pub fn line_cancelled(title: &str, total: i64, link: &str) -> Message {
    let body = format!("✅ {title} dibatalkan. Tagihanmu sekarang {}. Detail: {link}", rupiah(total));
    Message { body: body.clone(), params: vec![body] }
}

pub fn cannot_cancel(title: &str) -> Message {
    let body = format!(
        "{title} tidak bisa dibatalkan lewat chat: sudah dibayar atau sudah diproses. Hubungi jastiper langsung ya."
    );
    Message { body: body.clone(), params: vec![body] }
}

/// A bill cancelled by the jastiper, with her reason.
pub fn bill_cancelled(reason: Option<&str>, link: &str) -> Message {
    let why = reason.map_or(String::new(), |r| format!(" Alasan: {r}."));
    Message {
        body: format!("❌ Tagihanmu dibatalkan jastiper.{why} Tidak ada yang perlu dibayar. Detail: {link}"),
        params: vec![
            OrderStatus::Rejected.as_str().into(),
            "tagihan".into(),
            reason.unwrap_or("-").into(),
            link.into(),
        ],
    }
}

/// A payment the jastiper confirmed: what she received and what is left
/// (the same four parameters as `order_update`'s template).
pub fn payment_confirmed(received: i64, balance: i64, link: &str) -> Message {
    let left = match balance {
        0 => "Tagihanmu sudah lunas ✓".to_string(),
        n => format!("Sisa tagihan: {}", rupiah(n)),
    };
    Message {
        body: format!("✅ Pembayaran {} sudah diterima jastiper. {left}. Detail: {link}", rupiah(received)),
        params: vec!["confirmed".into(), "pembayaran".into(), rupiah(received), link.into()],
    }
}

/// A line found short while shopping: how many came, the bill's new total
/// and the refund due, if any.
pub fn line_found_short(title: &str, found: i64, ordered: i64, total: i64, refund: i64, link: &str) -> Message {
    let what = match found {
        0 => format!("{title} tidak dapat di toko"),
        n => format!("{title} hanya dapat {n} dari {ordered}"),
    };
    let back = match refund {
        0 => String::new(),
        r => format!(" Kelebihan bayar {} akan dikembalikan jastiper.", rupiah(r)),
    };
    Message {
        body: format!("😔 Maaf, {what}. Tagihanmu sekarang {}.{back} Detail: {link}", rupiah(total)),
        params: vec!["rejected".into(), title.into(), what.clone(), link.into()],
    }
}

/// A bill that still owes: on arrival of the goods, or its one reminder.
pub fn bill_owing(trip: &str, lines: &[String], balance: i64, link: &str, reminder: bool) -> Message {
    let head = if reminder {
        format!("⏰ Pengingat: tagihan jastip {trip} belum lunas.")
    } else {
        format!("✈️ Barang jastip {trip} sudah sampai!")
    };
    let listed: String = lines.iter().map(|l| format!("\n• {l}")).collect();
    Message {
        body: format!("{head}{listed}\nSisa yang perlu dibayar: {}. Bayar dan kirim bukti di: {link}", rupiah(balance)),
        params: vec!["pending".into(), trip.into(), rupiah(balance), link.into()],
    }
}

/// A bill on its way: the courier and the resi.
pub fn bill_shipped(courier: &str, tracking: Option<&str>, link: &str) -> Message {
    let resi = tracking.map(|t| format!(" No. resi: {t}.")).unwrap_or_default();
    Message {
        body: format!("📦 Pesananmu sudah dikirim lewat {courier}.{resi} Detail: {link}"),
        params: vec!["shipped".into(), courier.into(), tracking.unwrap_or("-").into(), link.into()],
    }
}

/// A payment the jastiper rejected, with her reason.
pub fn payment_rejected(claimed: i64, reason: &str, link: &str) -> Message {
    Message {
        body: format!(
            "❌ Bukti bayar {} ditolak jastiper. Alasan: {reason}. Cek tagihanmu dan kirim bukti yang benar: {link}",
            rupiah(claimed)
        ),
        params: vec!["rejected".into(), "pembayaran".into(), reason.into(), link.into()],
    }
}

/// The one-time code to reset a jastiper's password (authentication template).
pub fn password_reset_code(code: &str) -> Message {
    Message {
        body: format!("{code} adalah kode reset kata sandi Jastipin-mu. Berlaku 10 menit. Jangan bagikan kode ini."),
        params: vec![code.into()],
    }
}

pub struct OrderInfo<'a> {
    pub product: &'a str,
    pub quantity: i64,
    pub total: i64,
    pub link: &'a str,
}

pub fn order_update(status: OrderStatus, o: &OrderInfo<'_>, reason: Option<&str>) -> Message {
    let what = format!("{} ×{} ({})", o.product, o.quantity, rupiah(o.total));
    let body = match status {
        OrderStatus::Confirmed => format!("✅ Pesananmu dikonfirmasi: {what}.\nCek status: {}", o.link),
        OrderStatus::Rejected => format!(
            "❌ Maaf, pesananmu ditolak: {what}.{}\nCek status: {}",
            reason.map(|r| format!("\nAlasan: {r}")).unwrap_or_default(),
            o.link
        ),
        OrderStatus::Shipped => format!("📦 Pesananmu sudah dikirim: {what}.\nCek status: {}", o.link),
        OrderStatus::Pending => format!("Status pesananmu: menunggu konfirmasi — {what}.\nCek status: {}", o.link),
    };
    Message { body, params: vec![status.as_str().into(), o.product.into(), rupiah(o.total), o.link.into()] }
}

pub fn proof_uploaded(penitip: &str, o: &OrderInfo<'_>) -> Message {
    Message {
        body: format!(
            "💸 {penitip} mengunggah bukti bayar untuk {} ×{} ({}). Cek dan konfirmasi: {}",
            o.product,
            o.quantity,
            rupiah(o.total),
            o.link
        ),
        params: vec![penitip.into(), o.product.into(), rupiah(o.total), o.link.into()],
    }
}

pub fn broadcast(text: &str) -> Message {
    Message { body: text.into(), params: vec![text.into()] }
}

/// One line of an order in a summary: `Royce ×2 (Rp 370.000)`.
pub fn order_line(product: &str, quantity: i64, total: i64) -> String {
    format!("{product} ×{quantity} ({})", rupiah(total))
}

/// A trip closed at its deadline: this penitip's open orders and what happens next.
pub fn trip_closed_summary(name: &str, trip: &str, lines: &[String], unpaid: i64, link: &str) -> Message {
    let next = if unpaid > 0 {
        format!("{unpaid} pesanan belum dibayar: bayar dan unggah bukti bayar agar tidak dibatalkan.")
    } else {
        "Semua sudah dibayar: jastiper akan membelikan dan mengirim pesananmu.".to_string()
    };
    let list = lines.join("\n• ");
    Message {
        body: format!("Halo {name}, trip {trip} sudah tutup 🛬\nPesananmu:\n• {list}\n{next}\nCek: {link}"),
        params: vec![name.into(), trip.into(), lines.join("; "), next, link.into()],
    }
}

/// A trip closed: its totals, for the jastiper.
pub fn trip_totals(trip: &str, orders: i64, unpaid: i64, revenue: i64, link: &str) -> Message {
    Message {
        body: format!(
            "Trip {trip} sudah tutup. {orders} pesanan, {unpaid} belum dibayar, pendapatan terkonfirmasi {}.\nDashboard: {link}",
            rupiah(revenue)
        ),
        params: vec![trip.into(), orders.to_string(), unpaid.to_string(), rupiah(revenue), link.into()],
    }
}

/// New orders of a trip since the last notice, for the jastiper.
pub fn new_orders(trip: &str, count: usize, lines: &[String], link: &str) -> Message {
    let shown = lines.iter().take(10).cloned().collect::<Vec<_>>();
    let more = if count > shown.len() { format!("\n…dan {} lainnya", count - shown.len()) } else { String::new() };
    Message {
        body: format!("🛍️ {count} pesanan baru di {trip}:\n• {}{more}\nLihat: {link}", shown.join("\n• ")),
        params: vec![count.to_string(), trip.into(), shown.join("; "), link.into()],
    }
}

fn said(body: String) -> Message {
    Message { body: body.clone(), params: vec![body] }
}

/// A photo from the chat became a payment on her bill.
pub fn proof_received(trip: &str, claimed: i64, link: &str) -> Message {
    said(format!(
        "📸 Bukti transfer {} untuk tagihan {trip} sudah diterima dan sedang dicek jastiper. Kami kabari begitu dikonfirmasi. Tagihan: {link}",
        rupiah(claimed)
    ))
}

/// She has several open bills: which one does the photo pay?
pub fn proof_choice(choices: &[(String, i64)]) -> Message {
    let listed: String =
        choices.iter().enumerate().map(|(i, (trip, due))| format!("\n{}. {trip} — {}", i + 1, rupiah(*due))).collect();
    said(format!("📸 Bukti transfer ini untuk tagihan yang mana?{listed}\nBalas dengan nomornya (misalnya 1)."))
}

/// A photo that could not be taken as a proof, and what to do.
pub fn proof_problem(why: &str) -> Message {
    said(format!(
        "Maaf, foto ini belum bisa dipakai sebagai bukti transfer: {why}. Kirim ulang fotonya (JPG/PNG, maks. 5 MB), atau unggah lewat link tagihan."
    ))
}

/// A number that nobody knows yet wrote something that is not a command.
pub fn chat_help() -> Message {
    said(
        "Halo! Ini nomor WhatsApp Jastipin. Untuk ikut trip ketik JOIN <kode trip> (kodenya ada di link trip dari jastiper). \
         Setelah itu kamu bisa pesan dengan PESAN <kode barang> <jumlah>, cek tagihan dengan REKAP <kode trip>, \
         dan kirim foto bukti transfer di chat ini."
            .into(),
    )
}

/// A reply typed by the jastiper in her inbox.
pub fn inbox_reply(text: &str) -> Message {
    Message { body: text.into(), params: vec![] }
}

/// New messages in the jastiper's inbox, coalesced.
pub fn inbox_new(count: i64, senders: &[String], link: &str) -> Message {
    let from = senders.join(", ");
    Message {
        body: format!("💬 {count} pesan baru dari penitip ({from}). Balas di: {link}"),
        params: vec![count.to_string(), from, link.into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_numbers_the_bills() {
        let m = proof_choice(&[("Jepang Des".into(), 125_000), ("Korea".into(), 50_000)]);
        assert!(m.body.contains("\n1. Jepang Des — Rp 125.000\n2. Korea — Rp 50.000"), "{}", m.body);
    }

    #[test]
    fn product_new_reads_like_the_spec() {
        let m = product_new("Tokyo Banana", 125_000, "https://jastipin.me/o/pd12a");
        assert!(m.body.contains("Produk baru: Tokyo Banana"));
        assert!(m.body.contains("Rp 125.000"));
        assert_eq!(m.params, ["Tokyo Banana", "Rp 125.000", "https://jastipin.me/o/pd12a"]);
    }

    #[test]
    fn join_reply_thanks_by_name_with_the_link() {
        let m = join_reply("Siti", "jpn25", "Jastip Jepang", "https://jastipin.me/t/jpn25");
        assert!(m.body.starts_with("Terima kasih Siti! Kamu sekarang tergabung di trip jpn25"));
        assert!(m.body.contains("https://jastipin.me/t/jpn25"));
    }

    #[test]
    fn product_lists_are_bounded() {
        let many: Vec<ProductLine> =
            (0..25).map(|_| ProductLine { title: "X", price: 1000, slug: "abcde", sold_out: false }).collect();
        let m = product_list("Trip", &many, "https://j");
        assert_eq!(m.body.matches("https://j/o/abcde").count(), 20);
        assert!(m.body.ends_with("…dan 5 produk lainnya."));
        assert!(product_list("Trip", &[], "x").body.contains("Belum ada produk"));
    }

    #[test]
    fn order_updates_name_the_reason_of_a_rejection() {
        let o = OrderInfo { product: "Royce", quantity: 2, total: 370_000, link: "L" };
        assert!(order_update(OrderStatus::Rejected, &o, Some("Stok habis")).body.contains("Alasan: Stok habis"));
        assert!(order_update(OrderStatus::Shipped, &o, None).body.contains("dikirim"));
        assert!(order_update(OrderStatus::Confirmed, &o, None).body.contains("Rp 370.000"));
    }

    #[test]
    fn new_orders_lists_ten_and_counts_the_rest() {
        let lines: Vec<String> = (0..13).map(|i| format!("Pembeli {i} — Kitkat ×1 (Rp 25.000)")).collect();
        let m = new_orders("Jastip Jepang", 13, &lines, "https://x/dashboard");
        assert_eq!(m.body.matches("• ").count(), 10);
        assert!(m.body.contains("…dan 3 lainnya"));
        assert_eq!(m.params[0], "13");
    }

    #[test]
    fn a_closing_summary_says_what_happens_next() {
        let lines = vec![order_line("Royce", 2, 370_000)];
        let unpaid = trip_closed_summary("Ani", "Jastip Jepang", &lines, 1, "https://x/o");
        assert!(unpaid.body.contains("Royce ×2 (Rp 370.000)"));
        assert!(unpaid.body.contains("1 pesanan belum dibayar"));
        let paid = trip_closed_summary("Ani", "Jastip Jepang", &lines, 0, "https://x/o");
        assert!(paid.body.contains("Semua sudah dibayar"));
    }
}

//! A penitip's bill (`/b/<id>?token=`): every line, the total, what to pay
//! now with the jastiper's payment details, and the proof upload; nothing
//! to pay once it is settled, cancelled or shipped. And the trip page's
//! cart: several products in one checkout (`POST /checkout?trip=`).

use std::collections::HashMap;

use maud::{html, Markup};
use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::domain::bill::{BillStatus, Due};
use crate::domain::fields;
use crate::domain::money::rupiah;
use crate::domain::order::OrderStatus;
use crate::domain::payment::PaymentStatus;
use crate::error::{ApiError, ApiResult};
use crate::input::Input;
use crate::platform::limits::Limit;
use crate::platform::r2::Upload;
use crate::service::bills::{self, BillAccess, BillView};
use crate::service::orders::{self, BuyerForm, OrderForm, PROOF_LIMIT};
use crate::service::payments;
use crate::web::auth::{limit_address, limit_phone};
use crate::web::form::{
    answer_read, cart_errors, cart_field, cart_input, is_cart_field, notice, Field, FormState, Posted,
};
use crate::web::html::{encode_component, Query};
use crate::web::page::{html_response, not_found, page, payment_details, script, Meta};
use crate::web::{body, respond, upload};

fn bill_not_found(ctx: &Ctx) -> ApiResult<Response> {
    not_found(
        ctx,
        "Tagihan tidak ditemukan",
        "Link tagihan ini tidak berlaku. Pakai link yang kamu terima saat memesan.",
    )
}

/// The bill its link's token opens; `None` for a wrong or missing token.
async fn visible(ctx: &Ctx, id: &str, token: &str) -> ApiResult<Option<BillView>> {
    if token.is_empty() {
        return Ok(None);
    }
    super::found(bills::visible(ctx, id, &BillAccess::Token(token.to_string())).await)
}

/// What the bill's state means for the penitip, in her words.
fn state_words(v: &BillView) -> &'static str {
    let waiting = v.payments.iter().any(|p| p.status == PaymentStatus::Pending);
    match v.bill.status {
        BillStatus::Cancelled => "Dibatalkan",
        BillStatus::Shipped => "Sudah dikirim",
        BillStatus::Paid => "Lunas ✓ — tinggal menunggu barangnya dikirim",
        _ if waiting => "Menunggu dicek jastiper",
        BillStatus::DpPaid => "DP masuk, sisa belum dibayar",
        BillStatus::Unpaid if v.bill.paid > 0 => "Belum lunas",
        BillStatus::Unpaid => "Belum dibayar",
    }
}

fn lines(v: &BillView) -> Markup {
    let b = &v.bill;
    let row =
        |label: &str, amount: i64| html! { tr { th scope="row" colspan="3" { (label) } td { (rupiah(amount)) } } };
    html! {
        table.totals #bill-lines {
            thead { tr { th scope="col" { "Barang" } th scope="col" { "Jumlah" } th scope="col" { "Harga" } th scope="col" { "Subtotal" } } }
            tbody {
                @for l in &v.lines {
                    tr data-status=(l.order.status.as_str()) {
                        td { (l.product_title)
                            @if l.order.status == OrderStatus::Rejected {
                                br; span.badge { "Ditolak" @if let Some(r) = &l.order.reject_reason { ": " (r) } }
                            }
                            @if let Some(n) = &l.order.notes { br; span.mute { (n) } }
                        }
                        td { (l.order.quantity) }
                        td { (rupiah(l.order.unit_price)) }
                        td { (rupiah(l.order.total_price)) }
                    }
                }
            }
            tfoot {
                @if b.shipping_cost > 0 || b.unique_code > 0 { (row("Subtotal", b.subtotal)) }
                @if b.shipping_cost > 0 { (row("Ongkir", b.shipping_cost)) }
                @if b.unique_code > 0 { (row("Kode unik", b.unique_code)) }
                tr { th scope="row" colspan="3" { "Total" } td #bill-total { b { (rupiah(b.total)) } } }
                @if b.dp_due > 0 && b.status.is_open() { (row("DP", b.dp_due + b.unique_code)) }
                @if b.paid > 0 { tr { th scope="row" colspan="3" { "Sudah dibayar" } td #bill-paid { (rupiah(b.paid)) } } }
                @if b.paid > 0 && b.balance() > 0 { tr { th scope="row" colspan="3" { "Sisa" } td #bill-balance { (rupiah(b.balance())) } } }
            }
        }
    }
}

fn payments(v: &BillView) -> Markup {
    html! {
        @if !v.payments.is_empty() {
            div.card {
                h2 { "Pembayaranmu" }
                ul.list #payments {
                    @for p in &v.payments {
                        li data-status=(p.status.as_str()) {
                            (rupiah(p.shown_amount())) " · " span.badge { (p.status.label()) }
                            @if let Some(r) = &p.reject_reason { br; span.mute { "Alasan: " (r) } }
                        }
                    }
                }
            }
        }
    }
}

/// Where the parcel goes: the courier and resi once shipped; before, the
/// address (or pickup) the penitip can still change.
fn shipping(v: &BillView, token: &str, form: &FormState) -> Markup {
    let b = &v.bill;
    let courier = b.courier.as_deref().and_then(crate::domain::bill::courier_name);
    html! {
        @if b.status == BillStatus::Shipped {
            div.card #shipped {
                h2 { "Pengiriman" }
                p { "Dikirim lewat " b { (courier.unwrap_or("kurir")) }
                    @if let Some(t) = &b.tracking_number { " · No. resi " b #resi { (t) } } }
            }
        } @else if b.status.is_open() {
            form.card #ship-to method="post" action={ "/b/" (Query(&b.id)) "/address?token=" (Query(token)) } {
                h2 { "Pengiriman" }
                @if form.sent("address") { (notice(form)) }
                label.check for="pickup" {
                    input #pickup type="checkbox" name="pickup" value="on" checked[b.pickup];
                    " Ambil sendiri (tanpa ongkir)"
                }
                (Field::textarea("address", "Alamat lengkap (jalan, kelurahan, kota, kode pos)", "3").limit(fields::ADDRESS).of(form, b.address.as_deref()))
                button.btn.alt type="submit" { "Simpan alamat" }
            }
        }
    }
}

/// The address form posted: saved on the bill, then back to it.
pub async fn address_submit(ctx: &Ctx, req: &mut Request, id: &str, token: &str) -> ApiResult<Response> {
    let Some(v) = visible(ctx, id, token).await? else {
        return bill_not_found(ctx);
    };
    limit_address(ctx, req, Limit::Public, "bill").await?;
    let mut input = body::form(req, &[]).await?;
    input.retain(|k| k == "address" || k == "pickup");
    let pickup = input.map().get("pickup").is_some();
    Posted::new(input, &[])
        .answer(
            async |mut input| {
                input.insert("pickup", serde_json::Value::Bool(pickup));
                let change = bills::parse_shipping(input, false)?;
                bills::set_shipping(ctx, v, &BillAccess::Token(token.to_string()), change).await?;
                respond::see_other(&format!("/b/{id}?token={}#ship-to", encode_component(token)))
            },
            async |state| page_for(ctx, id, token, state, false).await,
        )
        .await
}

/// `/b/<id>?token=`: the bill.
pub async fn page_for(ctx: &Ctx, id: &str, token: &str, form: FormState, uploaded: bool) -> ApiResult<Response> {
    let Some(v) = visible(ctx, id, token).await? else {
        return bill_not_found(ctx);
    };
    let b = &v.bill;
    let trip_title = v.trip.as_ref().map_or("Trip", |t| t.title.as_str());
    let dp_percent = v.trip.as_ref().map_or(0, |t| t.dp_percent);
    let jastiper_phone = v.owner.as_ref().and_then(|o| o.phone.as_deref());
    let action = format!("/b/{}/proof?token={}", b.id, encode_component(token));
    let due = b.due();
    let due_text = due.amount().to_string();
    let body = html! {
        h1.mt15 { "Tagihan" }
        p.mute { (trip_title) " · No. " (b.id[..8].to_ascii_uppercase())
            @if let Some(p) = &v.buyer { " · untuk " (p.name) } }
        p #bill-status data-status=(b.status.as_str()) { span.badge { (state_words(&v)) } }
        @if let (BillStatus::Cancelled, Some(r)) = (b.status, &b.cancel_reason) { p { "Alasan: " (r) } }
        @if uploaded { p.ok #notice { "Bukti bayar terkirim. Jastiper akan mengeceknya." } }
        @if let (true, Some(code)) = (b.status.takes_payment(), v.buyer.as_ref().and_then(|p| p.confirm_code.as_deref())) {
            div.card #confirm-card {
                h2 { "Kabar lewat WhatsApp" }
                p { "Kirim kode ini dari nomor WhatsApp-mu untuk menerima kabar tagihan ini." }
                (super::public::confirm_button(ctx, code))
            }
        }
        (lines(&v))
        @if b.refund_due() > 0 {
            p.ok #refund { "Kelebihan bayar " b { (rupiah(b.refund_due())) } ": jastiper akan mengembalikannya ke kamu." }
        }
        @if due != Due::Nothing {
            div.card #pay data-due=(due.kind()) {
                h2 { (due.label(b.dp_due)) }
                @if let Due::Dp(_) = due { p.mute { "DP " (dp_percent) "% dulu, sisanya dilunasi saat barang sampai." } }
                p.price.big { (rupiah(due.amount())) }
                @if b.unique_code > 0 {
                    p.mute { "Transfer tepat sampai 3 angka terakhir: kode unik " b { (b.unique_code) } " menandai tagihanmu." }
                }
                p { input #pay-amount readonly aria-label="Jumlah yang dibayar" value=(due.amount());
                    button.btn.alt.small type="button" data-copy="pay-amount" { "Salin jumlah" } }
                (payment_details(v.owner.as_ref().map(|u| &u.payment)))
                @if let Some(acct) = v.owner.as_ref().and_then(|u| u.payment.pay_bank_account.as_deref()) {
                    p { input #pay-account readonly aria-label="Nomor rekening" value=(acct);
                        button.btn.alt.small type="button" data-copy="pay-account" { "Salin rekening" } }
                }
            }
            form.card method="post" enctype="multipart/form-data" action=(action) {
                @if !form.sent("address") { (notice(&form)) }
                (Field::text("amount", "Jumlah yang kamu transfer (Rp)").inputmode("numeric").required().of(&form, Some(&due_text)))
                (Field::image("image", "Bukti transfer", None).required().of(&form, None))
                p.mute { "JPEG, PNG atau WebP, maks. 5 MB." }
                button.btn type="submit" { "Kirim bukti bayar" }
            }
        } @else {
            p.mute #nothing-to-pay { "Tidak ada yang perlu dibayar sekarang." }
        }
        (payments(&v))
        (shipping(&v, token, &form))
        @if v.lines.iter().any(|l| l.order.proof_archived_at.is_some()) {
            p.mute #proof-archived { "Bukti bayar sudah diarsipkan (dihapus 90 hari setelah pesanan dikirim)." }
        }
        @if let Some(phone) = jastiper_phone {
            a.btn.alt href={ "https://wa.me/" (Query(phone)) } { "Tanya jastiper lewat WhatsApp" }
        }
        p.mute { "Simpan link halaman ini untuk cek tagihanmu." }
        button.btn.alt.noprint type="button" data-print="1" { "Cetak / simpan PDF" }
        (script())
    };
    let url = format!("{}/b/{}", ctx.config.public_base_url, b.id);
    let meta = Meta { title: "Tagihan", description: "Tagihan jastip", image: None, url: &url };
    html_response(form.status(), page(&meta, body), "private, no-store")
}

/// A multipart payment form: the amount typed and the proof chosen.
pub async fn payment_form(req: &mut Request) -> ApiResult<(Posted, Option<Upload>)> {
    let form = upload::form(req, PROOF_LIMIT, &["image", "amount"]).await?;
    let posted = Posted::new(Input::from_map(upload::text_fields(&form, &["amount"], &["amount"])), &[]);
    Ok((posted, upload::chosen_image(&form, "image", PROOF_LIMIT).await?))
}

/// The payment posted on the bill: its amount and proof, pending until the jastiper checks it.
pub async fn proof_submit(ctx: &Ctx, req: &mut Request, id: &str, token: &str) -> ApiResult<Response> {
    let Some(v) = visible(ctx, id, token).await? else {
        return bill_not_found(ctx);
    };
    limit_address(ctx, req, Limit::Public, "proof").await?;
    let read = match payments::check_takes_payment(&v.bill) {
        Ok(()) => payment_form(req).await,
        Err(e) => Err(e),
    };
    let had_photo = read.as_ref().is_ok_and(|(_, image)| image.is_some());
    answer_read(
        read,
        async |input, image| {
            let claim = payments::Claim::parse(input)?;
            let image = image.ok_or_else(|| ApiError::field("image", "is required"))?;
            payments::create(ctx, &v.bill, claim, image).await?;
            respond::see_other(&format!("/b/{}?token={}&uploaded=1", v.bill.id, encode_component(token)))
        },
        async |mut state| {
            if had_photo {
                state.ensure_error("image", crate::web::form::PHOTO_AGAIN.into());
            }
            page_for(ctx, id, token, state, false).await
        },
    )
    .await
}

/// The trip page's cart: a quantity for each product on sale, then the buyer once.
pub fn cart(trip_slug: &str, items: &[crate::store::products::ProductRow], form: &FormState) -> Markup {
    let on_sale: Vec<_> = items.iter().filter(|p| p.status.orderable(p.stock)).collect();
    html! {
        @if !on_sale.is_empty() {
            form.card #cart method="post" action={ "/checkout?trip=" (Query(trip_slug)) } {
                h2 { "Pesan beberapa barang sekaligus" }
                (notice(form))
                @if let Some(e) = form.error("items") { p.err #cart-items { (e) } }
                @for (i, p) in on_sale.iter().enumerate() {
                    @let name = cart_field(i, &p.id);
                    @let max = p.stock.min(p.max_per_buyer).to_string();
                    (Field::number(&name, &format!("{} · {}", p.title, rupiah(p.price))).range("0", Some(&max)).of(form, Some("0")))
                }
                (Field::text("buyerName", "Nama").autocomplete("name").limit(crate::domain::fields::NAME).required().of(form, None))
                (Field::tel("buyerPhone", "Nomor WhatsApp").autocomplete("tel").required().of(form, None))
                (Field::textarea("buyerNotes", "Catatan (opsional)", "2").limit(crate::domain::fields::NOTES).of(form, None))
                input type="hidden" name="checkoutKey" value=(form.value("checkoutKey", Some(&crate::domain::ids::new_id())));
                button.btn type="submit" { "Pesan & lihat tagihan" }
            }
        }
    }
}

/// `POST /checkout?trip=`: the cart placed as one checkout, then its bill.
pub async fn checkout_submit(ctx: &Ctx, req: &mut Request, q: &HashMap<String, String>) -> ApiResult<Response> {
    limit_address(ctx, req, Limit::Public, "order").await?;
    let mut input = body::form(req, &[]).await?;
    input.retain(is_cart_field);
    Posted::new(input, &[])
        .answer(
            async |input| {
                let form = OrderForm::parse(cart_input(input)?, false)?;
                if let BuyerForm::Person { phone, .. } = &form.buyer {
                    limit_phone(ctx, "order", phone).await?;
                }
                let placed = orders::place(ctx, None, form).await?;
                respond::see_other(&format!("/b/{}?token={}", placed.bill.id, encode_component(&placed.bill_token)))
            },
            async |mut state| {
                cart_errors(&mut state);
                super::public::join(ctx, q, state, None).await
            },
        )
        .await
}

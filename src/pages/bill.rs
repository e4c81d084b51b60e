//! A penitip's bill (`/b/<id>?token=`): every line, the total, what to pay
//! now with the jastiper's payment details, and the proof upload; nothing
//! to pay once it is settled, cancelled or shipped. And the trip page's
//! cart: several products in one checkout (`POST /checkout?trip=`).

use std::collections::HashMap;

use maud::{html, Markup};
use worker::{Request, Response};

use crate::ctx::Ctx;
use crate::domain::bill::BillStatus;
use crate::domain::money::rupiah;
use crate::domain::order::OrderStatus;
use crate::error::ApiResult;
use crate::platform::limits::Limit;
use crate::service::bills::{self, BillAccess, BillView};
use crate::service::orders::{self, BuyerForm, OrderForm, PROOF_LIMIT};
use crate::web::auth::{limit_address, limit_phone};
use crate::web::form::{cart_errors, cart_field, cart_input, is_cart_field, notice, Field, FormState, Posted};
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
    match v.bill.status {
        BillStatus::Unpaid if v.bill.proof_key.is_some() => "Menunggu dicek jastiper",
        BillStatus::Unpaid => "Belum dibayar",
        BillStatus::DpPaid => "DP masuk, sisa belum dibayar",
        BillStatus::Paid => "Lunas ✓ — tinggal menunggu barangnya dikirim",
        BillStatus::Shipped => "Sudah dikirim",
        BillStatus::Cancelled => "Dibatalkan",
    }
}

fn lines(v: &BillView) -> Markup {
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
                tr { th scope="row" colspan="3" { "Total" } td #bill-total { b { (rupiah(v.bill.total)) } } }
                @if v.bill.paid > 0 { tr { th scope="row" colspan="3" { "Sudah dibayar" } td { (rupiah(v.bill.paid)) } } }
            }
        }
    }
}

/// `/b/<id>?token=`: the bill.
pub async fn page_for(ctx: &Ctx, id: &str, token: &str, form: FormState, uploaded: bool) -> ApiResult<Response> {
    let Some(v) = visible(ctx, id, token).await? else {
        return bill_not_found(ctx);
    };
    let b = &v.bill;
    let trip_title = v.trip.as_ref().map_or("Trip", |t| t.title.as_str());
    let jastiper_phone = v.owner.as_ref().and_then(|o| o.phone.as_deref());
    let action = format!("/b/{}/proof?token={}", b.id, encode_component(token));
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
        @if b.status.takes_payment() && b.balance() > 0 {
            div.card #pay {
                h2 { "Bayar sekarang" }
                p.price.big { (rupiah(b.balance())) }
                p { input #pay-amount readonly aria-label="Jumlah yang dibayar" value=(b.balance());
                    button.btn.alt.small type="button" data-copy="pay-amount" { "Salin jumlah" } }
                (payment_details(v.owner.as_ref().map(|u| &u.payment)))
                @if let Some(acct) = v.owner.as_ref().and_then(|u| u.payment.pay_bank_account.as_deref()) {
                    p { input #pay-account readonly aria-label="Nomor rekening" value=(acct);
                        button.btn.alt.small type="button" data-copy="pay-account" { "Salin rekening" } }
                }
            }
            form.card method="post" enctype="multipart/form-data" action=(action) {
                (notice(&form))
                (Field::image("image", if b.proof_key.is_some() { "Ganti bukti bayar" } else { "Unggah bukti bayar" }, None).required().of(&form, None))
                p.mute { "JPEG, PNG atau WebP, maks. 5 MB." }
                button.btn type="submit" { "Kirim bukti bayar" }
            }
        } @else {
            p.mute #nothing-to-pay { "Tidak ada yang perlu dibayar sekarang." }
        }
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

/// The proof posted on the bill: stored on each of its lines that waits for payment.
pub async fn proof_submit(ctx: &Ctx, req: &mut Request, id: &str, token: &str) -> ApiResult<Response> {
    let Some(v) = visible(ctx, id, token).await? else {
        return bill_not_found(ctx);
    };
    limit_address(ctx, req, Limit::Public, "proof").await?;
    Posted::empty()
        .answer(
            async |_| {
                if !v.bill.status.takes_payment() {
                    return Err(crate::error::ApiError::new(
                        crate::error::ErrorCode::InvalidTransition,
                        "This bill takes no payment now",
                    ));
                }
                let image = upload::required_image(req, PROOF_LIMIT).await?;
                bills::attach_proof(ctx, &v.bill, image).await?;
                respond::see_other(&format!("/b/{}?token={}&uploaded=1", v.bill.id, encode_component(token)))
            },
            async |state| page_for(ctx, id, token, state, false).await,
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

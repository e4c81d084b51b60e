//! `/dashboard/inbox`: what penitip wrote in the chat that was not a
//! command, per conversation under its trip (or "Tanpa trip"), with unread
//! counts; a conversation page with the messages and a reply box while the
//! 24-hour window is open.

use maud::html;
use worker::Response;

use super::view::{contact, csrf, next_page, shell, wib_time};
use crate::ctx::Ctx;
use crate::domain::fields;
use crate::domain::page::next_after;
use crate::error::ApiResult;
use crate::service::accounts::PageSession;
use crate::service::inbox::{self, ReplyForm};
use crate::store::inbox::ThreadRow;
use crate::web::form::{notice, Field, FormState, Posted};
use crate::web::html::Query;
use crate::web::query::Paging;
use crate::web::respond;

/// Conversations shown on the inbox page.
const SHOWN: i64 = crate::store::dashboard::PAGE;

/// One page of her conversations (`cursor=` for the next), grouped by trip.
pub async fn list(ctx: &Ctx, s: &PageSession, paging: &Paging) -> ApiResult<Response> {
    let (threads, unread) = inbox::page(ctx, &s.user, paging.after.as_ref(), SHOWN).await?;
    let next = next_after(&threads, SHOWN, |t| (t.last_at.clone(), t.id.clone()));
    // Grouped by trip in the order of each trip's latest conversation.
    let mut groups: Vec<(Option<&str>, Vec<&ThreadRow>)> = Vec::new();
    for t in &threads {
        let key = t.trip_title.as_deref();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(t),
            None => groups.push((key, vec![t])),
        }
    }
    let body = html! {
        h1 { "Inbox" }
        p.mute #inbox-unread { (unread) " pesan belum dibaca" }
        @if threads.is_empty() {
            p.card { "Belum ada pesan. Yang ditulis penitip di chat WhatsApp (selain perintah seperti PESAN atau REKAP) muncul di sini." }
        }
        @for (trip, list) in &groups {
            @let group_unread: i64 = list.iter().map(|t| t.unread).sum();
            section.inbox-trip {
                h2 { (trip.unwrap_or("Tanpa trip")) @if group_unread > 0 { " " span.badge { (group_unread) " baru" } } }
                ul.list {
                    @for t in list {
                        li.card data-unread=(t.unread) {
                            a href={ "/dashboard/inbox/" (Query(&t.id)) } { b { (t.name) } }
                            @if t.unread > 0 { " " span.badge { (t.unread) } }
                            p.mute { (wib_time(&t.last_at)) " · " (contact(&t.sender)) }
                            p { (excerpt(&t.last_body)) }
                        }
                    }
                }
            }
        }
        (next_page("/dashboard/inbox", next.as_deref()))
    };
    shell(ctx, Some(s), "Inbox", 200, body)
}

fn excerpt(body: &str) -> String {
    let cut: String = body.chars().take(140).collect();
    if cut.len() < body.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

pub async fn page(ctx: &Ctx, s: &PageSession, id: &str, form: FormState) -> ApiResult<Response> {
    let (t, messages) = inbox::open(ctx, &s.user, id).await?;
    let action = format!("/dashboard/inbox/{}/reply", t.id);
    let body = html! {
        p.mt1 { a href="/dashboard/inbox" { "← Inbox" } }
        h1 { (t.name) }
        p.mute { (contact(&t.sender)) " · " (t.trip_title.as_deref().unwrap_or("Tanpa trip")) }
        ul.list #messages {
            @for m in &messages {
                li.card data-direction=(m.direction) {
                    p.mute { @if m.direction == "out" { "Kamu · " } @else { (t.name) " · " } (wib_time(&m.created_at)) }
                    p.pre { (m.body) }
                }
            }
        }
        @if inbox::can_reply(ctx, &t) {
            form.card method="post" action=(action) #reply {
                h2 { "Balas" }
                (csrf(s))
                (notice(&form))
                (Field::textarea("message", "Balasan (dikirim sebagai chat biasa, biaya pesan layanan)", "3").limit(fields::MESSAGE).required().of(&form, None))
                button.btn type="submit" { "Kirim" }
            }
        } @else {
            p.card #window-closed {
                "Jendela 24 jam sudah tutup: WhatsApp hanya mengizinkan template yang sudah disetujui, dan tidak ada template untuk balasan bebas. "
                "Balasan bisa dikirim lagi begitu " (t.name) " menulis lagi."
            }
        }
    };
    shell(ctx, Some(s), "Inbox", form.status(), body)
}

pub async fn reply(ctx: &Ctx, s: &PageSession, id: &str, form: Posted) -> ApiResult<Response> {
    let t = inbox::owned(ctx, &s.user, id).await?;
    form.answer(
        async |input| {
            let f = ReplyForm::parse(input)?;
            inbox::answer(ctx, &s.user, &t, f).await?;
            respond::see_other(&format!("/dashboard/inbox/{}", t.id))
        },
        async |state| page(ctx, s, &t.id, state).await,
    )
    .await
}

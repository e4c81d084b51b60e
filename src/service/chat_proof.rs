//! A photo in the chat is a payment proof: from a penitip with one bill
//! asking money it becomes a pending payment there (downloaded through the
//! Graph API's media endpoint into R2, with the web upload's checks and its
//! reuse flag); with several, one reply asks which (reply buttons, or a
//! numbered list past three) and her answer files it. The caption's amount
//! is the amount claimed, else what the bill asks now.

use chrono::Duration;

use super::inbound::{reply, reply_with_buttons};
use super::payments::{self, Claim};
use crate::ctx::Ctx;
use crate::domain::command::caption_amount;
use crate::domain::ids::new_id;
use crate::domain::image;
use crate::domain::messages;
use crate::domain::phone::Phone;
use crate::domain::whatsapp::Inbound;
use crate::error::ApiResult;
use crate::platform::graph_api::{download_media, MediaProblem};
use crate::platform::r2::Upload;
use crate::store::bills::{self, BillRow, Owing};
use crate::store::chat_proofs::{self, NewChatProof};

/// Bills offered in one question (the numbered list's length).
const MAX_CHOICES: i64 = 9;
/// How long a photo waits for her answer.
const CHOICE_HOURS: i64 = 24;

/// An image message from `sender`.
pub async fn photo(ctx: &Ctx, m: &Inbound, sender: &Phone, media_id: &str) -> ApiResult<&'static str> {
    let (open, titles) = bills::owing_of_phone(&ctx.db, sender.as_str(), MAX_CHOICES).await?;
    if open.is_empty() {
        // Not a proof for anything: the jastiper sees it in her inbox.
        let words = match m.caption.as_deref() {
            Some(c) => format!("📷 [foto] {c}"),
            None => "📷 [foto]".into(),
        };
        return super::inbox::receive(ctx, m, sender, &words).await;
    }
    let Some(token) = ctx.config.wa.access_token.clone() else {
        return problem(ctx, m, "WhatsApp belum tersambung penuh (mode simulasi)").await;
    };
    let bytes = match download_media(&ctx.config.wa, &token, media_id, super::orders::PROOF_LIMIT).await {
        Ok(b) => b,
        Err(MediaProblem::TooLarge) => return problem(ctx, m, "ukurannya lebih dari 5 MB").await,
        Err(MediaProblem::NotAnImage) => return problem(ctx, m, "bukan foto JPG, PNG atau WebP").await,
        Err(MediaProblem::Unavailable(why)) => {
            worker::console_log!(
                "{}",
                serde_json::json!({"level": "warn", "msg": "media download failed", "why": why})
            );
            return problem(ctx, m, "fotonya tidak bisa diunduh dari WhatsApp").await;
        }
    };
    let kind = match image::check(&bytes, super::orders::PROOF_LIMIT) {
        Ok(kind) => kind,
        Err(p) => return problem(ctx, m, &image_words(&p)).await,
    };
    let claimed = m.caption.as_deref().and_then(caption_amount);
    let upload = Upload { bytes, kind };
    if let [bill] = open.as_slice() {
        return file(ctx, m, bill, &titles, claimed, Stored::Fresh(upload)).await;
    }
    let hash = payments::proof_hash(&upload);
    let id = new_id();
    let key = ctx.media().put(&format!("payments/chat/{id}"), upload).await?;
    let ids: Vec<&str> = open.iter().map(|b| b.id.as_str()).collect();
    let now = ctx.now_iso();
    let bill_ids = serde_json::to_string(&ids)?;
    let new = NewChatProof {
        id: &id,
        sender: sender.as_str(),
        proof_key: &key,
        proof_hash: &hash,
        claimed,
        bill_ids: &bill_ids,
        now: &now,
    };
    chat_proofs::insert(&ctx.db, &new).await?;
    ask_which(ctx, m, &id, &open, &titles).await?;
    Ok("proof_choice")
}

/// One question: the bills by number (their trip and what each asks now),
/// with a button for each when there are at most three.
async fn ask_which(ctx: &Ctx, m: &Inbound, id: &str, open: &[BillRow], titles: &[Owing]) -> ApiResult<()> {
    let choices: Vec<(String, i64)> = open.iter().map(|b| (title_of(titles, &b.id), b.due().amount())).collect();
    let message = messages::proof_choice(&choices);
    let buttons: Vec<(String, String)> = match choices.len() <= 3 {
        true => choices
            .iter()
            .enumerate()
            .map(|(i, (t, _))| (format!("bukti:{id}:{}", i + 1), format!("{}. {t}", i + 1)))
            .collect(),
        false => vec![],
    };
    reply_with_buttons(ctx, m, "proof_choice", message, (None, None), &buttons).await
}

fn title_of(titles: &[Owing], bill: &str) -> String {
    titles.iter().find(|t| t.bill_id == bill).map_or_else(|| "Tagihan".into(), |t| t.trip_title.clone())
}

/// Her answer to the question: a button (`bukti:<id>:<n>`) or a typed number.
pub async fn chosen(
    ctx: &Ctx,
    m: &Inbound,
    sender: &Phone,
    id: Option<&str>,
    n: usize,
) -> ApiResult<Option<&'static str>> {
    let since = (ctx.now - Duration::hours(CHOICE_HOURS)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let Some(waiting) = chat_proofs::waiting(&ctx.db, sender.as_str(), id, &since).await? else {
        return Ok(None); // no photo waits: a typed number is just words
    };
    let Some(bill_id) = waiting.bills().get(n.wrapping_sub(1)).cloned() else {
        let again = format!("pilih nomor 1 sampai {}", waiting.bills().len());
        return problem(ctx, m, &again).await.map(Some);
    };
    let Some(bill) = bills::by_id(&ctx.db, &bill_id).await? else {
        return problem(ctx, m, "tagihan itu sudah tidak ada").await.map(Some);
    };
    if !chat_proofs::take(&ctx.db, &waiting.id, &ctx.now_iso()).await? {
        return Ok(Some("proof_taken"));
    }
    let stored = Stored::Kept { key: waiting.proof_key.clone(), hash: waiting.proof_hash.clone() };
    let titles = [Owing { bill_id: bill.id.clone(), trip_title: trip_title(ctx, &bill).await? }];
    file(ctx, m, &bill, &titles, waiting.claimed, stored).await.map(Some)
}

async fn trip_title(ctx: &Ctx, bill: &BillRow) -> ApiResult<String> {
    Ok(crate::store::trips::by_id_or_slug(&ctx.db, &bill.trip_id).await?.map_or_else(String::new, |t| t.title))
}

/// A proof just downloaded, or one kept while she chose.
enum Stored {
    Fresh(Upload),
    Kept { key: String, hash: String },
}

/// Files the proof on `bill` as a pending payment and says so, once.
async fn file(
    ctx: &Ctx,
    m: &Inbound,
    bill: &BillRow,
    titles: &[Owing],
    claimed: Option<i64>,
    proof: Stored,
) -> ApiResult<&'static str> {
    let amount = claimed.unwrap_or_else(|| bill.due().amount().max(1));
    let claim = Claim { amount };
    let made = match proof {
        Stored::Fresh(upload) => payments::create(ctx, bill, claim, upload).await,
        Stored::Kept { key, hash } => payments::create_stored(ctx, bill, claim, key, &hash).await,
    };
    match made {
        Ok(_) => {}
        Err(e) if e.status() < 500 => return problem(ctx, m, "tagihan ini sudah tidak menerima pembayaran").await,
        Err(e) => return Err(e),
    }
    let link = super::notify::bill_link(ctx, &bill.id)?;
    let words = messages::proof_received(&title_of(titles, &bill.id), amount, &link);
    reply(ctx, m, "proof_received", words, None, Some(&bill.participant_id)).await?;
    Ok("proof_filed")
}

async fn problem(ctx: &Ctx, m: &Inbound, why: &str) -> ApiResult<&'static str> {
    reply(ctx, m, "proof_problem", messages::proof_problem(why), None, None).await?;
    Ok("proof_refused")
}

fn image_words(p: &image::ImageProblem) -> String {
    match p {
        image::ImageProblem::Empty => "fotonya kosong".into(),
        image::ImageProblem::TooLarge { .. } => "ukurannya lebih dari 5 MB".into(),
        image::ImageProblem::NotAnImage => "bukan foto JPG, PNG atau WebP".into(),
        image::ImageProblem::TooManyPixels => format!("lebih dari {} piksel", image::MAX_SIDE),
    }
}

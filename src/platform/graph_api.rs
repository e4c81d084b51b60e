//! The WhatsApp Cloud API client: `POST {WA_API_BASE}/{WA_PHONE_ID}/messages`.

use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::config::WhatsApp;
use crate::domain::whatsapp::{classify_response, Outbound, SendOutcome};

pub async fn send(wa: &WhatsApp, token: &str, message: &Outbound) -> SendOutcome {
    let url = format!("{}/{}/messages", wa.api_base, wa.phone_id);
    let attempt = async {
        let headers = Headers::new();
        headers.set("authorization", &format!("Bearer {token}"))?;
        headers.set("content-type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(message.payload().to_string().into()));
        let request = Request::new_with_init(&url, &init)?;
        let mut response = Fetch::Request(request).send().await?;
        let status = response.status_code();
        let body = response.text().await.unwrap_or_default();
        Ok::<_, worker::Error>((status, body))
    };
    match attempt.await {
        Ok((status, body)) => classify_response(status, &body),
        Err(e) => SendOutcome::Transient(format!("network: {e}")),
    }
}

/// Why a photo from the chat could not be fetched.
#[derive(Debug, PartialEq)]
pub enum MediaProblem {
    /// Meta did not give it (expired, unknown id, an outage).
    Unavailable(String),
    TooLarge,
    NotAnImage,
}

/// A media id as Meta gives them (digits); anything else never reaches a URL.
fn safe_media_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

async fn get(url: &str, token: &str) -> Result<worker::Response, worker::Error> {
    let headers = Headers::new();
    headers.set("authorization", &format!("Bearer {token}"))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    Fetch::Request(Request::new_with_init(url, &init)?).send().await
}

/// Downloads an inbound image: `GET /{media-id}` answers its URL, type and
/// size; the bytes come from that URL (whatever its host, as Meta's
/// documentation says), with the same token. Refused before downloading
/// when Meta says it is not an image or larger than `max`.
pub async fn download_media(wa: &WhatsApp, token: &str, media_id: &str, max: usize) -> Result<Vec<u8>, MediaProblem> {
    if !safe_media_id(media_id) {
        return Err(MediaProblem::Unavailable("not a media id".into()));
    }
    let unavailable = |e: worker::Error| MediaProblem::Unavailable(e.to_string());
    let mut meta = get(&format!("{}/{media_id}", wa.api_base), token).await.map_err(unavailable)?;
    if meta.status_code() != 200 {
        return Err(MediaProblem::Unavailable(format!("media endpoint answered {}", meta.status_code())));
    }
    #[derive(serde::Deserialize)]
    struct Media {
        url: String,
        mime_type: Option<String>,
        file_size: Option<u64>,
    }
    let media: Media = meta.json().await.map_err(unavailable)?;
    if !matches!(media.mime_type.as_deref(), None | Some("image/jpeg" | "image/png" | "image/webp")) {
        return Err(MediaProblem::NotAnImage);
    }
    if media.file_size.is_some_and(|n| n > max as u64) {
        return Err(MediaProblem::TooLarge);
    }
    if !media.url.starts_with("https://") && !media.url.starts_with("http://") {
        return Err(MediaProblem::Unavailable("the media URL is not http(s)".into()));
    }
    let mut file = get(&media.url, token).await.map_err(unavailable)?;
    if file.status_code() != 200 {
        return Err(MediaProblem::Unavailable(format!("media download answered {}", file.status_code())));
    }
    let bytes = file.bytes().await.map_err(unavailable)?;
    match bytes.len() > max {
        true => Err(MediaProblem::TooLarge),
        false => Ok(bytes),
    }
}

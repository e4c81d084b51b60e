//! Images and payment proofs in R2: multipart uploads checked by their first
//! bytes and size, public images served back at `/media/<key>` with long cache
//! headers, private proofs only through the order routes.

use worker::{Bucket, FormData, FormEntry, HttpMetadata, Request, Response};

use super::app::App;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::ids::random_bytes;
use crate::domain::image::{self, ImageKind};

/// Prefixes of objects that are never served publicly.
const PRIVATE_PREFIXES: &[&str] = &["orders/"];

/// Room for the multipart framing and text fields around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

fn bucket(app: &App) -> ApiResult<Bucket> {
    app.env.bucket("BUCKET").map_err(|e| ApiError::internal(format!("R2 binding: {e}")))
}

pub fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Reads a `multipart/form-data` body whose file may be up to `max_file` bytes.
pub async fn form(req: &mut Request, max_file: usize) -> ApiResult<FormData> {
    if !is_multipart(req) {
        return Err(ApiError::unsupported_media("Send the image as multipart/form-data"));
    }
    super::body::refuse_declared_over(req, max_file + FORM_OVERHEAD)?;
    req.form_data()
        .await
        .map_err(|_| ApiError::bad_request("invalid_multipart", "The multipart body could not be read"))
}

/// The image in field `name` of a form, checked; `None` when the field is absent.
pub async fn image_field(form: &FormData, name: &str, max: usize) -> ApiResult<Option<(Vec<u8>, ImageKind)>> {
    match form.get(name) {
        None => Ok(None),
        Some(FormEntry::Field(_)) => Err(ApiError::field(name, "must be an image file")),
        Some(FormEntry::File(file)) => {
            if file.size() > max {
                return Err(ApiError::too_large(max));
            }
            let bytes = file.bytes().await.map_err(|e| ApiError::internal(format!("reading upload: {e}")))?;
            match image::check(&bytes, max) {
                Ok(kind) => Ok(Some((bytes, kind))),
                Err((413, _)) => Err(ApiError::too_large(max)),
                Err((415, message)) => Err(ApiError::unsupported_media(message)),
                Err((_, message)) => Err(ApiError::field(name, message)),
            }
        }
    }
}

/// The one image of an image-only upload (avatar, cover, proof): field `image`.
pub async fn required_image(req: &mut Request, max: usize) -> ApiResult<(Vec<u8>, ImageKind)> {
    let form = form(req, max).await?;
    image_field(&form, "image", max).await?.ok_or_else(|| ApiError::field("image", "is required"))
}

/// A fresh object key `dir/<uuid>.<ext>`.
pub fn new_key(dir: &str, kind: ImageKind) -> String {
    let b = random_bytes::<16>();
    let hex = crate::domain::encoding::hex(&b);
    format!(
        "{dir}/{}-{}-4{}-{}-{}.{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32],
        kind.extension()
    )
}

pub async fn put(app: &App, key: &str, bytes: Vec<u8>, kind: ImageKind) -> ApiResult<()> {
    bucket(app)?
        .put(key, bytes)
        .http_metadata(HttpMetadata { content_type: Some(kind.content_type().into()), ..Default::default() })
        .execute()
        .await
        .map_err(|e| ApiError::internal(format!("R2 put {key}: {e}")))?;
    Ok(())
}

/// Removes objects no longer referenced; a failure is logged, not raised,
/// because the database change it follows has already happened.
pub async fn delete_quietly(app: &App, keys: &[String]) {
    if keys.is_empty() {
        return;
    }
    let result = match bucket(app) {
        Ok(b) => b.delete_multiple(keys.iter().map(String::as_str).collect()).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(e) = result {
        worker::console_error!(
            "{}",
            serde_json::json!({"level": "error", "msg": "r2 delete failed", "keys": keys, "error": e})
        );
    }
}

pub fn public_url(app: &App, key: &str) -> String {
    format!("{}/media/{key}", app.config.public_base_url)
}

/// The key behind one of our public URLs (to delete a replaced image).
pub fn key_of_url(app: &App, url: &str) -> Option<String> {
    url.strip_prefix(&format!("{}/media/", app.config.public_base_url))
        .or_else(|| url.strip_prefix("/media/"))
        .filter(|k| image::is_safe_key(k))
        .map(String::from)
}

/// Streams an object with its type; `cache` is the Cache-Control to send.
pub async fn respond_object(app: &App, key: &str, cache: &str) -> ApiResult<Response> {
    let not_found = || ApiError::not_found("File");
    if !image::is_safe_key(key) {
        return Err(not_found());
    }
    let object = bucket(app)?.get(key).execute().await.map_err(|e| ApiError::internal(format!("R2 get: {e}")))?;
    let object = object.ok_or_else(not_found)?;
    let content_type = key
        .rsplit('.')
        .next()
        .and_then(ImageKind::from_extension)
        .map_or("application/octet-stream", ImageKind::content_type);
    let body = object.body().ok_or_else(not_found)?.response_body().map_err(|e| ApiError::internal(e.to_string()))?;
    let mut resp = Response::from_body(body).map_err(|e| ApiError::internal(e.to_string()))?;
    let headers = resp.headers_mut();
    for (k, v) in [
        ("content-type", content_type),
        ("cache-control", cache),
        ("x-content-type-options", "nosniff"),
        ("etag", &object.http_etag()),
    ] {
        headers.set(k, v).map_err(|e| ApiError::internal(e.to_string()))?;
    }
    Ok(resp)
}

/// `GET /media/<key>`: public images; private prefixes answer 404.
pub async fn serve_public(app: &App, key: &str) -> ApiResult<Response> {
    if PRIVATE_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return Err(ApiError::not_found("File"));
    }
    respond_object(app, key, "public, max-age=31536000, immutable").await
}

//! Images and payment proofs in R2. Keys are made here (`dir/<uuid>.<ext>`);
//! public images are addressed as `{PUBLIC_BASE_URL}/media/<key>`, proofs
//! (under `orders/`) are never public.

use worker::{Bucket, Env, HttpMetadata, Object};

use crate::domain::ids::random_bytes;
use crate::domain::image::{self, ImageKind};
use crate::error::{ApiError, ApiResult};

/// Prefixes of objects that are never served publicly.
pub const PRIVATE_PREFIXES: &[&str] = &["orders/"];

/// A checked image, ready to store.
pub struct Upload {
    pub bytes: Vec<u8>,
    pub kind: ImageKind,
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

/// The bucket and the address public images are served under; made by
/// `Ctx::media`.
pub struct Media<'a> {
    pub env: &'a Env,
    /// `PUBLIC_BASE_URL`.
    pub base: &'a str,
}

impl Media<'_> {
    fn bucket(&self) -> ApiResult<Bucket> {
        self.env.bucket("BUCKET").map_err(|e| ApiError::internal(format!("R2 binding: {e}")))
    }

    /// Stores `upload` under a new key in `dir`; answers the key.
    pub async fn put(&self, dir: &str, upload: Upload) -> ApiResult<String> {
        let key = new_key(dir, upload.kind);
        self.bucket()?
            .put(&key, upload.bytes)
            .http_metadata(HttpMetadata { content_type: Some(upload.kind.content_type().into()), ..Default::default() })
            .execute()
            .await
            .map_err(|e| ApiError::internal(format!("R2 put {key}: {e}")))?;
        Ok(key)
    }

    /// Removes objects no longer referenced; a failure is logged, not raised,
    /// because the database change it follows has already happened.
    pub async fn delete_quietly(&self, keys: &[String]) {
        if keys.is_empty() {
            return;
        }
        let result = match self.bucket() {
            Ok(b) => b.delete_multiple(keys.iter().map(String::as_str).collect()).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        // A public image's cached copy goes with it (this data centre's; see edge_cache).
        let urls: Vec<String> = keys.iter().map(|k| self.public_url(k)).collect();
        super::edge_cache::purge(&urls).await;
        if let Err(e) = result {
            worker::console_error!(
                "{}",
                serde_json::json!({"level": "error", "msg": "r2 delete failed", "keys": keys, "error": e})
            );
        }
    }

    /// An object and its content type; `None` for a key that is not ours or not there.
    pub async fn get(&self, key: &str) -> ApiResult<Option<(Object, &'static str)>> {
        if !image::is_safe_key(key) {
            return Ok(None);
        }
        let object = self.bucket()?.get(key).execute().await.map_err(|e| ApiError::internal(format!("R2 get: {e}")))?;
        let content_type = key
            .rsplit('.')
            .next()
            .and_then(ImageKind::from_extension)
            .map_or("application/octet-stream", ImageKind::content_type);
        Ok(object.map(|o| (o, content_type)))
    }

    pub fn public_url(&self, key: &str) -> String {
        format!("{}/media/{key}", self.base)
    }

    /// The key behind one of our public URLs (to delete a replaced image).
    pub fn key_of_url(&self, url: &str) -> Option<String> {
        url.strip_prefix(&format!("{}/media/", self.base))
            .or_else(|| url.strip_prefix("/media/"))
            .filter(|k| image::is_safe_key(k))
            .map(String::from)
    }
}

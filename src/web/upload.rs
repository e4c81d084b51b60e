//! Multipart uploads: the image of a form, checked by its first bytes and
//! size before anything is stored.

use worker::js_sys::Uint8Array;
use worker::{FormData, FormEntry, Headers, Method, Request, RequestInit};

use crate::domain::image;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::platform::r2::Upload;

/// Room for the multipart framing and text fields around the file.
const FORM_OVERHEAD: usize = 64 * 1024;

pub fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get("content-type")
        .ok()
        .flatten()
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Reads a `multipart/form-data` body whose file may be up to `max_file`
/// bytes and whose fields are all in `allowed` (anything else is refused by
/// name, like an unknown JSON field).
pub async fn form(req: &mut Request, max_file: usize, allowed: &[&str]) -> ApiResult<FormData> {
    let form = read_form(req, max_file).await?;
    let (form, names) = field_names(form)?;
    let mut fields = crate::error::FieldErrors::new();
    for name in names.into_iter().filter(|n| !allowed.contains(&n.as_str())) {
        fields.insert(name, "is not a field that can be set here".into());
    }
    if fields.is_empty() {
        Ok(form)
    } else {
        Err(ApiError::validation(fields))
    }
}

/// The names of a form's fields (web FormData's `keys()`, which workers-rs does not wrap).
fn field_names(form: FormData) -> ApiResult<(FormData, Vec<String>)> {
    use worker::js_sys::{try_iter, Function, Reflect};
    use worker::wasm_bindgen::{JsCast, JsValue};
    let js: JsValue = form.into();
    let unreadable = || ApiError::new(ErrorCode::InvalidMultipart, "The multipart body could not be read");
    let keys: Function =
        Reflect::get(&js, &"keys".into()).map_err(|_| unreadable())?.dyn_into().map_err(|_| unreadable())?;
    let iter = keys.call0(&js).map_err(|_| unreadable())?;
    let mut names = Vec::new();
    for key in try_iter(&iter).map_err(|_| unreadable())?.ok_or_else(unreadable)? {
        let name = key.map_err(|_| unreadable())?.as_string().unwrap_or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok((FormData::from(js), names))
}

async fn read_form(req: &mut Request, max_file: usize) -> ApiResult<FormData> {
    if !is_multipart(req) {
        return Err(ApiError::unsupported_media("Send the image as multipart/form-data"));
    }
    // Read within the limit first (a chunked body has no Content-Length to
    // refuse up front), then let the runtime parse the bytes already held.
    let bytes = super::body::bytes(req, max_file + FORM_OVERHEAD).await?;
    let headers = Headers::new();
    headers.set("content-type", &req.headers().get("content-type")?.unwrap_or_default())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(Uint8Array::from(bytes.as_slice()).into()));
    let mut buffered = Request::new_with_init("http://local/upload", &init)?;
    buffered
        .form_data()
        .await
        .map_err(|_| ApiError::new(ErrorCode::InvalidMultipart, "The multipart body could not be read"))
}

/// The image in field `name` of a form, checked; `None` when the field is absent.
pub async fn image_field(form: &FormData, name: &str, max: usize) -> ApiResult<Option<Upload>> {
    match form.get(name) {
        None => Ok(None),
        Some(FormEntry::Field(_)) => Err(ApiError::field(name, "must be an image file")),
        Some(FormEntry::File(file)) => {
            if file.size() > max {
                return Err(ApiError::too_large(max));
            }
            let bytes = file.bytes().await.map_err(|e| ApiError::internal(format!("reading upload: {e}")))?;
            let kind = image::check(&bytes, max).map_err(|p| ApiError::from((name, p)))?;
            Ok(Some(Upload { bytes, kind }))
        }
    }
}

/// The one image of an image-only upload (avatar, cover, proof): field `image`.
pub async fn required_image(req: &mut Request, max: usize) -> ApiResult<Upload> {
    let form = form(req, max, &["image"]).await?;
    image_field(&form, "image", max).await?.ok_or_else(|| ApiError::field("image", "is required"))
}

/// A multipart form's text fields named in `names` as the map a JSON body
/// gives, so one form type reads both kinds of body; the fields in `numeric`
/// holding whole numbers are sent as numbers.
pub fn text_fields(form: &FormData, names: &[&str], numeric: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    for name in names {
        if let Some(FormEntry::Field(v)) = form.get(name) {
            let value = match v.trim().parse::<i64>() {
                Ok(n) if numeric.contains(name) => serde_json::Value::from(n),
                _ => serde_json::Value::from(v),
            };
            map.insert((*name).to_string(), value);
        }
    }
    map
}

/// One text field of a multipart form ("" when absent).
pub fn text_field(form: &FormData, name: &str) -> String {
    match form.get(name) {
        Some(FormEntry::Field(v)) => v,
        _ => String::new(),
    }
}

/// Whether the form's file field was left empty (a browser sends an empty,
/// unnamed file for a file input nobody chose a file in).
pub fn file_is_empty(form: &FormData, name: &str) -> bool {
    match form.get(name) {
        Some(FormEntry::File(f)) => f.size() == 0,
        _ => true,
    }
}

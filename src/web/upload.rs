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

/// The most parts a form may have: every form here has fewer than 20 fields.
const MAX_PARTS: usize = 32;
/// The longest field name: every real one is far shorter.
const MAX_NAME: usize = 64;
/// How many refused field names an error lists.
const MAX_REPORTED: usize = 5;

/// Reads a `multipart/form-data` body whose file may be up to `max_file`
/// bytes and whose fields are all in `allowed` (anything else is refused by
/// name, like an unknown JSON field). At most `MAX_PARTS` parts with names
/// of at most `MAX_NAME` bytes are looked at: a form of 90,000 fields is
/// refused after 33, in one linear pass, with an error of bounded size.
pub async fn form(req: &mut Request, max_file: usize, allowed: &[&str]) -> ApiResult<FormData> {
    let form = read_form(req, max_file).await?;
    let (form, names) = field_names(form)?;
    let refused = refused_names(&names, allowed)?;
    if refused.is_empty() {
        Ok(form)
    } else {
        Err(ApiError::validation(refused))
    }
}

/// The names not in `allowed`, at most `MAX_REPORTED` of them (a long name
/// shown by its start); 400 for too many parts or a name too long.
fn refused_names(names: &[String], allowed: &[&str]) -> ApiResult<crate::error::FieldErrors> {
    if names.len() > MAX_PARTS {
        return Err(ApiError::new(ErrorCode::InvalidMultipart, format!("A form has at most {MAX_PARTS} fields")));
    }
    let mut fields = crate::error::FieldErrors::new();
    for name in names {
        if name.len() > MAX_NAME {
            let start: String = name.chars().take(20).collect();
            return Err(ApiError::field(
                &format!("{start}…"),
                format!("field names have at most {MAX_NAME} characters"),
            ));
        }
        if !allowed.contains(&name.as_str()) && fields.len() < MAX_REPORTED {
            fields.insert(name.clone(), "is not a field that can be set here".into());
        }
    }
    Ok(fields)
}

/// The names of a form's fields (web FormData's `keys()`, which workers-rs
/// does not wrap), in order, repeats included; reading stops one past
/// `MAX_PARTS`.
fn field_names(form: FormData) -> ApiResult<(FormData, Vec<String>)> {
    use worker::js_sys::{try_iter, Function, Reflect};
    use worker::wasm_bindgen::{JsCast, JsValue};
    let js: JsValue = form.into();
    let unreadable = || ApiError::new(ErrorCode::InvalidMultipart, "The multipart body could not be read");
    let keys: Function =
        Reflect::get(&js, &"keys".into()).map_err(|_| unreadable())?.dyn_into().map_err(|_| unreadable())?;
    let iter = keys.call0(&js).map_err(|_| unreadable())?;
    let mut names = Vec::new();
    for key in try_iter(&iter).map_err(|_| unreadable())?.ok_or_else(unreadable)?.take(MAX_PARTS + 1) {
        names.push(key.map_err(|_| unreadable())?.as_string().unwrap_or_default());
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

/// The image a form's file input holds, or `None` when nobody chose one (a
/// browser sends an empty file for an input left empty).
pub async fn chosen_image(form: &FormData, name: &str, max: usize) -> ApiResult<Option<Upload>> {
    match image_field(form, name, max).await {
        Err(e) if e.fields.contains_key(name) && file_is_empty(form, name) => Ok(None),
        other => other,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn allowed_names_pass_and_repeats_are_fine() {
        assert!(refused_names(&names(&["image", "amount", "image"]), &["image", "amount"]).unwrap().is_empty());
    }

    #[test]
    fn unknown_names_are_refused_by_name_at_most_five() {
        let many: Vec<String> = (0..30).map(|i| format!("x{i}")).collect();
        let refused = refused_names(&many, &["image"]).unwrap();
        assert_eq!(refused.len(), MAX_REPORTED);
        assert!(refused.contains_key("x0"));
    }

    #[test]
    fn too_many_parts_or_a_long_name_is_one_short_error() {
        let many: Vec<String> = (0..=MAX_PARTS).map(|i| format!("x{i}")).collect();
        let e = refused_names(&many, &["image"]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidMultipart);
        let long = refused_names(&names(&[&"n".repeat(10_000)]), &["image"]).unwrap_err();
        assert!(long.to_json().to_string().len() < 300, "{}", long.to_json());
    }
}

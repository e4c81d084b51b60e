//! Uploaded images: recognised by their first bytes, never by the declared type.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
}

impl ImageKind {
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(ImageKind::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
            ImageKind::Webp => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }

    pub fn from_extension(ext: &str) -> Option<ImageKind> {
        match ext {
            "jpg" => Some(ImageKind::Jpeg),
            "png" => Some(ImageKind::Png),
            "webp" => Some(ImageKind::Webp),
            _ => None,
        }
    }
}

/// Upload size limits.
pub const PRODUCT_MAX: usize = 5 * 1024 * 1024;
pub const COVER_MAX: usize = 5 * 1024 * 1024;
pub const AVATAR_MAX: usize = 2 * 1024 * 1024;
pub const PROOF_MAX: usize = 5 * 1024 * 1024;

/// Why an upload is not an acceptable image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageProblem {
    Empty,
    TooLarge {
        max: usize,
    },
    NotAnImage,
    /// Wider or taller than `MAX_SIDE` pixels, or dimensions that cannot be read.
    TooManyPixels,
}

/// The longest side an uploaded image may have (the dashboard resizes photos
/// to 1600 px before uploading; a larger one only costs storage and bandwidth).
pub const MAX_SIDE: u32 = 4096;

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageProblem::Empty => f.write_str("The image file is empty"),
            ImageProblem::TooLarge { max } => write!(f, "The image is larger than {} MB", max / (1024 * 1024)),
            ImageProblem::NotAnImage => f.write_str("The image must be a JPEG, PNG or WebP file"),
            ImageProblem::TooManyPixels => write!(f, "The image must be at most {MAX_SIDE} pixels on each side"),
        }
    }
}

/// Checks an upload: not empty, within `max`, and a JPEG, PNG or WebP.
pub fn check(bytes: &[u8], max: usize) -> Result<ImageKind, ImageProblem> {
    if bytes.is_empty() {
        return Err(ImageProblem::Empty);
    }
    if bytes.len() > max {
        return Err(ImageProblem::TooLarge { max });
    }
    let kind = ImageKind::sniff(bytes).ok_or(ImageProblem::NotAnImage)?;
    match dimensions(kind, bytes) {
        Some((w, h)) if w > 0 && h > 0 && w <= MAX_SIDE && h <= MAX_SIDE => Ok(kind),
        _ => Err(ImageProblem::TooManyPixels),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?)))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let x = b.get(at..at + 3)?;
    Some(u32::from(x[0]) | u32::from(x[1]) << 8 | u32::from(x[2]) << 16)
}

/// Width and height from the file's header, without decoding it.
pub fn dimensions(kind: ImageKind, b: &[u8]) -> Option<(u32, u32)> {
    match kind {
        // IHDR is the first chunk: width and height as big-endian u32.
        ImageKind::Png => {
            let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
            Some((w, h))
        }
        ImageKind::Jpeg => jpeg_dimensions(b),
        ImageKind::Webp => match b.get(12..16)? {
            b"VP8 " => Some((le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF)),
            b"VP8L" => {
                let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
            _ => None,
        },
    }
}

/// Walks the JPEG markers to the first start-of-frame (SOF0–SOF15 but DHT,
/// JPG and DAC), which holds height then width.
fn jpeg_dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        while *b.get(at)? != 0xFF {
            at += 1;
        }
        while *b.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *b.get(at)?;
        at += 1;
        if matches!(marker, 0xD8 | 0x01 | 0xD0..=0xD7) {
            continue; // no length
        }
        let len = be16(b, at)? as usize;
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return Some((be16(b, at + 5)?, be16(b, at + 3)?));
        }
        if len < 2 {
            return None;
        }
        at += len;
    }
}

/// A stored key is one of ours and safe to serve: `dir/…/name.ext`, no `..`.
pub fn is_safe_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 200
        && !key.contains("..")
        && !key.starts_with('/')
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod dimension_tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        b.extend_from_slice(b"IHDR");
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 2, 0, 0, 0]);
        b
    }

    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        // SOI, an APP0 segment of 16 bytes, then SOF0.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        b.extend_from_slice(&[0; 14]);
        b.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[3; 10]);
        b
    }

    #[test]
    fn reads_png_and_jpeg_sizes() {
        assert_eq!(dimensions(ImageKind::Png, &png(4000, 3000)), Some((4000, 3000)));
        assert_eq!(dimensions(ImageKind::Jpeg, &jpeg(1600, 1200)), Some((1600, 1200)));
    }

    #[test]
    fn refuses_more_than_4096_pixels_a_side() {
        assert_eq!(check(&png(4096, 4096), PRODUCT_MAX), Ok(ImageKind::Png));
        assert_eq!(check(&png(4097, 10), PRODUCT_MAX), Err(ImageProblem::TooManyPixels));
        assert_eq!(check(&jpeg(10, 5000), PRODUCT_MAX), Err(ImageProblem::TooManyPixels));
        assert_eq!(check(&jpeg(1600, 1200), PRODUCT_MAX), Ok(ImageKind::Jpeg));
    }

    #[test]
    fn a_truncated_header_is_refused_not_a_panic() {
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1], PRODUCT_MAX), Err(ImageProblem::TooManyPixels));
        assert_eq!(check(&png(10, 10)[..18], PRODUCT_MAX), Err(ImageProblem::TooManyPixels));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_three_formats_by_magic_bytes() {
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(ImageKind::sniff(b"GIF89a"), None);
        assert_eq!(ImageKind::sniff(b"<svg xmlns"), None);
        assert_eq!(ImageKind::sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn check_reports_empty_large_and_wrong_type() {
        assert_eq!(check(b"", 10), Err(ImageProblem::Empty));
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0], 10), Err(ImageProblem::TooLarge { max: 10 }));
        assert_eq!(check(b"%PDF-1.4", 100), Err(ImageProblem::NotAnImage));
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 1], 100), Err(ImageProblem::TooManyPixels), "no readable size");
    }

    #[test]
    fn only_plain_keys_are_safe() {
        assert!(is_safe_key("products/jpn25/ab12.jpg"));
        assert!(!is_safe_key("../secrets"));
        assert!(!is_safe_key("/etc/passwd"));
        assert!(!is_safe_key("products/a b.jpg"));
        assert!(!is_safe_key(""));
    }
}

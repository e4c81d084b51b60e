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
    TooLarge { max: usize },
    NotAnImage,
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageProblem::Empty => f.write_str("The image file is empty"),
            ImageProblem::TooLarge { max } => write!(f, "The image is larger than {} MB", max / (1024 * 1024)),
            ImageProblem::NotAnImage => f.write_str("The image must be a JPEG, PNG or WebP file"),
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
    ImageKind::sniff(bytes).ok_or(ImageProblem::NotAnImage)
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
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 1], 100), Ok(ImageKind::Jpeg));
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

//! Reading images for `/image`: the type comes from the file's first bytes (PNG, JPEG, WebP,
//! GIF), never its name. An image whose longer side is over `MAX_SIDE` pixels, or whose file
//! is over `MAX_BYTES`, is downscaled (the `image` crate) to `MAX_SIDE` and encoded again
//! (JPEG stays JPEG, the others become PNG): Kimi bills an image at a flat 1,024 tokens, so
//! more pixels only make the request bigger and slower.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "io is the edge: it reads files"
)]

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use sha2::Digest as _;

use crate::api::Image;

/// The longest side sent, in pixels.
pub const MAX_SIDE: u32 = 2048;
/// The largest file sent as it is.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The largest file read at all.
pub const MAX_FILE: u64 = 50 * 1024 * 1024;

/// Reads each of `paths` (`~/` is the home directory; relative paths are from `cwd`).
pub fn read(paths: &[String], cwd: &Path, home: Option<&Path>) -> Vec<Result<Image, String>> {
    paths
        .iter()
        .map(|shown| read_one(&super::attach::resolve(shown, cwd, home), shown))
        .collect()
}

fn read_one(path: &Path, shown: &str) -> Result<Image, String> {
    let name = path
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    let meta =
        std::fs::metadata(path).map_err(|e| format!("{shown}: {}", super::attach::reason(&e)))?;
    if meta.is_dir() {
        return Err(format!("{shown} is a directory."));
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "{shown} is {}: images up to 50 MB are read.",
            crate::text::plain::size_label(usize::try_from(meta.len()).unwrap_or(usize::MAX))
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("{shown}: {}", super::attach::reason(&e)))?;
    from_bytes(&name, bytes).map_err(|why| format!("{shown}: {why}"))
}

/// What kind of image the bytes are, by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<(image::ImageFormat, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some((image::ImageFormat::Png, "image/png"))
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some((image::ImageFormat::Jpeg, "image/jpeg"))
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some((image::ImageFormat::Gif, "image/gif"))
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some((image::ImageFormat::WebP, "image/webp"))
    } else {
        None
    }
}

/// An image from raw RGBA pixels (the clipboard's), as a PNG, downscaled if it must be.
pub fn from_rgba(name: &str, width: usize, height: usize, rgba: Vec<u8>) -> Result<Image, String> {
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Err("the image is too large.".into());
    };
    let Some(pixels) = image::RgbaImage::from_raw(w, h, rgba) else {
        return Err("the clipboard's image is not whole.".into());
    };
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(pixels)
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| format!("the image could not be encoded ({e})."))?;
    from_bytes(name, out.into_inner())
}

/// An image from a file's bytes: sniffed, measured, downscaled if it must be.
pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Image, String> {
    let Some((format, mime)) = sniff(&bytes) else {
        return Err("not a PNG, JPEG, WebP or GIF image.".into());
    };
    let reader = image::ImageReader::with_format(Cursor::new(bytes.as_slice()), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| format!("the image cannot be read ({e})."))?;
    if width == 0 || height == 0 {
        return Err("the image has no pixels.".into());
    }
    if width.max(height) <= MAX_SIDE && bytes.len() <= MAX_BYTES {
        return Ok(image(name, mime, (width, height), (width, height), bytes));
    }
    let decoded = image::load_from_memory_with_format(&bytes, format)
        .map_err(|e| format!("the image cannot be read ({e})."))?;
    let smaller = if width.max(height) > MAX_SIDE {
        decoded.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        decoded
    };
    let mut out = Cursor::new(Vec::new());
    let (mime, written) = if format == image::ImageFormat::Jpeg {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
        ("image/jpeg", smaller.to_rgb8().write_with_encoder(encoder))
    } else {
        (
            "image/png",
            smaller.write_to(&mut out, image::ImageFormat::Png),
        )
    };
    written.map_err(|e| format!("the image could not be made smaller ({e})."))?;
    Ok(image(
        name,
        mime,
        (smaller.width(), smaller.height()),
        (width, height),
        out.into_inner(),
    ))
}

fn image(name: &str, mime: &str, size: (u32, u32), original: (u32, u32), data: Vec<u8>) -> Image {
    let hash = sha2::Sha256::digest(&data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Image {
        name: name.to_string(),
        mime: mime.to_string(),
        width: size.0,
        height: size.1,
        original_width: original.0,
        original_height: original.1,
        hash,
        data: Arc::new(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(width, height)
            .write_to(&mut out, image::ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    #[test]
    fn the_type_comes_from_the_bytes_and_large_images_are_made_smaller() {
        let small = from_bytes("shot.jpg", png(40, 30)).expect("png");
        assert_eq!(small.mime, "image/png", "sniffed, not named");
        assert_eq!((small.width, small.height), (40, 30));
        assert!(!small.downscaled());
        assert_eq!(small.hash.len(), 64);
        let big = from_bytes("wide.png", png(4096, 1024)).expect("big");
        assert_eq!((big.width, big.height), (2048, 512));
        assert_eq!((big.original_width, big.original_height), (4096, 1024));
        assert!(big.downscaled());
        assert_eq!(sniff(&big.data).map(|(_, m)| m), Some("image/png"));
        let url = small.data_url();
        assert!(url.starts_with("data:image/png;base64,iVBOR"), "{url:.40}");
        let err = from_bytes("a.txt", b"hello".to_vec()).expect_err("text");
        assert!(err.contains("not a PNG, JPEG, WebP or GIF"), "{err}");
        let err = from_bytes("cut.png", png(10, 10)[..20].to_vec()).expect_err("cut");
        assert!(err.contains("cannot be read"), "{err}");
        assert!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").is_some());
        // The clipboard's pixels become a PNG; pixels that do not fill the size are refused.
        let pasted = from_rgba("clipboard.png", 3, 2, vec![255; 3 * 2 * 4]).expect("rgba");
        assert_eq!(
            (pasted.mime.as_str(), pasted.width, pasted.height),
            ("image/png", 3, 2)
        );
        assert!(from_rgba("c.png", 3, 2, vec![0; 5]).is_err());
        assert!(sniff(b"RIFF\0\0\0\0WAVEfmt ").is_none());
    }
}

//! The photo pipeline: judge the format by its bytes, bound the pixel count
//! from the header before decoding, read EXIF hints, decode, apply the EXIF
//! orientation, cap the long edge, re-encode (which drops every metadata
//! block) and write a thumbnail. CPU-bound: run it off the async runtime.
//! JPEG, nearly every phone photo, has a fast path of its own (`jpeg.rs`).

mod jpeg;
pub mod redact;

use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage, metadata::Orientation};
use std::io::Cursor;

#[derive(Debug, Clone)]
pub struct PipelineLimits {
    pub max_pixels: u64,
    pub max_edge: u32,
    pub thumb_edge: u32,
    pub jpeg_quality: u8,
}

/// EXIF facts kept as private hints for staff.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExifHints {
    /// `DateTimeOriginal` as the camera wrote it (local time, no zone).
    pub taken_at: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

#[derive(Debug)]
pub struct Processed {
    /// The stored image: JPEG, oriented, capped, without metadata.
    pub full: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub original_format: &'static str,
    pub exif: ExifHints,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PipelineError {
    #[error(
        "HEIC/HEIF photos are not accepted: set the camera to 'Most Compatible' or upload JPEG, PNG or WebP"
    )]
    Heic,
    #[error("unsupported image format: upload JPEG, PNG or WebP")]
    Unsupported,
    #[error("image is {width}×{height} pixels; at most {max} pixels are accepted")]
    TooManyPixels { width: u32, height: u32, max: u64 },
    #[error("the image could not be decoded: {0}")]
    Corrupt(String),
    #[error("the JPEG has {scans} scans; at most {max} are accepted (a photo has about 10)")]
    TooManyScans { scans: u32, max: u32 },
    #[error(
        "decoding this image would take {needs} bytes, more than this server decodes at once ({budget}); send it as an 8-bit JPEG"
    )]
    TooCostly { needs: u64, budget: u64 },
    #[error("the image took longer than {0} s to decode")]
    TooSlow(u64),
}

/// What decoding an upload would hold in memory, from its header alone:
/// refused here when it has too many pixels or (a JPEG) too many scans.
pub fn decode_cost(bytes: &[u8], max_pixels: u64, max_scans: u32) -> Result<u64, PipelineError> {
    let (format, _) = sniff(bytes)?;
    let (w, h) = dimensions(bytes, format)?;
    check_pixels(w, h, max_pixels)?;
    let px = u64::from(w) * u64::from(h);
    Ok(match format {
        ImageFormat::Jpeg => {
            let (scans, progressive) = jpeg::scans(bytes);
            if scans > max_scans {
                return Err(PipelineError::TooManyScans {
                    scans,
                    max: max_scans,
                });
            }
            // A progressive JPEG keeps every coefficient (2 bytes per
            // sample) until its last scan; the output is RGB.
            px * 3 + if progressive { px * 3 * 2 } else { 0 }
        }
        ImageFormat::Png => {
            // IHDR: bit depth at 24, colour type at 25.
            let depth = u64::from(bytes.get(24).copied().unwrap_or(8)).max(8) / 8;
            let channels = match bytes.get(25) {
                Some(0) => 1,
                Some(4) => 2,
                Some(2) => 3,
                _ => 4,
            };
            // Decoded at its depth, then copied to RGBA and RGB.
            px * (channels * depth + 4 + 3)
        }
        _ => px * (4 + 3),
    })
}

/// Judges the format from the first bytes, never from a name or declared type.
pub fn sniff(bytes: &[u8]) -> Result<(ImageFormat, &'static str), PipelineError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok((ImageFormat::Jpeg, "jpeg"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok((ImageFormat::Png, "png"));
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok((ImageFormat::WebP, "webp"));
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        if [
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            return Err(PipelineError::Heic);
        }
    }
    Err(PipelineError::Unsupported)
}

/// Reads width and height from the header alone (for a JPEG through
/// libjpeg, which reads it in place: the `image` crate's JPEG decoder first
/// copies the whole file).
pub fn dimensions(bytes: &[u8], format: ImageFormat) -> Result<(u32, u32), PipelineError> {
    if format == ImageFormat::Jpeg {
        return jpeg::dimensions(bytes);
    }
    ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| PipelineError::Corrupt(e.to_string()))
}

fn read_exif(bytes: &[u8]) -> (Option<u8>, ExifHints) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return (None, ExifHints::default());
    };
    use exif::{In, Tag, Value};
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok());
    let taken_at = exif
        .get_field(Tag::DateTimeOriginal, In::PRIMARY)
        .or_else(|| exif.get_field(Tag::DateTime, In::PRIMARY))
        .map(|f| f.display_value().to_string());
    let coord = |tag: Tag, ref_tag: Tag, neg: &str| -> Option<f64> {
        let f = exif.get_field(tag, In::PRIMARY)?;
        let Value::Rational(ref v) = f.value else {
            return None;
        };
        if v.len() < 3 {
            return None;
        }
        let deg = v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0;
        let r = exif
            .get_field(ref_tag, In::PRIMARY)?
            .display_value()
            .to_string();
        let val = if r.contains(neg) { -deg } else { deg };
        val.is_finite().then_some(val)
    };
    let lat = coord(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S");
    let lng = coord(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W");
    (
        orientation,
        ExifHints {
            taken_at,
            lat: lat.filter(|v| (-90.0..=90.0).contains(v)),
            lng: lng.filter(|v| (-180.0..=180.0).contains(v)),
        },
    )
}

fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, PipelineError> {
    let (w, h) = img.dimensions();
    let too_big = || PipelineError::Corrupt("image too large to encode".into());
    let mut out = Vec::with_capacity(img.as_raw().len() / 8);
    // jpeg-encoder writes no EXIF, XMP, ICC or comment segments unless asked.
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(
            img.as_raw(),
            u16::try_from(w).map_err(|_| too_big())?,
            u16::try_from(h).map_err(|_| too_big())?,
            jpeg_encoder::ColorType::Rgb,
        )
        .map_err(|e| PipelineError::Corrupt(e.to_string()))?;
    Ok(out)
}

/// Refuses an image whose header names more than `max_pixels` pixels.
pub fn check_pixels(w: u32, h: u32, max_pixels: u64) -> Result<(), PipelineError> {
    if u64::from(w) * u64::from(h) > max_pixels {
        return Err(PipelineError::TooManyPixels {
            width: w,
            height: h,
            max: max_pixels,
        });
    }
    Ok(())
}

fn decode_general(
    bytes: &[u8],
    format: ImageFormat,
    w: u32,
    h: u32,
    max_pixels: u64,
) -> Result<DynamicImage, PipelineError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut lim = Limits::default();
    lim.max_image_width = Some(w);
    lim.max_image_height = Some(h);
    lim.max_alloc = Some(max_pixels * 4 + (64 << 20));
    reader.limits(lim);
    reader
        .decode()
        .map_err(|e| PipelineError::Corrupt(e.to_string()))
}

/// Flattens transparency onto white (photos are stored as JPEG).
fn to_rgb(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut rgb = RgbImage::new(w, h);
    for (dst, src) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(src[3]);
        for c in 0..3 {
            let v = (u16::from(src[c]) * a + 255 * (255 - a)) / 255;
            dst[c] = u8::try_from(v).unwrap_or(255);
        }
    }
    rgb
}

fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= edge {
        return (w, h);
    }
    let scale = f64::from(edge) / f64::from(long);
    let nw = (f64::from(w) * scale).round().max(1.0);
    let nh = (f64::from(h) * scale).round().max(1.0);
    // Both are ≤ edge, which fits in u32.
    (nw as u32, nh as u32)
}

/// SIMD convolution resize (Catmull-Rom), for the long-edge cap and the thumbnail.
fn resize(src: &RgbImage, w: u32, h: u32) -> Result<RgbImage, PipelineError> {
    if src.dimensions() == (w, h) {
        return Ok(src.clone());
    }
    let mut dst = RgbImage::new(w, h);
    let options = fast_image_resize::ResizeOptions::new().resize_alg(
        fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::CatmullRom),
    );
    fast_image_resize::Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| PipelineError::Corrupt(e.to_string()))?;
    Ok(dst)
}

/// Runs the whole pipeline on an upload.
pub fn process(bytes: &[u8], limits: &PipelineLimits) -> Result<Processed, PipelineError> {
    let (format, name) = sniff(bytes)?;
    let (orientation, exif) = read_exif(bytes);
    let orientation = orientation.and_then(Orientation::from_exif);
    let (decoded, turned) = if format == ImageFormat::Jpeg {
        jpeg::decode(bytes, limits, orientation)?
    } else {
        (None, false)
    };
    let img = match decoded {
        Some(img) => img,
        None => {
            let (w, h) = dimensions(bytes, format)?;
            check_pixels(w, h, limits.max_pixels)?;
            decode_general(bytes, format, w, h, limits.max_pixels)?
        }
    };

    // Shrink before rotating: cheaper, and the cap is on the long edge either way.
    let mut rgb = to_rgb(img);
    let (fw, fh) = fit(rgb.width(), rgb.height(), limits.max_edge);
    if (fw, fh) != rgb.dimensions() {
        rgb = resize(&rgb, fw, fh)?;
    }
    if let Some(o) = orientation.filter(|_| !turned) {
        let mut img = DynamicImage::ImageRgb8(rgb);
        img.apply_orientation(o);
        rgb = img.into_rgb8();
    }
    let (tw, th) = fit(rgb.width(), rgb.height(), limits.thumb_edge);
    let thumb_img = resize(&rgb, tw, th)?;
    Ok(Processed {
        full: encode_jpeg(&rgb, limits.jpeg_quality)?,
        width: rgb.width(),
        height: rgb.height(),
        thumb: encode_jpeg(&thumb_img, 80)?,
        original_format: name,
        exif,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_judged_by_their_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest").map(|f| f.1), Ok("jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxxxx").map(|f| f.1), Ok("png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|f| f.1), Ok("webp"));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Err(PipelineError::Heic)
        );
        assert_eq!(sniff(b"GIF89a......"), Err(PipelineError::Unsupported));
    }

    #[test]
    fn fit_caps_the_long_edge_keeping_the_ratio() {
        assert_eq!(fit(4032, 3024, 2048), (2048, 1536));
        assert_eq!(fit(3024, 4032, 480), (360, 480));
        assert_eq!(fit(100, 50, 2048), (100, 50));
    }
}

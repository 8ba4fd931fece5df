//! The JPEG fast path: libjpeg-turbo's decoder as MozJPEG ships it (built
//! from C by cargo, like SQLite), reading the header in place, decoding a
//! large photo straight to about the stored size in the DCT domain, and
//! turning a phone's portrait photo (EXIF orientation 6 or 8) while its rows
//! come out of the decoder, so that the turn costs no pass of its own.

use super::{PipelineError, PipelineLimits, check_pixels};
use image::{DynamicImage, GrayImage, RgbImage, metadata::Orientation};
use mozjpeg::decompress::DecompressStarted;

/// Rows decoded at a time before they are turned: 16 rows of a 2016-pixel
/// photo are 94.5 KiB, which stay in cache while their columns are copied.
const STRIP: usize = 16;

fn io(e: std::io::Error) -> PipelineError {
    PipelineError::Corrupt(e.to_string())
}

/// What MozJPEG's error manager puts before libjpeg's message.
const FATAL: &str = "libjpeg fatal error: ";

/// Runs libjpeg work, which reports a fatal error by unwinding out of the
/// decoder (MozJPEG's error manager, without the panic hook): caught here
/// and turned into `Corrupt`. Any other panic is a bug of ours and goes on
/// unwinding (a 500, not the client's fault).
fn unwound<T>(work: impl FnOnce() -> Result<T, PipelineError>) -> Result<T, PipelineError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|cause| {
        let Some(message) = cause
            .downcast_ref::<String>()
            .and_then(|m| m.strip_prefix(FATAL))
        else {
            std::panic::resume_unwind(cause)
        };
        // The only read error `Whole` gives is running out of bytes.
        let message = if message.contains("Input file read error") {
            "the photo's data ends before the picture does (the file is cut short)"
        } else {
            message
        };
        Err(PipelineError::Corrupt(message.to_owned()))
    })
}

/// A photo's bytes as libjpeg reads them, where running out of bytes is an
/// error: libjpeg's own source only warns and pads the missing rows with
/// grey, so a photo cut short would be accepted. (A whole JPEG ends with
/// its end-of-image marker, after which libjpeg reads nothing.)
struct Whole<'a>(&'a [u8]);

impl std::io::Read for Whole<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::BufRead for Whole<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.0.is_empty() {
            return Err(std::io::Error::other(
                "the JPEG ends before its end-of-image marker",
            ));
        }
        Ok(self.0)
    }

    fn consume(&mut self, n: usize) {
        self.0 = &self.0[n.min(self.0.len())..];
    }
}

fn open(bytes: &[u8]) -> Result<mozjpeg::Decompress<Whole<'_>>, PipelineError> {
    mozjpeg::Decompress::builder()
        .from_reader(Whole(bytes))
        .map_err(io)
}

fn size<R>(d: &mozjpeg::Decompress<R>) -> Result<(u32, u32), PipelineError> {
    match (u32::try_from(d.width()), u32::try_from(d.height())) {
        (Ok(w), Ok(h)) => Ok((w, h)),
        _ => Err(PipelineError::Corrupt("no frame size".into())),
    }
}

/// Width and height from the header, read in place (the `image` crate's
/// JPEG decoder first copies the whole file).
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32), PipelineError> {
    unwound(|| size(&open(bytes)?))
}

/// The DCT scale (1, 2, 4 or 8) to decode a JPEG at: the largest reduction
/// that still leaves the long edge at ≥ 90 % of the cap, so a 12 MP photo is
/// decoded straight to 2016×1512 in the DCT domain instead of decoded whole
/// and resized.
fn dct_reduction(long_edge: u32, max_edge: u32) -> u32 {
    if long_edge <= max_edge {
        return 1;
    }
    let floor = max_edge * 9 / 10;
    [8, 4, 2]
        .into_iter()
        .find(|k| long_edge.div_ceil(*k) >= floor && long_edge.div_ceil(*k) <= max_edge)
        .unwrap_or(1)
}

/// Decodes a JPEG, its pixel count checked from the header first. A quarter
/// turn in `orientation` is done on the way out (the `bool` says so).
/// `None` for colour spaces left to the general decoder (CMYK, YCCK).
pub fn decode(
    bytes: &[u8],
    limits: &PipelineLimits,
    orientation: Option<Orientation>,
) -> Result<(Option<DynamicImage>, bool), PipelineError> {
    use mozjpeg::ColorSpace as Cs;
    let turn = match orientation {
        Some(Orientation::Rotate90) => Some(true),
        Some(Orientation::Rotate270) => Some(false),
        _ => None,
    };
    unwound(|| {
        let mut d = open(bytes)?;
        let (w, h) = size(&d)?;
        check_pixels(w, h, limits.max_pixels)?;
        let k = dct_reduction(w.max(h), limits.max_edge);
        d.scale(u8::try_from(8 / k).unwrap_or(8));
        let grey = match d.color_space() {
            Cs::JCS_GRAYSCALE => true,
            Cs::JCS_YCbCr | Cs::JCS_RGB => false,
            _ => return Ok((None, false)),
        };
        let mut started = if grey { d.grayscale() } else { d.rgb() }.map_err(io)?;
        let short = || PipelineError::Corrupt("truncated pixel data".into());
        let (ow, oh) = (started.width(), started.height());
        let (ow, oh) = (
            u32::try_from(ow).map_err(|_| short())?,
            u32::try_from(oh).map_err(|_| short())?,
        );
        let channels = if grey { 1 } else { 3 };
        let (pixels, (ow, oh)) = match turn {
            Some(clockwise) => (read_turned(&mut started, channels, clockwise)?, (oh, ow)),
            None => (started.read_scanlines().map_err(io)?, (ow, oh)),
        };
        started.finish().map_err(io)?;
        let img = if grey {
            DynamicImage::ImageLuma8(GrayImage::from_raw(ow, oh, pixels).ok_or_else(short)?)
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_raw(ow, oh, pixels).ok_or_else(short)?)
        };
        Ok((Some(img), turn.is_some()))
    })
}

/// Reads every row, turned a quarter (clockwise or not), strip by strip.
fn read_turned(
    s: &mut DecompressStarted<Whole<'_>>,
    c: usize,
    clockwise: bool,
) -> Result<Vec<u8>, PipelineError> {
    let (w, h) = (s.width(), s.height());
    let mut strip = vec![0u8; STRIP * w * c];
    let mut out = vec![0u8; w * h * c];
    for y0 in (0..h).step_by(STRIP) {
        let n = STRIP.min(h - y0);
        let rows = &mut strip[..n * w * c];
        s.read_scanlines_into::<u8>(rows).map_err(io)?;
        if c == 1 {
            turn_strip::<1>(rows, y0, (w, h), clockwise, &mut out);
        } else {
            turn_strip::<3>(rows, y0, (w, h), clockwise, &mut out);
        }
    }
    Ok(out)
}

/// Copies the decoded rows `y0..` in `strip` (of an image `w`×`h` with `C`
/// bytes a pixel) into `out`, the image turned a quarter: each column of
/// the strip becomes a run of pixels in one row of the turned image, which
/// is `h` wide. Turned clockwise, (x, y) lands at (h-1-y, x); the other
/// way, at (y, w-1-x). `C` is a constant so that a pixel is copied as a
/// few bytes, not through a `memmove` call.
fn turn_strip<const C: usize>(
    strip: &[u8],
    y0: usize,
    (w, h): (usize, usize),
    clockwise: bool,
    out: &mut [u8],
) {
    let n = strip.len() / (w * C);
    for x in 0..w {
        let (row, col0) = if clockwise {
            (x, h - y0 - n)
        } else {
            (w - 1 - x, y0)
        };
        let run = &mut out[(row * h + col0) * C..][..n * C];
        for i in 0..n {
            let j = if clockwise { n - 1 - i } else { i };
            let from = (i * w + x) * C;
            let pixel: [u8; C] = strip[from..from + C].try_into().unwrap_or([0; C]);
            run[j * C..(j + 1) * C].copy_from_slice(&pixel);
        }
    }
}

/// How many scans (SOS segments) a JPEG has, and whether it is
/// progressive (SOF2), read from its markers without decoding: a segment
/// is skipped by its length, and a scan's entropy-coded data up to the
/// next marker (a 0xFF in it is always followed by 0x00 or a restart).
pub fn scans(bytes: &[u8]) -> (u32, bool) {
    let (mut i, mut n, mut progressive) = (2, 0u32, false);
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            i += 1;
            continue;
        }
        let marker = bytes[i + 1];
        match marker {
            0xFF | 0x00 | 0xD0..=0xD7 | 0x01 => {
                i += if marker == 0xFF { 1 } else { 2 };
                continue;
            }
            0xD9 => break,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE) {
            progressive = true;
        }
        i += 2 + len;
        if marker == 0xDA {
            n += 1;
            // The entropy-coded data: on to the next real marker.
            while i + 1 < bytes.len()
                && (bytes[i] != 0xFF || matches!(bytes[i + 1], 0x00 | 0xD0..=0xD7))
            {
                i += 1;
            }
        }
    }
    (n, progressive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(progressive: bool) -> Vec<u8> {
        let img = RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut out = vec![];
        let mut e = jpeg_encoder::Encoder::new(&mut out, 85);
        e.set_progressive(progressive);
        e.encode(img.as_raw(), 64, 48, jpeg_encoder::ColorType::Rgb)
            .unwrap_or_else(|e| panic!("{e}"));
        out
    }

    #[test]
    fn scans_are_counted_from_the_markers() {
        assert_eq!(scans(&encoded(false)), (1, false));
        let (n, progressive) = scans(&encoded(true));
        assert!(progressive && (2..=12).contains(&n), "{n}");
    }

    #[test]
    fn twelve_megapixels_are_decoded_at_half_scale_in_the_dct_domain() {
        assert_eq!(dct_reduction(4032, 2048), 2);
        assert_eq!(dct_reduction(2048, 2048), 1);
        assert_eq!(dct_reduction(3000, 2048), 1);
        assert_eq!(dct_reduction(16000, 2048), 8);
    }

    #[test]
    fn a_turn_strip_by_strip_matches_the_image_crate() {
        // 37 rows: two whole strips and a short one.
        let (w, h) = (70usize, 37usize);
        let img = RgbImage::from_fn(70, 37, |x, y| {
            image::Rgb([(x * 3) as u8, (y * 5) as u8, ((x + y) % 251) as u8])
        });
        for (clockwise, o) in [
            (true, Orientation::Rotate90),
            (false, Orientation::Rotate270),
        ] {
            let mut out = vec![0u8; w * h * 3];
            for (k, strip) in img.as_raw().chunks(STRIP * w * 3).enumerate() {
                turn_strip::<3>(strip, k * STRIP, (w, h), clockwise, &mut out);
            }
            let mut expected = DynamicImage::ImageRgb8(img.clone());
            expected.apply_orientation(o);
            assert_eq!(
                out,
                expected.into_rgb8().into_raw(),
                "clockwise: {clockwise}"
            );
        }
    }

    #[test]
    fn a_broken_or_cut_jpeg_is_an_error_not_an_unwinding() {
        let photo = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/street-4mp.jpg"
        ))
        .unwrap();
        let limits = PipelineLimits {
            max_pixels: 50_000_000,
            max_edge: 2048,
            thumb_edge: 480,
            jpeg_quality: 85,
        };
        // The frame header's precision byte set to 3 bits: libjpeg refuses
        // it with a fatal error. Walk the segments to the main image's
        // frame header (the EXIF thumbnail has one of its own).
        let mut sof = 2;
        while !matches!(photo[sof + 1], 0xC0..=0xC2) {
            sof += 2 + usize::from(u16::from_be_bytes([photo[sof + 2], photo[sof + 3]]));
        }
        let mut broken = photo.clone();
        broken[sof + 4] = 3;
        assert!(matches!(
            decode(&broken, &limits, None),
            Err(PipelineError::Corrupt(_))
        ));
        // A photo cut short is refused, not padded with grey, and says so.
        let cut = &photo[..photo.len() * 3 / 5];
        match decode(cut, &limits, Some(Orientation::Rotate90)) {
            Err(PipelineError::Corrupt(m)) => assert!(m.contains("cut short"), "{m}"),
            other => panic!("a cut photo decoded: {:?}", other.map(|(i, _)| i.is_some())),
        }
        assert!(decode(&photo, &limits, None).unwrap().0.is_some());
    }
}

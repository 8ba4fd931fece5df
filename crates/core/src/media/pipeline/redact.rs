//! The public derivative of a stored photo: each region a reviewer marked
//! (a face, a number plate) averaged down to blocks a quarter of the
//! region's long side (at least 8 px; a plate becomes 4 × 1 or 2 blocks,
//! fewer than its characters) and scaled back up smoothly, so that nothing
//! in it can be recognised (a face becomes a few soft patches of colour); the rest of the image is untouched but for the
//! JPEG re-encoding. Runs on the stored image (already oriented, capped
//! and without metadata), off the async runtime.

use super::{PipelineError, PipelineLimits, encode_jpeg, fit, resize};
use domain::photos::Region;
use image::{RgbImage, imageops};

/// A derivative as stored: the full image and its thumbnail, JPEG.
pub struct Derivative {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
}

/// Blurs `regions` of the stored JPEG `stored` and encodes the result and
/// its thumbnail.
pub fn redact(
    stored: &[u8],
    regions: &[Region],
    limits: &PipelineLimits,
) -> Result<Derivative, PipelineError> {
    let mut img = image::load_from_memory_with_format(stored, image::ImageFormat::Jpeg)
        .map_err(|e| PipelineError::Corrupt(e.to_string()))?
        .into_rgb8();
    for r in regions {
        obscure(&mut img, r);
    }
    let (tw, th) = fit(img.width(), img.height(), limits.thumb_edge);
    let thumb = resize(&img, tw, th)?;
    Ok(Derivative {
        full: encode_jpeg(&img, limits.jpeg_quality)?,
        thumb: encode_jpeg(&thumb, 80)?,
    })
}

/// Averages one region down to blocks and smooths it back, in place.
fn obscure(img: &mut RgbImage, r: &Region) {
    let (x, y, w, h) = r.pixels(img.width(), img.height());
    let block = w.max(h).div_ceil(4).max(8);
    let part = imageops::crop_imm(img, x, y, w, h).to_image();
    // Averaged down to one pixel per block, then back up as blocks.
    let small = imageops::resize(
        &part,
        w.div_ceil(block).max(1),
        h.div_ceil(block).max(1),
        imageops::FilterType::Triangle,
    );
    // Back up smoothly (bilinear): no block edges left to read shapes from.
    let smooth = imageops::resize(&small, w, h, imageops::FilterType::Triangle);
    imageops::replace(img, &smooth, i64::from(x), i64::from(y));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sharp checkerboard of 2 px squares.
    fn checker(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            if (x / 2 + y / 2) % 2 == 0 {
                image::Rgb([250, 250, 250])
            } else {
                image::Rgb([5, 5, 5])
            }
        })
    }

    /// Mean absolute difference of neighbouring pixels: the detail left.
    fn detail(img: &RgbImage, (x, y, w, h): (u32, u32, u32, u32)) -> f64 {
        let mut sum = 0u64;
        let mut n = 0u64;
        for j in y..y + h {
            for i in x..(x + w - 1) {
                let a = i64::from(img.get_pixel(i, j)[0]);
                let b = i64::from(img.get_pixel(i + 1, j)[0]);
                sum += a.abs_diff(b);
                n += 1;
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let d = sum as f64 / n.max(1) as f64;
        d
    }

    #[test]
    fn a_region_loses_its_detail_and_the_rest_keeps_it() {
        let img = checker(320, 240);
        let jpeg = encode_jpeg(&img, 92).unwrap_or_default();
        let limits = PipelineLimits {
            max_pixels: 10_000_000,
            max_edge: 2048,
            thumb_edge: 160,
            jpeg_quality: 92,
        };
        let region = Region {
            x: 0.25,
            y: 0.25,
            width: 0.5,
            height: 0.5,
        };
        let out = redact(&jpeg, &[region], &limits).map(|d| d.full);
        let out = out
            .ok()
            .and_then(|b| image::load_from_memory(&b).ok())
            .map(image::DynamicImage::into_rgb8);
        let Some(out) = out else {
            panic!("the derivative decodes");
        };
        assert_eq!(out.dimensions(), (320, 240));
        let inside = (100, 80, 120, 80);
        let outside = (0, 0, 60, 40);
        assert!(detail(&img, inside) > 100.0);
        assert!(detail(&out, inside) < 10.0, "{}", detail(&out, inside));
        assert!(detail(&out, outside) > 100.0, "{}", detail(&out, outside));
    }
}

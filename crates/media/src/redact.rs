//! Redaction: solid black boxes over regions of a picture, written as a fresh PNG.
//!
//! The picture is decoded (limits checked on the header first, see [`crate::inspect`]) and
//! turned upright by its EXIF orientation, each region is grown by a margin and filled with
//! opaque black, and the pixels are encoded as a new PNG. Nothing of the original file but its
//! pixels survives: no EXIF, XMP, IPTC, ICC profile, text chunk, thumbnail or trailer, and the
//! covered pixels are overwritten before encoding (not layered over), so nothing under a box
//! can be recovered.

use std::io::Cursor;

use clinpost_core::Region;
use image::{DynamicImage, ImageEncoder, Rgb, Rgba};

use crate::{pixels, Limits, MediaError};

/// The default margin around each box: a fifth of its height (at least
/// [`MIN_MARGIN_PX`] pixels).
pub const DEFAULT_MARGIN: f32 = 0.2;

/// The smallest margin drawn around a box, in pixels.
pub const MIN_MARGIN_PX: u32 = 3;

const NO_REDACT: &str = "this format cannot be redacted; convert the picture to JPEG or PNG first";

/// The picture with a black box over each region, as PNG bytes without any metadata.
///
/// Each box is grown on every side by `margin` × its height (at least [`MIN_MARGIN_PX`]
/// pixels; [`DEFAULT_MARGIN`] is a good value) and clipped to the picture. Regions are in the
/// upright picture's pixels, as [`crate::ocr`] reports them; a picture has one page, so
/// [`Region::page`] is not consulted. With no regions the result is the picture re-encoded
/// (all metadata removed).
///
/// Errors: the [`crate::inspect`] errors for the container, [`MediaError::Unsupported`] for
/// HEIC, [`MediaError::Decode`].
pub fn redact(
    bytes: &[u8],
    regions: &[Region],
    margin: f32,
    limits: &Limits,
) -> Result<Vec<u8>, MediaError> {
    let (format, img) = pixels::decode_upright(bytes, limits, NO_REDACT)?;
    let img = if img.color().has_alpha() {
        img
    } else {
        let mut rgb = img.into_rgb8();
        cover(&mut rgb, regions, margin);
        DynamicImage::ImageRgb8(rgb)
    };
    let img = if img.color().has_alpha() {
        let mut rgba = img.into_rgba8();
        let (w, h) = rgba.dimensions();
        for r in regions {
            if let Some((x0, y0, x1, y1)) = grow(r, margin, w, h) {
                for y in y0..y1 {
                    for x in x0..x1 {
                        rgba.put_pixel(x, y, Rgba([0, 0, 0, 255]));
                    }
                }
            }
        }
        DynamicImage::ImageRgba8(rgba)
    } else {
        img
    };
    let mut out = Cursor::new(Vec::new());
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    );
    encoder
        .write_image(
            img.as_bytes(),
            img.width(),
            img.height(),
            img.color().into(),
        )
        .map_err(|_| MediaError::Decode { format })?;
    Ok(out.into_inner())
}

/// Black boxes over `regions` (grown by `margin` as in [`redact`]) in an RGB image.
pub(crate) fn cover(rgb: &mut image::RgbImage, regions: &[Region], margin: f32) {
    let (w, h) = rgb.dimensions();
    for r in regions {
        if let Some((x0, y0, x1, y1)) = grow(r, margin, w, h) {
            for y in y0..y1 {
                for x in x0..x1 {
                    rgb.put_pixel(x, y, Rgb([0, 0, 0]));
                }
            }
        }
    }
}

/// The box `r` grown by its margin and clipped to `w`×`h`: `(x0, y0, x1, y1)`, end exclusive;
/// `None` when nothing of it is inside the picture.
pub(crate) fn grow(r: &Region, margin: f32, w: u32, h: u32) -> Option<(u32, u32, u32, u32)> {
    let m = if margin.is_finite() && margin > 0.0 {
        // Rounded up (less a hair of f32 noise: 0.2 × 30 is 6, not 7); bounded, since a box
        // is at most u32::MAX high and the margin is clamped.
        (f64::from(r.h) * f64::from(margin.min(10.0)) - 1e-3)
            .ceil()
            .max(0.0) as u64
    } else {
        0
    };
    let m = m.max(u64::from(MIN_MARGIN_PX));
    let x0 = u64::from(r.x).saturating_sub(m);
    let y0 = u64::from(r.y).saturating_sub(m);
    let x1 = (u64::from(r.x) + u64::from(r.w) + m).min(u64::from(w));
    let y1 = (u64::from(r.y) + u64::from(r.h) + m).min(u64::from(h));
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    // All four are at most w or h, so they fit in u32.
    Some((x0 as u32, y0 as u32, x1 as u32, y1 as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(x: u32, y: u32, w: u32, h: u32) -> Region {
        Region {
            page: 0,
            x,
            y,
            w,
            h,
        }
    }

    #[test]
    fn boxes_grow_by_the_margin_and_are_clipped() {
        assert_eq!(
            grow(&region(10, 10, 20, 10), 0.2, 100, 100),
            Some((7, 7, 33, 23))
        );
        assert_eq!(
            grow(&region(10, 10, 20, 30), 0.2, 100, 100),
            Some((4, 4, 36, 46))
        );
        assert_eq!(
            grow(&region(90, 95, 50, 50), 0.0, 100, 100),
            Some((87, 92, 100, 100))
        );
        assert_eq!(grow(&region(200, 200, 5, 5), 0.2, 100, 100), None);
        assert_eq!(
            grow(&region(u32::MAX - 1, 0, u32::MAX, 1), f32::NAN, 100, 100),
            None
        );
    }

    #[test]
    fn redacted_png_is_black_under_the_box_and_has_no_metadata() {
        let mut img = image::RgbImage::from_pixel(64, 32, Rgb([255, 255, 255]));
        img.put_pixel(20, 10, Rgb([10, 20, 30]));
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(img.as_raw(), 64, 32, image::ExtendedColorType::Rgb8)
            .unwrap();
        let out = redact(
            &png,
            &[region(18, 8, 6, 5)],
            DEFAULT_MARGIN,
            &Limits::default(),
        )
        .unwrap();
        let back = image::load_from_memory(&out).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (64, 32));
        for (x, y) in [(15, 5), (20, 10), (26, 15)] {
            assert_eq!(back.get_pixel(x, y), &Rgb([0, 0, 0]), "({x},{y})");
        }
        assert_eq!(back.get_pixel(14, 10), &Rgb([255, 255, 255]));
        assert_eq!(back.get_pixel(40, 20), &Rgb([255, 255, 255]));
        let found = crate::inspect(&out, &Limits::default()).unwrap();
        assert!(found.findings.is_empty(), "{:?}", found.findings);
    }
}

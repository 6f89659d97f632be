//! Decoding pictures to pixels, for OCR and redaction.
//!
//! The container is parsed first (the same parser as [`crate::inspect`]), so the [`Limits`] on
//! file size and on the pixel count the header claims are enforced before a single pixel is
//! decoded; the decoder is given the same bound on memory. The EXIF orientation is applied, so
//! pixel coordinates are those of the picture as it is displayed (a phone photo stored on its
//! side is turned upright), which is also how [`crate::redact`] writes it.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader};

use crate::{collect, parse, rules, Format, Limits, MediaError};

/// The decoded picture, upright, with its container format.
pub(crate) fn decode_upright(
    bytes: &[u8],
    limits: &Limits,
    purpose: &'static str,
) -> Result<(Format, DynamicImage), MediaError> {
    let (format, parsed) = parse(bytes, limits)?;
    let Some(parsed) = parsed else {
        return Err(MediaError::Unsupported {
            format,
            what: purpose,
        });
    };
    let mut c = rules::Collector::new(0);
    let (_, _, orientation) = collect(bytes, &parsed, limits, &mut c);
    let image_format = match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::WebP => ImageFormat::WebP,
        Format::Heic => {
            return Err(MediaError::Unsupported {
                format,
                what: purpose,
            })
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(side);
    bounds.max_image_height = Some(side);
    // Four bytes a pixel (RGBA) plus the decoder's working space.
    bounds.max_alloc = Some(limits.max_pixels.saturating_mul(8).max(1 << 20));
    reader.limits(bounds);
    let mut img = reader.decode().map_err(|_| MediaError::Decode { format })?;
    if u64::from(img.width()) * u64::from(img.height()) > limits.max_pixels {
        return Err(MediaError::TooManyPixels {
            format,
            width: img.width(),
            height: img.height(),
            limit: limits.max_pixels,
        });
    }
    if let Some(o) = orientation
        .and_then(|o| u8::try_from(o).ok())
        .and_then(image::metadata::Orientation::from_exif)
    {
        img.apply_orientation(o);
    }
    Ok((format, img))
}

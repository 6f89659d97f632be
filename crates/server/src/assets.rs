//! The web page, embedded in the binary so it works offline and cannot be swapped on disk.
//!
//! Each asset is served with its content type, `Cache-Control: no-cache` (revalidate: a new
//! binary may carry a new page) and a strong `ETag` (a hash of the bytes), answering
//! `If-None-Match` with 304.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

struct Asset {
    bytes: &'static [u8],
    content_type: &'static str,
    etag: HeaderValue,
}

impl Asset {
    fn new(bytes: &'static [u8], content_type: &'static str) -> Asset {
        // FNV-1a: not for security, only to tell versions apart.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Asset {
            bytes,
            content_type,
            etag: HeaderValue::from_str(&format!("\"{h:016x}-{}\"", bytes.len()))
                .expect("an etag is a valid header"),
        }
    }

    fn respond(&self, headers: &HeaderMap) -> Response {
        let fresh = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == "*" || t.trim() == self.etag.to_str().unwrap_or(""))
            });
        let mut res = if fresh {
            let mut r = Response::new(axum::body::Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            Response::new(axum::body::Body::from(self.bytes))
        };
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::ETAG, self.etag.clone());
        res
    }
}

static INDEX: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../assets/index.html"),
        "text/html; charset=utf-8",
    )
});
static APP_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../assets/app.js"),
        "text/javascript; charset=utf-8",
    )
});
static APP_CSS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        include_bytes!("../assets/app.css"),
        "text/css; charset=utf-8",
    )
});

pub(crate) async fn index(headers: HeaderMap) -> Response {
    INDEX.respond(&headers)
}

pub(crate) async fn app_js(headers: HeaderMap) -> Response {
    APP_JS.respond(&headers)
}

pub(crate) async fn app_css(headers: HeaderMap) -> Response {
    APP_CSS.respond(&headers)
}

//! The stylesheet, script and icon, embedded in the binary: no CDN, no fonts from elsewhere. URLs
//! carry a digest of their contents so that browsers may keep them.

use std::sync::OnceLock;

/// One embedded file.
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

/// Every asset, by the name `/assets/NAME` serves it under.
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("assets/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("assets/app.js"),
    },
    Asset { name: "favicon.svg", content_type: "image/svg+xml", bytes: include_bytes!("assets/favicon.svg") },
];

/// The asset with this exact name; anything else (`../x`, `app.css/`) is none.
pub fn get(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

/// A digest of every asset, for their URLs.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut hasher = blake3::Hasher::new();
        for a in ASSETS {
            hasher.update(a.bytes);
        }
        hasher.finalize().to_hex()[..12].to_string()
    })
}

/// `/assets/NAME?v=DIGEST`.
pub fn url(name: &str) -> String {
    format!("/assets/{name}?v={}", version())
}

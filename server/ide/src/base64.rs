//! Base64 as the API server reads and writes `[]byte` fields (a Secret's `data`, a ConfigMap's
//! `binaryData`): Go's `encoding/json` uses the standard alphabet with padding, skips line
//! breaks and tolerates non-zero trailing bits. One engine for the checks, hover, inlay hints,
//! quick fixes and the Kustomize generators.

use base64::Engine;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// The bytes `text` stands for, or `None` where the API server would reject it.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if text.contains(['\r', '\n']) {
        let clean: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        GO_STD.decode(clean).ok()
    } else {
        GO_STD.decode(text).ok()
    }
}

/// Whether the API server would accept `text` as base64.
pub fn is_valid(text: &str) -> bool {
    decode(text).is_some()
}

/// `bytes` as the API server writes them.
pub fn encode(bytes: &[u8]) -> String {
    GO_STD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_go_reads() {
        assert_eq!(decode("cGFzc3dvcmQ=").as_deref(), Some(&b"password"[..]));
        assert_eq!(decode("cGFz\nc3dv\r\ncmQ=").as_deref(), Some(&b"password"[..]));
        assert_eq!(decode("").as_deref(), Some(&b""[..]));
        // Non-zero trailing bits: Go's StdEncoding (not Strict) accepts them.
        assert_eq!(decode("YR==").as_deref(), Some(&b"a"[..]));
        for bad in ["password!", "cGFzc3dvcmQ", "e3=0", "=AAA", "YQ===", "YQ", "cGFz c3dvcmQ=", "YW-_"] {
            assert_eq!(decode(bad), None, "{bad:?} must be rejected");
            assert!(!is_valid(bad), "{bad:?}");
        }
    }

    #[test]
    fn writes_padded_standard_base64() {
        assert_eq!(encode(b"password"), "cGFzc3dvcmQ=");
        assert_eq!(encode(b"ab"), "YWI=");
        assert_eq!(encode(b"abc"), "YWJj");
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
        for n in 0..64u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode(&encode(&bytes)), Some(bytes));
        }
    }
}

//! Reading what forms send: URL-encoded fields, and multipart forms with files, under the
//! desk's upload cap.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use reglament_desk::{Text, Upload};

use super::PageError;

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where to go after signing in: a path on this site, never another site.
pub fn local_path(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

/// A multipart form: its text fields (the last value of each name wins) and its files.
#[derive(Debug, Default)]
pub struct Posted {
    /// Text fields.
    pub fields: BTreeMap<String, String>,
    /// Files, in the order sent; empty file inputs are left out.
    pub files: Vec<Upload>,
}

impl Posted {
    /// A text field, trimmed; empty is absent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A text field as sent, or empty.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// Reads a multipart form: each file at most `cap` bytes, text fields at most 1 MiB
    /// together.
    pub async fn read(mut m: Multipart, cap: usize) -> Result<Posted, PageError> {
        const TEXT_CAP: usize = 1 << 20;
        let mut posted = Posted::default();
        let mut text = 0usize;
        let broken = |e: axum::extract::multipart::MultipartError| {
            PageError::Bad(Text::new("ui-form-broken").arg("detail", e.body_text()))
        };
        while let Some(mut field) = m.next_field().await.map_err(broken)? {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let content_type = field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_string();
                    let mut data = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(broken)? {
                        if data.len() + chunk.len() > cap {
                            return Err(PageError::Bad(
                                Text::new("http-too-large")
                                    .arg("name", file_name)
                                    .arg("max", reglament_desk::format_size(cap as u64)),
                            ));
                        }
                        data.extend_from_slice(&chunk);
                    }
                    // A file input left empty sends a part with no name and no content.
                    if file_name.is_empty() && data.is_empty() {
                        continue;
                    }
                    posted.files.push(Upload {
                        name: file_name,
                        content_type,
                        data,
                    });
                }
                None => {
                    let value = field.text().await.map_err(broken)?;
                    text += value.len();
                    if text > TEXT_CAP {
                        return Err(PageError::Bad(Text::new("ui-form-too-long")));
                    }
                    posted.fields.insert(name, value);
                }
            }
        }
        Ok(posted)
    }
}

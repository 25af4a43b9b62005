//! Fetching: a seed's location in, the document's bytes and provenance out.

use std::time::Duration;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::seeds::Location;

/// A document's bytes and where and when they were got.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The location asked for, as a URL string.
    pub url: String,
    /// Where the bytes finally came from (after redirects).
    pub final_url: String,
    /// The server's `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The raw body.
    pub bytes: Vec<u8>,
    /// When the bytes were got, RFC 3339 UTC.
    pub fetched_at: String,
}

impl Fetched {
    /// SHA-256 of the body, lowercase hex.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The current time as RFC 3339 UTC with second precision.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Why a document could not be got.
#[derive(Debug, Error)]
pub enum FetchError {
    /// A local file could not be read.
    #[error("cannot read {path}: {source}")]
    File {
        /// The path.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A body was larger than allowed.
    #[error("{url}: body exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// The server answered with an error status.
    #[error("{url}: HTTP status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The request failed (DNS, connection, TLS, timeout).
    #[error("{url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
}

/// Reads one location: a local file, or a single HTTP GET.
pub fn fetch(location: &Location, max_bytes: u64, timeout: Duration) -> Result<Fetched, FetchError> {
    match location {
        Location::File(path) => {
            let metadata = std::fs::metadata(path)
                .map_err(|source| FetchError::File { path: path.display().to_string(), source })?;
            if metadata.len() > max_bytes {
                return Err(FetchError::TooLarge { url: path.display().to_string(), limit: max_bytes });
            }
            let bytes =
                std::fs::read(path).map_err(|source| FetchError::File { path: path.display().to_string(), source })?;
            let url = location.to_url_string();
            Ok(Fetched { final_url: url.clone(), url, content_type: None, bytes, fetched_at: now_rfc3339() })
        }
        Location::Http(url) => fetch_http(url, max_bytes, timeout),
    }
}

fn fetch_http(url: &url::Url, max_bytes: u64, timeout: Duration) -> Result<Fetched, FetchError> {
    let http_error = |e: &dyn std::fmt::Display| FetchError::Http { url: url.to_string(), message: e.to_string() };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| http_error(&e))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("plansift/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| http_error(&e))?;
        let mut response = client.get(url.clone()).send().await.map_err(|e| http_error(&e))?;
        if !response.status().is_success() {
            return Err(FetchError::Status { url: url.to_string(), status: response.status().as_u16() });
        }
        let final_url = response.url().to_string();
        let content_type =
            response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| http_error(&e))? {
            if bytes.len() as u64 + chunk.len() as u64 > max_bytes {
                return Err(FetchError::TooLarge { url: url.to_string(), limit: max_bytes });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched { url: url.to_string(), final_url, content_type, bytes, fetched_at: now_rfc3339() })
    })
}

//! Fetching: a seed's location in, the plan's bytes and provenance out.
//!
//! One module per job, lychee-style: [`client`] (one careful HTTP GET), [`safety`]
//! (which addresses may be fetched), [`robots`] (robots.txt), [`ratelimit`]
//! (per-host gaps), [`retry`] (backoff and `Retry-After`), [`cache`] (bytes and
//! validators for incremental runs), [`discover`] (from a landing page to the plan),
//! [`multipart`] (plans split over pages), and [`crawler`], which combines them
//! for a whole seed list.

pub mod cache;
pub mod client;
pub mod crawler;
pub mod discover;
pub mod multipart;
pub mod ratelimit;
pub mod retry;
pub mod robots;
pub mod safety;

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
    /// SHA-256 of `bytes`, lowercase hex, computed once where the bytes arrive.
    pub sha256: String,
    /// When the bytes were got, RFC 3339 UTC. Whether they changed since an
    /// earlier run is decided by comparing `sha256` with the earlier record's.
    pub fetched_at: String,
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
    /// The request failed (DNS, connection, TLS, a body that broke off).
    #[error("{url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The request (all redirect hops and the body) took longer than allowed.
    #[error("{url}: timed out after {millis} ms")]
    Timeout {
        /// The URL.
        url: String,
        /// The limit, in milliseconds (0 when the connect timeout fired).
        millis: u64,
    },
    /// The URL, or a redirect, points somewhere plansift does not go.
    #[error("{url}: refused: {reason}")]
    Unsafe {
        /// The URL refused.
        url: String,
        /// Why.
        reason: safety::UnsafeUrl,
    },
    /// Redirects went round in a circle.
    #[error("{url}: redirect loop (back at {at})")]
    RedirectLoop {
        /// The URL asked for.
        url: String,
        /// The URL met twice.
        at: String,
    },
    /// More redirects than allowed.
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects {
        /// The URL asked for.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// A redirect without a usable `Location`.
    #[error("{url}: bad redirect: {message}")]
    BadRedirect {
        /// The URL that redirected.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// The host's robots.txt does not allow plansift to fetch this URL.
    #[error("{url}: disallowed by robots.txt")]
    RobotsDisallowed {
        /// The URL.
        url: String,
    },
    /// The server asked to come back later than plansift is willing to wait.
    #[error("{url}: server asked to retry after {seconds} s, longer than the limit")]
    RetryAfterTooLong {
        /// The URL.
        url: String,
        /// The wait asked for.
        seconds: u64,
    },
    /// `--offline` and the URL is not in the cache.
    #[error("{url}: not in the cache (offline run)")]
    NotCached {
        /// The URL.
        url: String,
    },
    /// The cache could not be read or written.
    #[error("cache {path}: {message}")]
    Cache {
        /// The file or folder concerned.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Discovery found no page or document that is the plan.
    #[error("{url}: no productivity plan found within {pages} pages")]
    NoPlanFound {
        /// The seed URL.
        url: String,
        /// Pages fetched while looking.
        pages: usize,
    },
}

impl FetchError {
    /// True for failures that may go away if the request is tried again:
    /// timeouts, connection errors, 5xx and 429 answers.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Http { .. } => true,
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}

/// Reads one location: a local file, or a single HTTP GET (redirects and address
/// checks as in [`client`], no robots.txt or cache: for one-off use).
pub fn fetch(location: &Location, max_bytes: u64, timeout: Duration) -> Result<Fetched, FetchError> {
    match location {
        Location::File(path) => {
            let metadata = std::fs::metadata(path)
                .map_err(|source| FetchError::File { path: path.display().to_string(), source })?;
            if metadata.len() > max_bytes {
                return Err(FetchError::TooLarge { url: path.display().to_string(), limit: max_bytes });
            }
            let file_error = |source| FetchError::File { path: path.display().to_string(), source };
            let mut bytes = std::fs::read(path).map_err(file_error)?;
            if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) && bytes.starts_with(&[0x1f, 0x8b]) {
                bytes = gunzip(&bytes, max_bytes)
                    .map_err(file_error)?
                    .ok_or_else(|| FetchError::TooLarge { url: path.display().to_string(), limit: max_bytes })?;
            }
            let url = location.to_url_string();
            Ok(Fetched {
                final_url: url.clone(),
                url,
                content_type: None,
                sha256: sha256_hex(&bytes),
                bytes,
                fetched_at: now_rfc3339(),
            })
        }
        Location::Http(url) => fetch_http(url, max_bytes, timeout),
    }
}

/// The content of a gzip file (web archives keep pages as `.html.gz`), or `None`
/// when it inflates past `max_bytes`.
fn gunzip(bytes: &[u8], max_bytes: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut inflated = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).take(max_bytes.saturating_add(1)).read_to_end(&mut inflated)?;
    Ok((inflated.len() as u64 <= max_bytes).then_some(inflated))
}

fn fetch_http(url: &url::Url, max_bytes: u64, timeout: Duration) -> Result<Fetched, FetchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| FetchError::Http { url: url.to_string(), message: format!("cannot start runtime: {e}") })?;
    let config = client::ClientConfig { max_body_bytes: max_bytes, total_timeout: timeout, ..Default::default() };
    let client = client::HttpClient::new(config)?;
    let response = runtime.block_on(client.get(url, None))?;
    if !(200..300).contains(&response.status) {
        return Err(FetchError::Status { url: url.to_string(), status: response.status });
    }
    Ok(Fetched {
        url: url.to_string(),
        final_url: response.final_url.to_string(),
        content_type: response.content_type,
        sha256: sha256_hex(&response.body),
        bytes: response.body,
        fetched_at: now_rfc3339(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn local_gzip_files_are_read_inflated_within_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("plan.html.gz");
        std::fs::write(&page, gzip(b"<html><body><p>Our plan</p></body></html>")).unwrap();
        let fetched = fetch(&Location::File(page.clone()), 1024, Duration::from_secs(5)).unwrap();
        assert_eq!(fetched.bytes, b"<html><body><p>Our plan</p></body></html>");
        assert_eq!(fetched.sha256, sha256_hex(&fetched.bytes));

        let bomb = dir.path().join("bomb.html.gz");
        std::fs::write(&bomb, gzip(&vec![b' '; 10_000])).unwrap();
        let error = fetch(&Location::File(bomb), 1024, Duration::from_secs(5)).unwrap_err();
        assert!(matches!(error, FetchError::TooLarge { limit: 1024, .. }), "{error}");

        let plain = dir.path().join("notes.gz");
        std::fs::write(&plain, b"not gzip at all").unwrap();
        assert_eq!(fetch(&Location::File(plain), 1024, Duration::from_secs(5)).unwrap().bytes, b"not gzip at all");
    }
}

//! One HTTP GET, done carefully: redirects followed by hand so every hop is checked
//! (scheme, address), a total deadline covering the body, and a cap on the body
//! enforced while it streams.
//!
//! gzip and brotli bodies are decoded by reqwest as they stream; the cap applies to
//! the decoded bytes, so it also bounds how far a compressed body may inflate.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use url::Url;

use super::safety::{self, SafeResolver, UnsafeUrl};
use super::FetchError;

/// How the HTTP client behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// The `User-Agent` header: names plansift and a contact URL.
    pub user_agent: String,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request: every redirect hop and the full body.
    pub total_timeout: Duration,
    /// Largest body accepted, counted after gzip/brotli decoding.
    pub max_body_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Fetch loopback, private and link-local addresses too.
    pub allow_private: bool,
}

impl Default for ClientConfig {
    fn default() -> ClientConfig {
        ClientConfig {
            user_agent: default_user_agent(),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_body_bytes: 64 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
        }
    }
}

/// The URL named in the default `User-Agent` for site owners to learn about plansift.
pub const DEFAULT_CONTACT_URL: &str = "https://github.com/plansift/plansift";

/// `plansift/<version> (+<contact URL>)`.
pub fn default_user_agent() -> String {
    user_agent_with_contact(DEFAULT_CONTACT_URL)
}

/// `plansift/<version> (+<contact>)`.
pub fn user_agent_with_contact(contact: &str) -> String {
    format!("plansift/{} (+{contact})", env!("CARGO_PKG_VERSION"))
}

/// Validators from an earlier fetch, sent to ask "has this changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The earlier `ETag`, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The earlier `Last-Modified`, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// What a server answered, after redirects.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The final status (never a redirect).
    pub status: u16,
    /// The URL that gave this answer.
    pub final_url: Url,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// `Retry-After`, unparsed.
    pub retry_after: Option<String>,
    /// The decoded body; read for 2xx answers only.
    pub body: Vec<u8>,
}

/// An HTTP client configured for polite, bounded document fetching.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    config: ClientConfig,
}

impl HttpClient {
    /// Builds the client. Proxies from the environment are not used: the address
    /// checks must see the real destination.
    pub fn new(config: ClientConfig) -> Result<HttpClient, FetchError> {
        let inner = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(SafeResolver { allow_private: config.allow_private })
            .build()
            .map_err(|e| FetchError::Http { url: String::new(), message: format!("cannot build HTTP client: {e}") })?;
        Ok(HttpClient { inner, config })
    }

    /// The configuration in use.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// GETs `url`, following redirects, within the total timeout.
    pub async fn get(&self, url: &Url, validators: Option<&Validators>) -> Result<HttpResponse, FetchError> {
        let deadline = self.config.total_timeout;
        match tokio::time::timeout(deadline, self.get_following(url, validators)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout { url: url.to_string(), millis: deadline.as_millis() as u64 }),
        }
    }

    async fn get_following(&self, url: &Url, validators: Option<&Validators>) -> Result<HttpResponse, FetchError> {
        let mut current = url.clone();
        let mut seen = HashSet::new();
        for _hop in 0..=self.config.max_redirects {
            safety::check_url(&current, self.config.allow_private)
                .map_err(|reason| FetchError::Unsafe { url: current.to_string(), reason })?;
            if !seen.insert(current.to_string()) {
                return Err(FetchError::RedirectLoop { url: url.to_string(), at: current.to_string() });
            }
            let mut request = self.inner.get(current.clone());
            if let Some(validators) = validators {
                if let Some(etag) = &validators.etag {
                    request = request.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(date) = &validators.last_modified {
                    request = request.header(header::IF_MODIFIED_SINCE, date);
                }
            }
            let mut response = request.send().await.map_err(|e| request_error(&current, &e))?;
            let status = response.status().as_u16();
            if matches!(status, 301 | 302 | 303 | 307 | 308) {
                current = redirect_target(&current, response.headers())?;
                continue;
            }
            let headers = response.headers();
            let mut answer = HttpResponse {
                status,
                final_url: current.clone(),
                content_type: header_text(headers, header::CONTENT_TYPE),
                etag: header_text(headers, header::ETAG),
                last_modified: header_text(headers, header::LAST_MODIFIED),
                retry_after: header_text(headers, header::RETRY_AFTER),
                body: Vec::new(),
            };
            if (200..300).contains(&status) {
                let limit = self.config.max_body_bytes;
                if response.content_length().is_some_and(|length| length > limit) {
                    return Err(FetchError::TooLarge { url: current.to_string(), limit });
                }
                while let Some(chunk) = response.chunk().await.map_err(|e| request_error(&current, &e))? {
                    if answer.body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(FetchError::TooLarge { url: current.to_string(), limit });
                    }
                    answer.body.extend_from_slice(&chunk);
                }
            }
            return Ok(answer);
        }
        Err(FetchError::TooManyRedirects { url: url.to_string(), limit: self.config.max_redirects })
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn redirect_target(current: &Url, headers: &HeaderMap) -> Result<Url, FetchError> {
    let location = header_text(headers, header::LOCATION)
        .ok_or_else(|| FetchError::BadRedirect { url: current.to_string(), message: "no Location header".into() })?;
    current.join(&location).map_err(|e| FetchError::BadRedirect {
        url: current.to_string(),
        message: format!("Location {location:?} is not a URL: {e}"),
    })
}

/// Turns a reqwest error into a [`FetchError`], recognising refused addresses and
/// timeouts (which are retried) anywhere in its cause chain.
fn request_error(url: &Url, error: &reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(reason) = cause.downcast_ref::<UnsafeUrl>() {
            return FetchError::Unsafe { url: url.to_string(), reason: reason.clone() };
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return FetchError::Timeout { url: url.to_string(), millis: 0 };
    }
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    FetchError::Http { url: url.to_string(), message }
}

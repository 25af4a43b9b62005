//! The crawler: for each council, from the seed's locations to the plan's bytes,
//! politely, safely and incrementally.
//!
//! Per URL: robots.txt (once per host per run), the host's turn (one request at a
//! time, a minimum gap), a conditional GET with the cache's validators, bounded
//! retries. Per council: discovery from a landing page to the plan, every part of a
//! multi-part plan, and the chain of URLs followed. Councils are fetched
//! concurrently; hosts are the unit of politeness.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::stream::{self, StreamExt};
use futures_util::FutureExt;
use scraper::Html;
use url::Url;

use super::cache::{Cache, CacheEntry};
use super::client::{ClientConfig, HttpClient, HttpResponse, Validators};
use super::discover::{self, DiscoveryRules, Link};
use super::multipart;
use super::ratelimit::{HostSlot, Hosts};
use super::retry::{self, RetryPolicy};
use super::robots::RobotsRules;
use super::{fetch as read_location, now_rfc3339, sha256_hex, FetchError, Fetched};
use crate::extract::{self, charset, Format, Input};
use crate::seeds::{Location, Seed};

/// How a run fetches.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlOptions {
    /// The HTTP client's settings (timeouts, caps, User-Agent, address checks).
    pub client: ClientConfig,
    /// Least gap between two requests to one host.
    pub min_delay: Duration,
    /// Longest robots.txt `Crawl-delay` honoured.
    pub max_crawl_delay: Duration,
    /// Retries and backoff.
    pub retry: RetryPolicy,
    /// The cache folder.
    pub cache_dir: PathBuf,
    /// Use the cache only; send no request.
    pub offline: bool,
    /// Councils fetched at the same time.
    pub concurrency: usize,
}

impl Default for CrawlOptions {
    fn default() -> CrawlOptions {
        CrawlOptions {
            client: ClientConfig::default(),
            min_delay: Duration::from_secs(1),
            max_crawl_delay: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            cache_dir: PathBuf::from("corpus/cache"),
            offline: false,
            concurrency: 8,
        }
    }
}

/// One council's plan as fetched: its parts in order and how it was found.
#[derive(Debug, Clone)]
pub struct FetchedPlan {
    /// The plan's documents in reading order (one for most plans).
    pub parts: Vec<Fetched>,
    /// The URLs followed from the seed to the (first part of the) plan, both ends
    /// included.
    pub chain: Vec<String>,
}

/// What discovery needs to know about one fetched page.
struct PageAnalysis {
    is_plan: bool,
    links: Vec<Link>,
    contents: Option<Vec<Url>>,
    next: Option<Url>,
}

/// Fetches plans for a run; shared by all councils so hosts, robots.txt and the
/// request count are per run.
#[derive(Debug)]
pub struct Crawler {
    client: HttpClient,
    hosts: Hosts,
    cache: Cache,
    options: CrawlOptions,
    rules: &'static DiscoveryRules,
    requests: AtomicU64,
}

/// Age past which a temporary file in the cache is taken for a killed run's.
const LEFTOVER_AGE: Duration = Duration::from_secs(3600);

impl Crawler {
    /// A crawler with `options`.
    ///
    /// Clears what runs killed mid-write left in the cache folder (temporary files
    /// over an hour old; younger ones may be another running job's).
    pub fn new(options: CrawlOptions) -> Result<Crawler, FetchError> {
        let cache = Cache::new(options.cache_dir.clone());
        cache.remove_leftovers(LEFTOVER_AGE);
        Ok(Crawler {
            client: HttpClient::new(options.client.clone())?,
            hosts: Hosts::new(options.min_delay),
            cache,
            rules: DiscoveryRules::embedded(),
            requests: AtomicU64::new(0),
            options,
        })
    }

    /// HTTP requests sent so far (robots.txt and retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Fetches every council of `seeds`, `concurrency` at a time, handing each
    /// result to `deliver` (with the seed's index and the time its fetch took,
    /// waiting for its hosts included) as soon as it is ready.
    ///
    /// `deliver` may block (to apply back-pressure); fetching waits meanwhile.
    pub fn fetch_all<F>(&self, seeds: &[Seed], deliver: F) -> Result<(), FetchError>
    where
        F: Fn(usize, Result<FetchedPlan, FetchError>, Duration),
    {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| FetchError::Http { url: String::new(), message: format!("cannot start runtime: {e}") })?;
        runtime.block_on(async {
            stream::iter(seeds.iter().enumerate())
                .map(|(index, seed)| async move {
                    let started = std::time::Instant::now();
                    // A panic while fetching one council (a bug) costs that council only.
                    let result = AssertUnwindSafe(self.fetch_plan(seed)).catch_unwind().await.unwrap_or_else(|_| {
                        Err(FetchError::Http {
                            url: seed.locations.first().map(Location::to_url_string).unwrap_or_default(),
                            message: "internal error while fetching (panic)".into(),
                        })
                    });
                    (index, result, started.elapsed())
                })
                .buffer_unordered(self.options.concurrency.max(1))
                .for_each(|(index, result, elapsed)| {
                    tokio::task::block_in_place(|| deliver(index, result, elapsed));
                    async {}
                })
                .await;
        });
        Ok(())
    }

    /// Fetches one council's plan: every location of the seed, in order, each
    /// followed from landing page to plan, multi-part plans in full.
    pub async fn fetch_plan(&self, seed: &Seed) -> Result<FetchedPlan, FetchError> {
        let mut plan = FetchedPlan { parts: Vec::new(), chain: Vec::new() };
        for location in &seed.locations {
            let (parts, chain) = match location {
                Location::File(_) => {
                    let max_bytes = self.options.client.max_body_bytes;
                    let part = read_location(location, max_bytes, self.options.client.total_timeout)?;
                    let chain = vec![part.url.clone()];
                    (vec![part], chain)
                }
                Location::Http(url) => self.find_plan(url).await?,
            };
            if plan.chain.is_empty() {
                plan.chain = chain;
            }
            for part in parts {
                if !plan.parts.iter().any(|p| p.final_url == part.final_url) {
                    plan.parts.push(part);
                }
            }
        }
        Ok(plan)
    }

    /// From `seed_url` to the plan: best-first over scored same-site links, up to
    /// the depth and page budget of the discovery rules.
    async fn find_plan(&self, seed_url: &Url) -> Result<(Vec<Fetched>, Vec<String>), FetchError> {
        struct Node {
            url: Url,
            parent: Option<usize>,
            depth: usize,
            score: i32,
        }
        let rules = self.rules;
        let mut nodes = vec![Node { url: seed_url.clone(), parent: None, depth: 0, score: i32::MAX }];
        let mut frontier: Vec<usize> = vec![0];
        let mut seen: HashSet<Url> = HashSet::from([seed_url.clone()]);
        let mut fetched_pages = 0;
        let mut last_error = None;
        while fetched_pages < rules.max_pages {
            // Highest score first; among equals, shallower, then found earlier.
            let Some(best) = frontier
                .iter()
                .enumerate()
                .max_by_key(|(_, &n)| (nodes[n].score, std::cmp::Reverse(nodes[n].depth), std::cmp::Reverse(n)))
                .map(|(position, _)| position)
            else {
                break;
            };
            let current = frontier.swap_remove(best);
            fetched_pages += 1;
            let page = match self.get(&nodes[current].url).await {
                Ok(page) => page,
                // The seed itself failing is the council's failure; a failing
                // candidate link is just skipped.
                Err(error) if current == 0 => return Err(error),
                Err(error) => {
                    last_error = Some(error);
                    continue;
                }
            };
            let analysis = self.analyse(&page);
            let chain = || {
                let mut chain = Vec::new();
                let mut at = Some(current);
                while let Some(index) = at {
                    chain.push(nodes[index].url.to_string());
                    at = nodes[index].parent;
                }
                chain.reverse();
                chain
            };
            if analysis.is_plan {
                let chain = chain();
                let mut parts = self.collect_parts(page, analysis).await?;
                if let Some(first) = parts.first_mut() {
                    first.url = seed_url.to_string();
                }
                return Ok((parts, chain));
            }
            if nodes[current].depth >= rules.max_depth {
                continue;
            }
            for link in analysis.links {
                if !rules.same_site(&link.url, seed_url) || seen.contains(&link.url) {
                    continue;
                }
                let score = rules.score(&link.text, &link.url);
                if score < rules.min_score {
                    continue;
                }
                seen.insert(link.url.clone());
                nodes.push(Node { url: link.url, parent: Some(current), depth: nodes[current].depth + 1, score });
                frontier.push(nodes.len() - 1);
            }
        }
        match last_error {
            Some(error) if fetched_pages <= 2 => Err(error),
            _ => Err(FetchError::NoPlanFound { url: seed_url.to_string(), pages: fetched_pages }),
        }
    }

    /// The parts of a plan whose first found page is `page`: a contents list's
    /// pages, or the chain of "next" links, or just `page`.
    async fn collect_parts(&self, page: Fetched, analysis: PageAnalysis) -> Result<Vec<Fetched>, FetchError> {
        let max_parts = self.rules.max_parts.max(1);
        let page_url = Url::parse(&page.final_url).ok();
        if let (Some(contents), Some(page_url)) = (analysis.contents, page_url.as_ref()) {
            let mut parts = Vec::new();
            let mut page = Some(page);
            for url in contents.into_iter().take(max_parts) {
                if url == *page_url {
                    if let Some(page) = page.take() {
                        parts.push(page);
                        continue;
                    }
                }
                parts.push(self.get(&url).await?);
            }
            return Ok(parts);
        }
        let mut seen: HashSet<String> = HashSet::from([page.final_url.clone()]);
        let mut next = analysis.next;
        let mut parts = vec![page];
        while let Some(url) = next.take() {
            if parts.len() >= max_parts || !seen.insert(url.to_string()) {
                break;
            }
            let part = self.get(&url).await?;
            let analysis = self.analyse(&part);
            seen.insert(part.final_url.clone());
            next = analysis.next;
            parts.push(part);
        }
        Ok(parts)
    }

    /// Whether a fetched page is the plan, and its links and part structure.
    fn analyse(&self, page: &Fetched) -> PageAnalysis {
        let input =
            Input { bytes: &page.bytes, content_type: page.content_type.as_deref(), name: Some(&page.final_url) };
        let format = extract::detect_format(&input);
        let base = Url::parse(&page.final_url).ok();
        let document = PageAnalysis { is_plan: true, links: Vec::new(), contents: None, next: None };
        let (Format::Html, Some(base)) = (format, base) else { return document };
        if declares_pdf(&base, page.content_type.as_deref()) {
            // A "PDF" that turns out to be a web page (a dead link's error page, a
            // login wall) is handed to extraction, whose error says just that.
            return document;
        }
        let text = charset::decode(&page.bytes, page.content_type.as_deref(), true).text;
        let html = Html::parse_document(&text);
        let profile = discover::profile(&html, self.rules);
        let is_plan = discover::is_plan_page(&profile, self.rules);
        PageAnalysis {
            is_plan,
            links: if is_plan { Vec::new() } else { discover::links(&html, &base) },
            contents: if is_plan { multipart::contents_parts(&html, &base, self.rules) } else { None },
            next: if is_plan { multipart::next_part(&html, &base, self.rules) } else { None },
        }
    }

    /// GETs one URL through robots.txt, the host's turn, the cache and retries.
    pub async fn get(&self, url: &Url) -> Result<Fetched, FetchError> {
        let cached = self.cache.lookup(url.as_str());
        if self.options.offline {
            let entry = cached.ok_or_else(|| FetchError::NotCached { url: url.to_string() })?;
            return self.cached_page(url, entry);
        }
        super::safety::check_url(url, self.options.client.allow_private)
            .map_err(|reason| FetchError::Unsafe { url: url.to_string(), reason })?;
        let origin = url.origin().ascii_serialization();
        let mut slot = self.hosts.acquire(&origin).await;
        let robots = match slot.robots.clone() {
            Some(robots) => robots,
            None => {
                let robots = Arc::new(self.fetch_robots(&mut slot, url).await?);
                slot.apply_crawl_delay(robots.crawl_delay(), self.options.max_crawl_delay);
                slot.robots = Some(robots.clone());
                robots
            }
        };
        if !robots.allows(url.as_str()) {
            return Err(FetchError::RobotsDisallowed { url: url.to_string() });
        }
        let validators = cached
            .as_ref()
            .map(|entry| Validators { etag: entry.etag.clone(), last_modified: entry.last_modified.clone() });
        let response = self.get_with_retries(&mut slot, url, validators.as_ref()).await?;
        drop(slot);
        match (response.status, cached) {
            (304, Some(entry)) => self.cached_page(url, entry),
            (200..=299, _) => {
                let sha256 = sha256_hex(&response.body);
                let entry = CacheEntry {
                    url: url.to_string(),
                    final_url: response.final_url.to_string(),
                    status: response.status,
                    etag: response.etag,
                    last_modified: response.last_modified,
                    content_type: response.content_type.clone(),
                    bytes: response.body.len() as u64,
                    sha256,
                    fetched_at: now_rfc3339(),
                };
                self.cache.store(&entry, &response.body)?;
                Ok(Fetched {
                    url: url.to_string(),
                    final_url: entry.final_url,
                    content_type: entry.content_type,
                    sha256: entry.sha256,
                    bytes: response.body,
                    fetched_at: entry.fetched_at,
                })
            }
            (status, _) => Err(FetchError::Status { url: url.to_string(), status }),
        }
    }

    fn cached_page(&self, url: &Url, entry: CacheEntry) -> Result<Fetched, FetchError> {
        // The cache checked the bytes against this hash.
        let bytes = self.cache.body(&entry)?;
        Ok(Fetched {
            url: url.to_string(),
            final_url: entry.final_url,
            content_type: entry.content_type,
            sha256: entry.sha256,
            bytes,
            fetched_at: entry.fetched_at,
        })
    }

    /// robots.txt for `url`'s host, fetched once with the host's slot held. A
    /// network failure fails the page (and is tried again for the next page); a
    /// 5xx disallows the host for the run.
    async fn fetch_robots(&self, slot: &mut HostSlot, url: &Url) -> Result<RobotsRules, FetchError> {
        let Ok(robots_url) = url.join("/robots.txt") else { return Ok(RobotsRules::AllowAll) };
        slot.wait_turn().await;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let answer = self.client.get(&robots_url, None).await;
        slot.finished();
        let agent = "plansift";
        match answer {
            Ok(response) => Ok(RobotsRules::from_response(response.status, &response.body, agent)),
            // A robots.txt too large, or redirected somewhere refused, is unusable: allow.
            Err(FetchError::TooLarge { .. } | FetchError::Unsafe { .. } | FetchError::RedirectLoop { .. }) => {
                Ok(RobotsRules::AllowAll)
            }
            Err(FetchError::TooManyRedirects { .. } | FetchError::BadRedirect { .. }) => Ok(RobotsRules::AllowAll),
            Err(error) => Err(error),
        }
    }

    async fn get_with_retries(
        &self,
        slot: &mut HostSlot,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<HttpResponse, FetchError> {
        let policy = &self.options.retry;
        let mut retry = 0;
        loop {
            slot.wait_turn().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let result = self.client.get(url, validators).await;
            slot.finished();
            let outcome = match result {
                Ok(response) if matches!(response.status, 429 | 503) && response.retry_after.is_some() => {
                    let asked = response
                        .retry_after
                        .as_deref()
                        .and_then(|value| retry::parse_retry_after(value, SystemTime::now()));
                    match asked {
                        Some(wait) if wait > policy.max_retry_after => {
                            return Err(FetchError::RetryAfterTooLong {
                                url: url.to_string(),
                                seconds: wait.as_secs(),
                            });
                        }
                        Some(wait) => Err((FetchError::Status { url: url.to_string(), status: response.status }, wait)),
                        None => Err((
                            FetchError::Status { url: url.to_string(), status: response.status },
                            policy.backoff(retry),
                        )),
                    }
                }
                Ok(response) if response.status == 429 || response.status >= 500 => {
                    Err((FetchError::Status { url: url.to_string(), status: response.status }, policy.backoff(retry)))
                }
                Ok(response) => Ok(response),
                Err(error) if error.is_retryable() => Err((error, policy.backoff(retry))),
                Err(error) => return Err(error),
            };
            match outcome {
                Ok(response) => return Ok(response),
                Err((error, _)) if retry >= policy.max_retries => return Err(error),
                Err((_, wait)) => {
                    slot.pause_for(wait);
                    retry += 1;
                }
            }
        }
    }
}

/// True when the URL's file name or the declared content type says PDF.
fn declares_pdf(url: &Url, content_type: Option<&str>) -> bool {
    url.path().to_ascii_lowercase().ends_with(".pdf")
        || content_type.is_some_and(|t| t.to_ascii_lowercase().contains("pdf"))
}

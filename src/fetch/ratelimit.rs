//! Per-host politeness: one request at a time per host, and a minimum gap between
//! the end of one request and the start of the next.
//!
//! Each host (scheme + host + port) has a [`HostSlot`] behind an async mutex; a task
//! holds the lock for the whole request, so requests to one host are serial while
//! different hosts proceed concurrently. The slot also keeps the host's robots.txt
//! rules, fetched once per run under the same lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

use super::robots::RobotsRules;

/// What plansift remembers about one host during a run.
#[derive(Debug)]
pub struct HostSlot {
    /// The gap kept between requests to this host (the configured minimum, raised
    /// by robots.txt `Crawl-delay` up to the cap).
    pub delay: Duration,
    /// When the last request to this host finished.
    last_finished: Option<Instant>,
    /// No request before this (set by `Retry-After`).
    not_before: Option<Instant>,
    /// The host's robots.txt rules, once fetched.
    pub robots: Option<Arc<RobotsRules>>,
}

impl HostSlot {
    /// Waits until this host may be asked again.
    pub async fn wait_turn(&self) {
        let mut until = self.last_finished.map(|t| t + self.delay);
        if let Some(not_before) = self.not_before {
            until = Some(until.map_or(not_before, |u| u.max(not_before)));
        }
        if let Some(until) = until {
            tokio::time::sleep_until(until).await;
        }
    }

    /// Records that a request to this host has just finished.
    pub fn finished(&mut self) {
        self.last_finished = Some(Instant::now());
    }

    /// Asks that no request go to this host for `wait` (a `Retry-After`).
    pub fn pause_for(&mut self, wait: Duration) {
        self.not_before = Some(Instant::now() + wait);
    }

    /// Raises the delay to robots.txt's `Crawl-delay` (seconds), at most `cap`.
    pub fn apply_crawl_delay(&mut self, seconds: Option<f32>, cap: Duration) {
        if let Some(asked) = seconds.and_then(|s| Duration::try_from_secs_f32(s).ok()) {
            self.delay = self.delay.max(asked.min(cap));
        }
    }
}

/// The slots of every host met in a run.
#[derive(Debug)]
pub struct Hosts {
    min_delay: Duration,
    slots: Mutex<HashMap<String, Arc<AsyncMutex<HostSlot>>>>,
}

impl Hosts {
    /// No hosts yet; each new host starts with `min_delay`.
    pub fn new(min_delay: Duration) -> Hosts {
        Hosts { min_delay, slots: Mutex::new(HashMap::new()) }
    }

    /// Takes the host's slot, waiting while another task holds it.
    pub async fn acquire(&self, origin: &str) -> OwnedMutexGuard<HostSlot> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            slots
                .entry(origin.to_string())
                .or_insert_with(|| {
                    Arc::new(AsyncMutex::new(HostSlot {
                        delay: self.min_delay,
                        last_finished: None,
                        not_before: None,
                        robots: None,
                    }))
                })
                .clone()
        };
        slot.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn second_request_waits_for_the_gap() {
        let hosts = Hosts::new(Duration::from_millis(60));
        let start = Instant::now();
        {
            let mut slot = hosts.acquire("http://a").await;
            slot.wait_turn().await;
            slot.finished();
        }
        let mut slot = hosts.acquire("http://a").await;
        slot.wait_turn().await;
        assert!(start.elapsed() >= Duration::from_millis(60));
        slot.apply_crawl_delay(Some(100.0), Duration::from_secs(5));
        assert_eq!(slot.delay, Duration::from_secs(5));
        slot.apply_crawl_delay(Some(0.01), Duration::from_secs(5));
        assert_eq!(slot.delay, Duration::from_secs(5));
    }
}

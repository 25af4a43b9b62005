//! Retries: how long to wait before trying a request again, and for how many tries.
//!
//! Timeouts, connection errors and 5xx answers are retried with exponential backoff
//! and jitter (so many councils failing at once do not retry in lockstep). A 429 or
//! 503 with `Retry-After` waits as the server asks, up to a cap: a server asking for
//! longer than the cap fails the document now rather than stalling the run.

use std::time::{Duration, SystemTime};

/// How often and how patiently failed requests are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = try once).
    pub max_retries: u32,
    /// Wait before the first retry; doubled for each further retry.
    pub base_backoff: Duration,
    /// Longest backoff between two tries.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a longer one fails the request.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 2,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based): `base * 2^retry`, capped,
    /// plus up to 25 % random jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.base_backoff.saturating_mul(1u32 << retry.min(16)).min(self.max_backoff);
        let jitter = exponential.mul_f64(rand::random_range(0.0..0.25));
        exponential + jitter
    }
}

/// Parses a `Retry-After` value (delay seconds or an HTTP-date) into a wait from `now`.
///
/// A date in the past means "now" (zero); an unparseable value is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        let first = policy.backoff(0);
        assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(125), "{first:?}");
        let second = policy.backoff(1);
        assert!(second >= Duration::from_millis(200) && second <= Duration::from_millis(250), "{second:?}");
        let capped = policy.backoff(10);
        assert!(capped >= Duration::from_millis(350) && capped <= Duration::from_millis(438), "{capped:?}");
    }
}

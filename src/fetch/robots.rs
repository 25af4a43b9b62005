//! robots.txt: what a host lets plansift fetch, and how slowly.
//!
//! Per RFC 9309: a robots.txt that is missing (4xx) allows everything; one that
//! cannot be got because the server fails (5xx) or is unreachable disallows
//! everything for this run; an unparseable one is treated as missing.

use texting_robots::Robot;

/// The most of a robots.txt that is parsed.
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// The rules one host's robots.txt sets for plansift.
#[derive(Debug)]
pub enum RobotsRules {
    /// No usable robots.txt: everything may be fetched.
    AllowAll,
    /// The server failed to answer for robots.txt: nothing may be fetched.
    DisallowAll,
    /// Parsed rules for plansift's agent (or `*`).
    Parsed(Box<Robot>),
}

impl RobotsRules {
    /// Rules from a robots.txt answer: its status and body. `agent` is the
    /// product token matched against `User-agent` lines.
    pub fn from_response(status: u16, body: &[u8], agent: &str) -> RobotsRules {
        // RFC 9309 asks crawlers to parse at least 500 KiB; more is not read.
        let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        match status {
            200..=299 => match Robot::new(agent, body) {
                Ok(robot) => RobotsRules::Parsed(Box::new(robot)),
                Err(_) => RobotsRules::AllowAll,
            },
            500..=599 => RobotsRules::DisallowAll,
            _ => RobotsRules::AllowAll,
        }
    }

    /// True when `url` may be fetched.
    pub fn allows(&self, url: &str) -> bool {
        match self {
            RobotsRules::AllowAll => true,
            RobotsRules::DisallowAll => false,
            RobotsRules::Parsed(robot) => robot.allowed(url),
        }
    }

    /// The `Crawl-delay` asked for, in seconds, if any.
    pub fn crawl_delay(&self) -> Option<f32> {
        match self {
            RobotsRules::Parsed(robot) => robot.delay.filter(|d| d.is_finite() && *d > 0.0),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_decides_before_content() {
        let body = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n";
        let rules = RobotsRules::from_response(200, body, "plansift");
        assert!(!rules.allows("https://a.example/private/plan.pdf"));
        assert!(rules.allows("https://a.example/public/plan.pdf"));
        assert_eq!(rules.crawl_delay(), Some(3.0));
        assert!(RobotsRules::from_response(404, b"", "plansift").allows("https://a.example/x"));
        assert!(!RobotsRules::from_response(503, b"", "plansift").allows("https://a.example/x"));
    }

    #[test]
    fn agent_specific_group_wins() {
        let body = b"User-agent: plansift\nDisallow: /\n\nUser-agent: *\nAllow: /\n";
        assert!(!RobotsRules::from_response(200, body, "plansift").allows("https://a.example/x"));
        assert!(RobotsRules::from_response(200, body, "otherbot").allows("https://a.example/x"));
    }
}

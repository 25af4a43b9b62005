//! Address checks: which URLs plansift may fetch at all.
//!
//! Only `http` and `https` are fetched. By default a host that is, or resolves to,
//! a loopback, private, link-local or otherwise non-public address is refused, so a
//! seed list or a redirect cannot point the crawler at the machine it runs on or at
//! an intranet. The check is on the resolved IPs (a custom DNS resolver for the HTTP
//! client), not just on host names; `allow_private` turns it off for tests and
//! intranet use.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use thiserror::Error;
use url::Url;

/// Why a URL may not be fetched.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum UnsafeUrl {
    /// A scheme other than http or https.
    #[error("scheme {0:?} is not fetched (only http and https)")]
    Scheme(String),
    /// The URL has no host.
    #[error("the URL has no host")]
    NoHost,
    /// The host is, or resolves to, a non-public address.
    #[error("{host} is a non-public address ({ip}); use --allow-private to fetch it")]
    PrivateAddress {
        /// The host as written in the URL.
        host: String,
        /// The offending address.
        ip: IpAddr,
    },
}

/// True when `ip` is a globally routable unicast address.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(mapped) = v6.to_ipv4_mapped() {
                return is_public_v4(mapped);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
                || v6.segments()[..2] == [0x2001, 0x0db8] // documentation
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT 100.64.0.0/10
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18.0.0/15
        || a >= 240)
}

/// Checks what can be checked without DNS: the scheme, the presence of a host and,
/// when the host is an IP literal, the address itself.
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), UnsafeUrl> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(UnsafeUrl::Scheme(other.to_string())),
    }
    let host = url.host().ok_or(UnsafeUrl::NoHost)?;
    if allow_private {
        return Ok(());
    }
    let ip = match host {
        url::Host::Ipv4(v4) => IpAddr::V4(v4),
        url::Host::Ipv6(v6) => IpAddr::V6(v6),
        url::Host::Domain(_) => return Ok(()),
    };
    if is_public_ip(ip) {
        Ok(())
    } else {
        Err(UnsafeUrl::PrivateAddress { host: host.to_string(), ip })
    }
}

/// A DNS resolver for the HTTP client that drops non-public addresses (unless
/// allowed) and fails when none are left, so a public-looking name that points at
/// 127.0.0.1 or 10.x is refused at connection time, on every redirect hop.
#[derive(Debug, Clone, Copy)]
pub struct SafeResolver {
    /// Keep private addresses too.
    pub allow_private: bool,
}

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> =
                resolved.iter().copied().filter(|addr| allow_private || is_public_ip(addr.ip())).collect();
            if kept.is_empty() {
                if let Some(first) = resolved.first() {
                    let refused = UnsafeUrl::PrivateAddress { host, ip: first.ip() };
                    return Err(Box::new(refused) as Box<dyn std::error::Error + Send + Sync>);
                }
                let message = format!("{host} resolved to no address");
                return Err(message.into());
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for text in ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254", "0.0.0.0", "100.64.0.1"] {
            assert!(!is_public_ip(text.parse().unwrap()), "{text}");
        }
        for text in ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::"] {
            assert!(!is_public_ip(text.parse().unwrap()), "{text}");
        }
        assert!(is_public_ip("81.2.69.160".parse().unwrap()));
        assert!(is_public_ip("2a00:1450:4009::1".parse().unwrap()));
    }

    #[test]
    fn urls_are_checked_for_scheme_and_literal_addresses() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert_eq!(check_url(&url("ftp://example.org/a"), false), Err(UnsafeUrl::Scheme("ftp".into())));
        assert!(matches!(check_url(&url("http://127.0.0.1:8080/"), false), Err(UnsafeUrl::PrivateAddress { .. })));
        assert!(matches!(check_url(&url("http://[::1]/"), false), Err(UnsafeUrl::PrivateAddress { .. })));
        assert!(check_url(&url("http://127.0.0.1:8080/"), true).is_ok());
        assert!(check_url(&url("https://www.example.gov.uk/plan.pdf"), false).is_ok());
    }

    #[tokio::test]
    async fn resolver_refuses_names_that_resolve_to_loopback() {
        let name: Name = "localhost".parse().unwrap();
        assert!(SafeResolver { allow_private: false }.resolve(name).await.is_err());
        let name: Name = "localhost".parse().unwrap();
        assert!(SafeResolver { allow_private: true }.resolve(name).await.is_ok());
    }
}

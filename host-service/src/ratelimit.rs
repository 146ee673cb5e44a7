//! Rate limits on filing reports, and who the client is.
//!
//! Token buckets kept in memory: each client address (and each site) may file `burst` reports
//! at once, then `per_minute` spread over the minute. The tables are bounded
//! ([`crate::config::RateLimits::max_tracked_clients`]): a bucket that has refilled completely
//! carries no information and is dropped first, then the longest idle ones.
//!
//! The client address is the TCP peer. Only when the peer is one of the configured
//! `trusted_proxies` is `X-Forwarded-For` believed, and then only its right-most address that is
//! not itself a trusted proxy: everything left of it was written by the client and may be forged.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::AppState;
use crate::config::RateLimits;

/// A refused request: when the client may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    pub retry_after_secs: u64,
}

/// Token buckets by key, bounded in number.
#[derive(Debug)]
pub struct Limiter<K> {
    tokens_per_sec: f64,
    burst: f64,
    max_keys: usize,
    buckets: Mutex<HashMap<K, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// `None` when `per_minute` is 0 (no limit).
    pub fn new(per_minute: u32, burst: u32, max_keys: usize) -> Option<Limiter<K>> {
        (per_minute > 0).then(|| Limiter {
            tokens_per_sec: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            max_keys: max_keys.max(1),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Takes one token from `key`'s bucket, or says how long until one is there.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), RateLimited> {
        // A poisoned lock only means another request panicked mid-update; the numbers are
        // still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if !buckets.contains_key(key) && buckets.len() >= self.max_keys {
            self.evict(&mut buckets, now);
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.tokens_per_sec).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.tokens_per_sec;
            Err(RateLimited {
                retry_after_secs: (wait.ceil() as u64).max(1),
            })
        }
    }

    /// Makes room: first forget buckets that are full again (a new bucket would be the same),
    /// then, if that was not enough, the longer-idle half.
    fn evict(&self, buckets: &mut HashMap<K, Bucket>, now: Instant) {
        let refill = |b: &Bucket| {
            b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * self.tokens_per_sec
        };
        buckets.retain(|_, b| refill(b) < self.burst);
        if buckets.len() >= self.max_keys {
            let mut times: Vec<Instant> = buckets.values().map(|b| b.updated).collect();
            let middle = times.len() / 2;
            let (_, median, _) = times.select_nth_unstable(middle);
            let median = *median;
            buckets.retain(|_, b| b.updated > median);
        }
    }

    /// How many keys are remembered now.
    pub fn len(&self) -> usize {
        self.buckets.lock().map(|b| b.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The limits on filing reports, per client address and per site.
#[derive(Debug)]
pub struct SubmissionLimits {
    per_ip: Option<Limiter<IpAddr>>,
    per_site: Option<Limiter<String>>,
}

impl SubmissionLimits {
    pub fn new(limits: &RateLimits) -> SubmissionLimits {
        SubmissionLimits {
            per_ip: Limiter::new(
                limits.ip_per_minute,
                limits.ip_burst,
                limits.max_tracked_clients,
            ),
            // Sites are few and registered by an admin; the bound only guards against a bug.
            per_site: Limiter::new(
                limits.site_per_minute,
                limits.site_burst,
                limits.max_tracked_clients,
            ),
        }
    }

    /// One more report from `ip`.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), RateLimited> {
        match &self.per_ip {
            Some(limiter) => limiter.check(&bucket_key(ip), Instant::now()),
            None => Ok(()),
        }
    }

    /// One more report for the (existing) site `key`.
    pub fn check_site(&self, key: &str) -> Result<(), RateLimited> {
        match &self.per_site {
            Some(limiter) => limiter.check(&key.to_owned(), Instant::now()),
            None => Ok(()),
        }
    }
}

/// The key a client address is limited under: IPv6 clients get a whole /64 each (what one
/// household or phone is given), or one client could use 2^64 addresses to dodge the limit.
pub fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// The TCP peer's address; a loopback address when the app runs without a socket (tests that
/// call the router directly).
pub fn peer_ip(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |ConnectInfo(addr)| {
            addr.ip()
        })
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
/// address of `X-Forwarded-For` that is not a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted_proxies.contains(ip);
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            // A hop we cannot read ends the chain: the last trusted hop stands for the client,
            // so a forger gains nothing.
            Err(_) => break,
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
        }
    }
    client
}

/// The client's address, as an extractor (see [`client_ip`]).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(
            peer_ip(parts),
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_bucket_gives_its_burst_then_refills_at_the_rate() {
        let limiter = Limiter::<u8>::new(10, 5, 100).unwrap();
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(limiter.check(&1, t0).is_ok());
        }
        let refused = limiter.check(&1, t0).unwrap_err();
        assert_eq!(refused.retry_after_secs, 6, "10 a minute is one per 6 s");
        assert!(
            limiter.check(&2, t0).is_ok(),
            "another key has its own bucket"
        );
        assert!(limiter.check(&1, t0 + Duration::from_secs(6)).is_ok());
        assert!(limiter.check(&1, t0 + Duration::from_secs(6)).is_err());
        for _ in 0..5 {
            assert!(limiter.check(&1, t0 + MINUTE).is_ok());
        }
    }

    #[test]
    fn the_table_stays_bounded_and_forgets_idle_clients_first() {
        let limiter = Limiter::<u32>::new(10, 5, 1000).unwrap();
        let t0 = Instant::now();
        // A busy client keeps its drained bucket while a flood of new addresses passes through.
        for _ in 0..5 {
            limiter.check(&u32::MAX, t0).unwrap();
        }
        for i in 0..10_000u32 {
            let _ = limiter.check(&i, t0 + Duration::from_millis(u64::from(i)));
            assert!(limiter.len() <= 1000);
        }
        assert!(!limiter.is_empty());
        assert!(limiter.len() <= 1000);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "1.1.1.1, 198.51.100.7, 10.0.0.1".parse().unwrap(),
        );
        assert_eq!(client_ip(peer, &headers, &[proxy]), peer);
        assert_eq!(
            client_ip(proxy, &headers, &[proxy]),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        headers.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_ip(proxy, &headers, &[proxy]), proxy);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(bucket_key(a), bucket_key(b));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(bucket_key(mapped), "192.0.2.1".parse::<IpAddr>().unwrap());
    }
}

//! Which client a request comes from: the connecting address, or, when that is a trusted proxy
//! (IMPACT_TRUSTED_PROXIES), the right-most `X-Forwarded-For` address that is not one. Every place that names
//! the client (throttling, the audit log, subscriptions) takes it from [`origin`], so a forged header counts
//! nowhere and clients behind one proxy are told apart.

use crate::config::TrustedProxies;
use crate::domain::Origin;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

const FORWARDED_FOR: &str = "x-forwarded-for";

/// Where a request comes from, for throttling and the audit log.
pub fn origin(trusted: &TrustedProxies, peer: SocketAddr, headers: &HeaderMap) -> Origin {
    Origin { client_address: Some(client_address(trusted, peer, headers).to_string()) }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most forwarded
/// address outside the trusted set (each trusted proxy appends the address it was reached from, so anything
/// left of that was written by the client and proves nothing). When every hop is trusted, the left-most one;
/// when a trusted hop forwarded something that is no address, the last hop that was.
pub fn client_address(trusted: &TrustedProxies, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let mut client = peer.ip().to_canonical();
    if !trusted.contains(&client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    for hop in hops.into_iter().rev() {
        let Some(address) = parse_hop(hop) else { break };
        client = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an IP address, possibly with a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .map(|address| address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_trusted_proxies;
    use axum::http::HeaderValue;

    fn from(peer: &str, forwarded: &[&str], trusted: &str) -> String {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append(FORWARDED_FOR, HeaderValue::from_str(value).unwrap());
        }
        let trusted = parse_trusted_proxies(trusted).unwrap();
        let peer = SocketAddr::new(peer.parse().unwrap(), 443);
        client_address(&trusted, peer, &headers).to_string()
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        assert_eq!(from("198.51.100.7", &["203.0.113.5"], ""), "198.51.100.7");
        assert_eq!(from("198.51.100.7", &["203.0.113.5"], "10.0.0.0/8"), "198.51.100.7");
        assert_eq!(from("10.0.0.2", &["203.0.113.5"], "10.0.0.0/8"), "203.0.113.5");
        // The client's own claim (left) is ignored: the first trusted proxy appended the real address.
        assert_eq!(from("10.0.0.2", &["1.2.3.4, 203.0.113.5, 10.0.0.9"], "10.0.0.0/8"), "203.0.113.5");
        assert_eq!(from("10.0.0.2", &["1.2.3.4", "203.0.113.5"], "10.0.0.0/8"), "203.0.113.5");
        assert_eq!(from("10.0.0.2", &["10.0.0.3, 10.0.0.9"], "10.0.0.0/8"), "10.0.0.3");
        assert_eq!(from("10.0.0.2", &["garbage, 10.0.0.9"], "10.0.0.0/8"), "10.0.0.9");
        assert_eq!(from("10.0.0.2", &[], "10.0.0.0/8"), "10.0.0.2");
        assert_eq!(from("10.0.0.2", &["[2001:db8::1]:4711"], "10.0.0.0/8"), "2001:db8::1");
        assert_eq!(from("::ffff:10.0.0.2", &["203.0.113.5:80"], "10.0.0.0/8"), "203.0.113.5");
    }
}

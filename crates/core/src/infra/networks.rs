//! Address lists from the config (`limits.trusted_proxies`,
//! `limits.ops_networks`), parsed once when the node starts: an entry that
//! is neither an IP nor a CIDR stops the start, instead of being skipped on
//! every request.

use std::net::IpAddr;

/// IPs and CIDRs (a bare IP is a network of one address).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks(Vec<ipnet::IpNet>);

impl Networks {
    /// Parses `entries`; the error names the first that is not an IP or a
    /// CIDR, and the setting it is in.
    pub fn parse(setting: &str, entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|e| {
                let e = e.trim();
                e.parse::<ipnet::IpNet>()
                    .or_else(|_| e.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{setting}: {e:?} is neither an IP nor a CIDR"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_and_cidrs_are_networks_and_anything_else_is_refused() {
        let n = Networks::parse(
            "x",
            &["10.0.0.0/8".into(), " 192.168.1.7 ".into(), "::1".into()],
        )
        .unwrap_or_default();
        assert!(n.contains("10.2.3.4".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(n.contains("192.168.1.7".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(!n.contains("192.168.1.8".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(n.contains("::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        let bad = Networks::parse("limits.trusted_proxies", &["10.0.0.0/33".into()]);
        assert_eq!(
            bad,
            Err("limits.trusted_proxies: \"10.0.0.0/33\" is neither an IP nor a CIDR".into())
        );
    }
}

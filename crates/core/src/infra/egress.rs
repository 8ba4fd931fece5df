//! Where unit webhooks may connect. A webhook URL is an address an admin
//! types, and the server then calls it: without a guard it reaches the
//! cloud's metadata service (`169.254.169.254`, `100.100.100.200`), Redis on
//! loopback or anything on the private network. So loopback, private,
//! link-local, shared (CGNAT), multicast and unspecified addresses are
//! refused when the URL is saved and again when it is called, after DNS
//! resolution (a name can resolve elsewhere later), and redirects are not
//! followed. Hosts named in `webhooks.allow_hosts` are exempt (an
//! intranet receiver the operator vouches for).

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::{
    collections::HashSet,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

/// Whether an address is one a webhook must not reach.
pub fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                // 100.64.0.0/10: carrier-grade NAT, and Alibaba Cloud's metadata.
                || (a == 100 && (64..128).contains(&b))
                // 192.0.0.0/24: IETF protocol assignments.
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                // 198.18.0.0/15: benchmarking.
                || (a == 198 && (18..20).contains(&b))
                || a >= 240
        }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d)
        // addresses are their IPv4 address.
        IpAddr::V6(v6) => match v6.to_ipv4() {
            Some(v4) => internal(IpAddr::V4(v4)),
            None => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
                    // NAT64 (64:ff9b::/96, local-use 64:ff9b:1::/48) can
                    // reach any IPv4 address.
                    || v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
                    || v6.segments()[..3] == [0x64, 0xff9b, 1]
            }
        },
    }
}

/// Why a webhook URL is refused.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("the webhook URL is not an absolute http(s) URL")]
    NotHttp,
    #[error(
        "the webhook host {0} is an internal address (loopback, private, link-local or metadata); ask the operator to allow-list it"
    )]
    Internal(String),
}

/// The webhook egress policy: the allow-list, and the HTTP client that
/// applies it at connect time.
#[derive(Clone)]
pub struct Egress {
    allow: Arc<HashSet<String>>,
}

impl Egress {
    pub fn new(allow_hosts: &[String]) -> Self {
        Self {
            allow: Arc::new(allow_hosts.iter().map(|h| h.to_ascii_lowercase()).collect()),
        }
    }

    fn allowed(&self, host: &str) -> bool {
        self.allow.contains(&host.to_ascii_lowercase())
    }

    /// The check of a URL without DNS: scheme, and a literal address.
    /// Returns the host when it is a name that still needs resolving.
    pub fn check_literal(&self, url: &str) -> Result<Option<String>, Refused> {
        let u = reqwest::Url::parse(url).map_err(|_| Refused::NotHttp)?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(Refused::NotHttp);
        }
        // The URL parser has normalised the host: IPv4 in dotted form
        // (`2130706433` is 127.0.0.1), IPv6 in brackets.
        let raw = u.host_str().ok_or(Refused::NotHttp)?;
        let bare = raw.trim_start_matches('[').trim_end_matches(']');
        if self.allowed(bare) {
            return Ok(None);
        }
        let Ok(host) = bare.parse::<IpAddr>() else {
            let d = bare.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                return Err(Refused::Internal(d));
            }
            return Ok(Some(d));
        };
        if internal(host) {
            return Err(Refused::Internal(host.to_string()));
        }
        Ok(None)
    }

    /// The save-time check: as at connect time, with the name resolved
    /// now. A name that does not resolve yet is accepted (the connect-time
    /// check still applies).
    pub async fn check_url(&self, url: &str) -> Result<(), Refused> {
        let Some(host) = self.check_literal(url)? else {
            return Ok(());
        };
        let internal_found = match tokio::net::lookup_host((host.as_str(), 80)).await {
            Ok(addrs) => addrs.map(|a: SocketAddr| a.ip()).any(internal),
            Err(_) => false,
        };
        if internal_found {
            return Err(Refused::Internal(host));
        }
        Ok(())
    }

    /// The client unit webhooks are sent with: the guarded resolver, no
    /// redirects, no proxy from the environment, and a timeout per call.
    pub fn client(&self, timeout: Duration) -> anyhow::Result<reqwest::Client> {
        Ok(reqwest::Client::builder()
            .dns_resolver(Arc::new(Guarded(self.clone())))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(3)))
            .build()?)
    }
}

/// DNS that answers only with addresses a webhook may reach.
struct Guarded(Egress);

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let egress = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| egress.allowed(&host) || !internal(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(
                    Box::new(Refused::Internal(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_and_public_ones_pass() {
        let e = Egress::new(&["hooks.intranet.example".into()]);
        for bad in [
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:6379/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::7f00:1]/",
            "http://[64:ff9b:1::a00:1]/",
            "http://10.1.2.3/",
            "http://192.168.0.10/",
            "http://172.16.5.4/",
            "http://100.100.100.200/",
            "http://0.0.0.0/",
            "http://[fd00:ec2::254]/",
            "http://localhost:8080/",
            "http://2130706433/",
        ] {
            assert!(
                matches!(e.check_literal(bad), Err(Refused::Internal(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            e.check_literal("ftp://example.com/"),
            Err(Refused::NotHttp)
        ));
        assert!(matches!(
            e.check_literal("gopher://127.0.0.1/"),
            Err(Refused::NotHttp)
        ));
        assert_eq!(e.check_literal("https://8.8.8.8/hook").unwrap(), None);
        assert_eq!(
            e.check_literal("https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
                .unwrap(),
            Some("qyapi.weixin.qq.com".into())
        );
        assert_eq!(
            e.check_literal("http://hooks.intranet.example/x").unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn the_resolver_answers_only_with_addresses_a_webhook_may_reach() {
        // `localhost` resolves (from /etc/hosts) to loopback only.
        let guarded = Guarded(Egress::new(&[]));
        assert!(guarded.resolve("localhost".parse().unwrap()).await.is_err());
        let allowed = Guarded(Egress::new(&["localhost".into()]));
        assert!(allowed.resolve("localhost".parse().unwrap()).await.is_ok());
    }
}

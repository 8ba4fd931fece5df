//! State shared across API nodes: abuse limits and short-lived values
//! (login locks, the WeChat access token). Idempotency keys are in the
//! database, written with their report.
//! Redis in production; in-process equivalents in the embedded default
//! (one node only).

use anyhow::Context;
use governor::{DefaultKeyedRateLimiter, Quota, clock::Clock};
use redis::aio::ConnectionManager;
use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::Duration,
};

/// GCRA (generic cell rate algorithm), the same algorithm governor runs in
/// process, evaluated atomically inside Redis with Redis's own clock so that
/// every node agrees. Takes one event from every bucket in KEYS (ARGV: the
/// interval in ms and the burst of each), or from none when one is spent.
/// Returns {0, 0} when allowed, else {index of the spent bucket (1-based),
/// milliseconds to wait}.
const GCRA_LUA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local next_tat = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_until = now + interval * burst
  if new_tat > allow_until then
    return {i, new_tat - allow_until}
  end
  next_tat[i] = new_tat
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], next_tat[i], 'PX', next_tat[i] - now)
end
return {0, 0}
";

/// One abuse-limit bucket: `scope:key`, allowing `per_minute` events a minute.
#[derive(Debug, Clone, Copy)]
pub struct Bucket<'a> {
    pub scope: &'static str,
    pub key: &'a str,
    pub per_minute: u32,
}

#[derive(Clone)]
pub enum Shared {
    Redis {
        conn: ConnectionManager,
        prefix: String,
        gcra: Arc<redis::Script>,
    },
    Local(Arc<LocalShared>),
}

/// One in-process limiter per (scope, events per minute).
type Limiters = HashMap<(String, u32), Arc<DefaultKeyedRateLimiter<String>>>;

pub struct LocalShared {
    limiters: Mutex<Limiters>,
    kv: Mutex<HashMap<String, (String, std::time::Instant)>>,
}

impl LocalShared {
    /// The in-process limiter of `scope` at `per_minute`, made on first use.
    fn limiter(
        &self,
        scope: &str,
        per_minute: u32,
    ) -> anyhow::Result<Arc<DefaultKeyedRateLimiter<String>>> {
        let mut map = self
            .limiters
            .lock()
            .map_err(|_| anyhow::anyhow!("rate limiter lock poisoned"))?;
        Ok(map
            .entry((scope.to_owned(), per_minute))
            .or_insert_with(|| {
                let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
                Arc::new(DefaultKeyedRateLimiter::keyed(Quota::per_minute(n)))
            })
            .clone())
    }
}

impl Shared {
    pub async fn connect(redis_url: Option<&str>, prefix: &str) -> anyhow::Result<Self> {
        match redis_url {
            Some(url) => {
                let client = redis::Client::open(url).context("parse redis url")?;
                let cfg = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(3)))
                    .set_response_timeout(Some(Duration::from_secs(3)))
                    .set_number_of_retries(2);
                let conn = client
                    .get_connection_manager_with_config(cfg)
                    .await
                    .context("connect to redis")?;
                Ok(Self::Redis {
                    conn,
                    prefix: prefix.to_owned(),
                    gcra: Arc::new(redis::Script::new(GCRA_LUA)),
                })
            }
            None => Ok(Self::Local(Arc::new(LocalShared {
                limiters: Mutex::new(HashMap::new()),
                kv: Mutex::new(HashMap::new()),
            }))),
        }
    }

    pub fn is_redis(&self) -> bool {
        matches!(self, Self::Redis { .. })
    }

    pub async fn ping(&self) -> anyhow::Result<()> {
        if let Self::Redis { conn, .. } = self {
            let mut c = conn.clone();
            let _: String = redis::cmd("PING")
                .query_async(&mut c)
                .await
                .context("redis ping")?;
        }
        Ok(())
    }

    /// Takes one event from each bucket, in one round trip to Redis: either
    /// from all of them, or, when one is spent, from none. `Ok(None)` when
    /// allowed; `Ok(Some((scope, wait)))` names the spent bucket.
    pub async fn rate_limit(
        &self,
        buckets: &[Bucket<'_>],
    ) -> anyhow::Result<Option<(&'static str, Duration)>> {
        match self {
            Self::Redis { conn, prefix, gcra } => {
                let mut c = conn.clone();
                let mut inv = gcra.prepare_invoke();
                for b in buckets {
                    let per_minute = b.per_minute.max(1);
                    inv.key(format!("{prefix}rl:{}:{}", b.scope, b.key))
                        .arg((60_000 / u64::from(per_minute)).max(1))
                        .arg(per_minute);
                }
                let (spent, wait_ms): (usize, u64) =
                    inv.invoke_async(&mut c).await.context("redis rate limit")?;
                Ok(spent
                    .checked_sub(1)
                    .and_then(|i| buckets.get(i))
                    .map(|b| (b.scope, Duration::from_millis(wait_ms))))
            }
            Self::Local(local) => {
                // governor cannot look without taking: in process, the
                // buckets before a spent one have counted the request.
                for b in buckets {
                    let limiter = local.limiter(b.scope, b.per_minute.max(1))?;
                    if let Err(not_until) = limiter.check_key(&b.key.to_owned()) {
                        let now = governor::clock::DefaultClock::default().now();
                        return Ok(Some((b.scope, not_until.wait_time_from(now))));
                    }
                }
                Ok(None)
            }
        }
    }

    /// A shared value (e.g. the WeChat access token), if set and not expired.
    pub async fn kv_get(&self, key: &str) -> anyhow::Result<Option<String>> {
        match self {
            Self::Redis { conn, prefix, .. } => {
                let mut c = conn.clone();
                redis::cmd("GET")
                    .arg(format!("{prefix}kv:{key}"))
                    .query_async(&mut c)
                    .await
                    .context("redis get")
            }
            Self::Local(local) => {
                let map = local
                    .kv
                    .lock()
                    .map_err(|_| anyhow::anyhow!("kv lock poisoned"))?;
                Ok(map
                    .get(key)
                    .filter(|(_, until)| *until > std::time::Instant::now())
                    .map(|(v, _)| v.clone()))
            }
        }
    }

    /// Sets a shared value that expires after `ttl`.
    pub async fn kv_set(&self, key: &str, value: &str, ttl: Duration) -> anyhow::Result<()> {
        match self {
            Self::Redis { conn, prefix, .. } => {
                let mut c = conn.clone();
                let _: () = redis::cmd("SET")
                    .arg(format!("{prefix}kv:{key}"))
                    .arg(value)
                    .arg("PX")
                    .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1))
                    .query_async(&mut c)
                    .await
                    .context("redis set")?;
            }
            Self::Local(local) => {
                let mut map = local
                    .kv
                    .lock()
                    .map_err(|_| anyhow::anyhow!("kv lock poisoned"))?;
                map.insert(
                    key.to_owned(),
                    (value.to_owned(), std::time::Instant::now() + ttl),
                );
            }
        }
        Ok(())
    }

    /// Sets `key` for `ttl` unless it is set already: true the first time
    /// in the window, on every node (a nonce seen once).
    pub async fn kv_set_once(&self, key: &str, ttl: Duration) -> anyhow::Result<bool> {
        let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        match self {
            Self::Redis { conn, prefix, .. } => {
                let mut c = conn.clone();
                let set: Option<String> = redis::cmd("SET")
                    .arg(format!("{prefix}kv:{key}"))
                    .arg("1")
                    .arg("NX")
                    .arg("PX")
                    .arg(ms)
                    .query_async(&mut c)
                    .await
                    .context("redis set nx")?;
                Ok(set.is_some())
            }
            Self::Local(local) => {
                let mut map = local
                    .kv
                    .lock()
                    .map_err(|_| anyhow::anyhow!("kv lock poisoned"))?;
                let now = std::time::Instant::now();
                if map.get(key).is_some_and(|(_, until)| *until > now) {
                    return Ok(false);
                }
                if map.len() > 10_000 {
                    map.retain(|_, (_, until)| *until > now);
                }
                map.insert(key.to_owned(), ("1".to_owned(), now + ttl));
                Ok(true)
            }
        }
    }

    /// Deletes a shared value only if it still holds `value` (so a node does
    /// not drop a token another node just refreshed).
    pub async fn kv_del_if(&self, key: &str, value: &str) -> anyhow::Result<()> {
        match self {
            Self::Redis { conn, prefix, .. } => {
                let mut c = conn.clone();
                let _: i64 = redis::Script::new(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                )
                .key(format!("{prefix}kv:{key}"))
                .arg(value)
                .invoke_async(&mut c)
                .await
                .context("redis conditional delete")?;
            }
            Self::Local(local) => {
                let mut map = local
                    .kv
                    .lock()
                    .map_err(|_| anyhow::anyhow!("kv lock poisoned"))?;
                if map.get(key).is_some_and(|(v, _)| v == value) {
                    map.remove(key);
                }
            }
        }
        Ok(())
    }
}

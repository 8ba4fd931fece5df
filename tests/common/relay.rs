//! A TCP relay for taking a real part down and up again in a test.

/// A TCP relay in front of a server that a test can cut and restore, as
/// if the server went down and came back: while cut, connections are
/// refused at once and open ones are dropped.
#[derive(Clone)]
pub struct Relay {
    /// host:port to connect to instead of the server.
    pub addr: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Relay {
    pub async fn start(target: &str) -> Self {
        let target = target.split_once("://").map_or(target, |(_, t)| t);
        let target = target.split('/').next().unwrap_or(target).to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay = Self {
            addr: listener.local_addr().unwrap().to_string(),
            up: Default::default(),
            open: Default::default(),
        };
        relay.set_up(true);
        let r = relay.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                if !r.up.load(std::sync::atomic::Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                r.open.lock().unwrap().push(task.abort_handle());
            }
        });
        relay
    }

    /// Cuts (`false`) or restores (`true`) the server.
    pub fn set_up(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            for t in self.open.lock().unwrap().drain(..) {
                t.abort();
            }
        }
    }
}

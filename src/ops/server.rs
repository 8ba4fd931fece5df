//! The HTTP server: poem's endpoint served by hyper directly, for the
//! timeouts poem's own server does not set. A request head must arrive
//! within `limits.header_read_secs` of the connection waiting for one (a
//! client that trickles its headers a byte a second is cut), which on
//! HTTP/1.1 also closes keep-alive connections left idle that long; and a
//! connection that moves no byte either way for `limits.idle_secs` is
//! closed (a stalled upload body, an idle HTTP/2 connection) — except that
//! while a handler is still working on a request (a large export before
//! its first byte) the read side does not count. At shutdown the listener
//! closes, requests in flight get the grace period, and what is still open
//! then is dropped.

use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use poem::{
    Addr, Endpoint, Response,
    http::uri::Scheme,
    web::{LocalAddr, RemoteAddr},
};
use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The server's timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header_read: Duration,
    pub idle: Duration,
    pub grace: Duration,
}

/// Serves `ep` on `listener` until `shutdown` resolves.
pub async fn serve<E>(
    listener: tokio::net::TcpListener,
    ep: E,
    shutdown: impl Future<Output = ()> + Send,
    t: Timeouts,
) -> anyhow::Result<()>
where
    E: Endpoint<Output = Response> + 'static,
{
    let ep = Arc::new(ep);
    let local = listener.local_addr()?;
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(t.header_read);
    // No HTTP/2 keep-alive pings: they would count as traffic and keep an
    // idle connection open past `idle`.
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut open = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ep = ep.clone();
        let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let in_flight = busy.clone();
        let service = hyper::service::service_fn(move |req| {
            let ep = ep.clone();
            let working = Working::start(&in_flight);
            async move {
                let _working = working;
                let req: poem::Request = (
                    req,
                    LocalAddr(Addr::SocketAddr(local)),
                    RemoteAddr(Addr::SocketAddr(peer)),
                    Scheme::HTTP,
                )
                    .into();
                Ok::<_, Infallible>(hyper::Response::from(ep.get_response(req).await))
            }
        });
        let io = TokioIo::new(Idle::new(stream, t.idle, busy));
        let conn = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let conn = graceful.watch(conn);
        while open.try_join_next().is_some() {}
        open.spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(t.grace) => {
            tracing::warn!(open = open.len(), "grace period over; closing the connections still open");
        }
    }
    open.abort_all();
    Ok(())
}

/// Counts a request of the connection as in flight until dropped (answered,
/// or cancelled with its connection).
struct Working(Arc<std::sync::atomic::AtomicUsize>);

impl Working {
    fn start(count: &Arc<std::sync::atomic::AtomicUsize>) -> Self {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Self(count.clone())
    }
}

impl Drop for Working {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A connection that fails once no byte has moved either way for `idle`;
/// reads do not expire while a request of the connection is in flight
/// (`busy`), writes always do (a client that stopped reading).
struct Idle<S> {
    inner: S,
    idle: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
    busy: Arc<std::sync::atomic::AtomicUsize>,
}

impl<S> Idle<S> {
    fn new(inner: S, idle: Duration, busy: Arc<std::sync::atomic::AtomicUsize>) -> Self {
        Self {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            busy,
        }
    }

    fn working(&self) -> bool {
        self.busy.load(std::sync::atomic::Ordering::SeqCst) > 0
    }

    fn moved(&mut self) {
        let next = tokio::time::Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }

    /// A write's outcome: bytes out count as activity; a write blocked
    /// past the deadline is a client that stopped reading.
    fn wrote(
        &mut self,
        r: Poll<std::io::Result<usize>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<usize>> {
        match r {
            Poll::Ready(Ok(n)) if n > 0 => {
                self.moved();
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "connection idle")
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.moved();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.working() => {
                self.moved();
                Poll::Pending
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.wrote(r, cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.wrote(r, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

//! The HTTP server: both simulated servers on one loopback port (the crate's README lists the
//! paths, actions, statuses and limits).
//!
//! hyper serves HTTP/1.1 on a tokio runtime of two worker threads in a thread of its own; every
//! SOAP request is handled on a blocking thread, one request at a time per simulated server
//! (each sits behind a lock). Bounds: [`Limits`] (connections at once, header, body and
//! connection timeouts, body size); the accept loop and every connection end when
//! [`Running::stop`] is called (in-flight requests are answered first, for at most
//! [`Limits::drain`]).

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener as StdListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use drm_servers::crypto::{KeyPair, PublicKeyBytes};
use drm_servers::error::{STATUS_INTERNAL_ERROR, STATUS_INVALID_MESSAGE};
use drm_servers::license_server::{Decision, Grant, LicenseServer};
use drm_servers::pki::ServerIdentity;
use drm_servers::secure_delete::SecureDeleteServer;
use drm_servers::soap::fault;
use drm_servers::{Backend, Id16, ServerError, TestRng};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

pub mod sim;
use crate::{
    ACTION_ACQUIRE_LICENSE, ACTION_SECURE_DELETE, LICENSE_PATH, MAX_BODY, OUTCOME_HEADER,
    SECURE_DELETE_PATH, SOAP_CONTENT_TYPE,
};

/// Bounds on what one client can hold of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once; one more is closed as soon as it is accepted (logged).
    pub max_connections: usize,
    /// Time for a request's headers to arrive (hyper closes the connection after it).
    pub header_timeout: Duration,
    /// Time for a request's body to arrive (answered with 408 and a fault after it).
    pub body_timeout: Duration,
    /// Longest life of one connection, keep-alive included.
    pub connection_lifetime: Duration,
    /// Longest wait, at stop, for in-flight requests to be answered.
    pub drain: Duration,
    /// Largest request body read ([`MAX_BODY`]); a larger one is answered with 413 and a fault.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(60),
            drain: Duration::from_secs(10),
            max_body: MAX_BODY,
        }
    }
}

/// The keys the two servers run with (the state directory of `drm-sim` keeps them).
#[derive(Debug, Clone)]
pub struct ServerKeys {
    /// The key license challenges are encrypted to.
    pub license: KeyPair,
    /// The license server's chain and response-signing key.
    pub license_identity: ServerIdentity,
    /// The key Secure Delete challenges are encrypted to.
    pub secure_delete: KeyPair,
    /// The root device chains must verify to.
    pub root: PublicKeyBytes,
}

/// What to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The port on 127.0.0.1; 0: chosen by the OS ([`Running::addr`] tells which).
    pub port: u16,
    /// The SQLite file of the records (created when missing).
    pub database: PathBuf,
    /// The servers' keys.
    pub keys: ServerKeys,
    /// Bounds.
    pub limits: Limits,
    /// Print every log line to standard error as well (faults always are kept in [`Log`]).
    pub echo: bool,
}

/// Why the server did not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The records could not be opened ([`ServerError::Storage`]).
    Records(ServerError),
    /// The port could not be bound, or the runtime not built.
    Io(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Records(e) => write!(f, "{e}"),
            Self::Io(e) => write!(f, "cannot start the HTTP server: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// The last log lines (at most [`Log::CAPACITY`]), shared with the running server.
#[derive(Debug, Clone, Default)]
pub struct Log {
    lines: Arc<Mutex<VecDeque<String>>>,
    echo: bool,
}

impl Log {
    /// Lines kept; older ones are dropped.
    pub const CAPACITY: usize = 4096;

    fn push(&self, line: String) {
        if self.echo {
            eprintln!("{line}");
        }
        let mut l = lock(&self.lines);
        if l.len() == Self::CAPACITY {
            l.pop_front();
        }
        l.push_back(line);
    }

    /// A copy of the lines kept.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        lock(&self.lines).iter().cloned().collect()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Counters of the running server.
#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    ok: AtomicU64,
    faults: AtomicU64,
    connections: AtomicU64,
    refused_connections: AtomicU64,
    connection_errors: AtomicU64,
}

/// What the server has answered since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests answered (any status).
    pub requests: u64,
    /// Answered with 200.
    pub ok: u64,
    /// Answered with a fault (any other status).
    pub faults: u64,
    /// Connections accepted.
    pub connections: u64,
    /// Connections closed at once because [`Limits::max_connections`] were open.
    pub refused_connections: u64,
    /// Connections that ended in an error (header timeout, malformed HTTP, reset).
    pub connection_errors: u64,
}

impl Counters {
    fn snapshot(&self) -> Stats {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            requests: g(&self.requests),
            ok: g(&self.ok),
            faults: g(&self.faults),
            connections: g(&self.connections),
            refused_connections: g(&self.refused_connections),
            connection_errors: g(&self.connection_errors),
        }
    }
}

/// Grants registered through `/sim/grant`; KIDs not in it get [`Grant::content`].
pub(crate) type Grants = Arc<Mutex<HashMap<Id16, Grant>>>;

/// Most grants kept; `/sim/grant` refuses more.
pub(crate) const MAX_GRANTS: usize = 100_000;

/// Everything a request handler needs.
pub(crate) struct App {
    pub(crate) license: Mutex<LicenseServer>,
    pub(crate) secure_delete: Mutex<SecureDeleteServer>,
    pub(crate) backend: Backend,
    pub(crate) grants: Grants,
    pub(crate) keys: ServerKeys,
    counters: Counters,
    log: Log,
    limits: Limits,
}

/// A running server; [`Running::stop`] (or dropping it) stops it.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
    app: Arc<AppHandle>,
}

/// What [`Running`] keeps of the app (the app itself is not `Debug`).
struct AppHandle(Arc<App>);

impl std::fmt::Debug for AppHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

/// Starts both servers on 127.0.0.1 (never another address).
///
/// # Errors
/// [`StartError`].
pub fn start(config: Config) -> Result<Running, StartError> {
    let backend = crate::records::open(&config.database).map_err(StartError::Records)?;
    let listener = StdListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, config.port))
        .map_err(StartError::Io)?;
    listener.set_nonblocking(true).map_err(StartError::Io)?;
    let addr = listener.local_addr().map_err(StartError::Io)?;

    let grants: Grants = Arc::default();
    let mut license = LicenseServer::new(
        backend.clone(),
        config.keys.license.clone(),
        config.keys.root,
        config.keys.license_identity.clone(),
        TestRng::from_os(),
    );
    let policy_grants = grants.clone();
    license.set_policy(Box::new(move |request| {
        let g = lock(&policy_grants);
        Decision::Issue(
            request
                .kids
                .iter()
                .map(|k| (*k, g.get(k).cloned().unwrap_or_else(Grant::content)))
                .collect(),
        )
    }));
    let secure_delete = SecureDeleteServer::new(
        backend.clone(),
        config.keys.secure_delete.clone(),
        config.keys.root,
        TestRng::from_os(),
    );
    let app = Arc::new(App {
        license: Mutex::new(license),
        secure_delete: Mutex::new(secure_delete),
        backend,
        grants,
        keys: config.keys,
        counters: Counters::default(),
        log: Log {
            lines: Arc::default(),
            echo: config.echo,
        },
        limits: config.limits,
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .thread_name("drm-servers-http")
        .build()
        .map_err(StartError::Io)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let served = app.clone();
    let thread = std::thread::Builder::new()
        .name("drm-servers-http".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => accept_loop(l, served, stop_rx).await,
                    Err(e) => served.log.push(format!("listener: {e}")),
                }
            });
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
        .map_err(StartError::Io)?;
    app.log.push(format!("listening on http://{addr}"));
    Ok(Running {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
        app: Arc::new(AppHandle(app)),
    })
}

impl Running {
    /// The address served (127.0.0.1 and the port).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server has answered so far.
    #[must_use]
    pub fn stats(&self) -> Stats {
        self.app.0.counters.snapshot()
    }

    /// The server's log.
    #[must_use]
    pub fn log(&self) -> Log {
        self.app.0.log.clone()
    }

    /// The shared records (in-process reads).
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.app.0.backend.clone()
    }

    /// Stops accepting, answers the requests in flight (for at most [`Limits::drain`]), closes
    /// every connection and the database, and returns when all of it is done.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Blocks until the server stops by itself (it does not: until the process is ended).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(app.limits.max_connections));
    let mut connections = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = stop.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            a = listener.accept() => a,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of descriptors and the like: wait a little, do not spin.
                app.log.push(format!("accept: {e}"));
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        app.counters.connections.fetch_add(1, Ordering::Relaxed);
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            app.counters
                .refused_connections
                .fetch_add(1, Ordering::Relaxed);
            app.log.push(format!(
                "{peer}: closed at once: {} connections open",
                app.limits.max_connections
            ));
            drop(stream);
            continue;
        };
        let app = app.clone();
        let stop = stop.clone();
        connections.spawn(async move {
            serve_connection(stream, peer, app, stop).await;
            drop(slot);
        });
    }
    drop(listener);
    let drain = app.limits.drain;
    let all_done = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(drain, all_done).await.is_err() {
        app.log.push(format!(
            "stop: connections still open after {drain:?}: closed"
        ));
        connections.shutdown().await;
    }
    app.log.push("stopped".into());
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let limits = app.limits;
    let service_app = app.clone();
    let service = hyper::service::service_fn(move |req| {
        let app = service_app.clone();
        async move { Ok::<_, Infallible>(handle(app, peer, req).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(64 * 1024)
        .keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let lifetime = tokio::time::sleep(limits.connection_lifetime);
    tokio::pin!(lifetime);
    let mut stopping = *stop.borrow();
    if stopping {
        conn.as_mut().graceful_shutdown();
    }
    let result = loop {
        tokio::select! {
            r = conn.as_mut() => break r,
            changed = stop.changed(), if !stopping => {
                stopping = true;
                let _ = changed;
                conn.as_mut().graceful_shutdown();
            }
            () = &mut lifetime => {
                app.log.push(format!("{peer}: connection closed after {:?}", limits.connection_lifetime));
                return;
            }
        }
    };
    if let Err(e) = result {
        app.counters
            .connection_errors
            .fetch_add(1, Ordering::Relaxed);
        app.log.push(format!("{peer}: connection ended: {e}"));
    }
}

/// A response: status, content type, body, and the outcome header's value.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: String,
    pub(crate) outcome: String,
}

impl Answer {
    /// A SOAP fault with this HTTP status, PlayReady status and message.
    pub(crate) fn fault(status: StatusCode, code: u32, message: &str) -> Self {
        Self {
            status,
            content_type: SOAP_CONTENT_TYPE,
            body: fault(code, message),
            outcome: format!("fault: {message}"),
        }
    }

    fn invalid(status: StatusCode, message: &str) -> Self {
        Self::fault(status, STATUS_INVALID_MESSAGE, message)
    }
}

async fn handle(app: Arc<App>, peer: SocketAddr, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let action = req
        .headers()
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_matches('"').to_owned());
    let answer = route(&app, req, action.as_deref()).await;
    app.counters.requests.fetch_add(1, Ordering::Relaxed);
    if answer.status == StatusCode::OK {
        app.counters.ok.fetch_add(1, Ordering::Relaxed);
    } else {
        app.counters.faults.fetch_add(1, Ordering::Relaxed);
    }
    app.log.push(format!(
        "{peer} {method} {path} {} -> {} {}",
        action.as_deref().unwrap_or("-"),
        answer.status.as_u16(),
        answer.outcome
    ));
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = answer.status;
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
    if answer.status == StatusCode::METHOD_NOT_ALLOWED {
        h.insert(ALLOW, HeaderValue::from_static("POST"));
    }
    // The outcome header is the simulation's own (not PlayReady's): visible ASCII only.
    let outcome: String = answer
        .outcome
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(300)
        .collect();
    if let Ok(v) = HeaderValue::from_str(&outcome) {
        h.insert(OUTCOME_HEADER, v);
    }
    response
}

/// Which SOAP server a path is, and its action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Soap {
    License,
    SecureDelete,
}

async fn route(app: &Arc<App>, req: Request<Incoming>, action: Option<&str>) -> Answer {
    let path = req.uri().path().to_owned();
    let soap = match path.as_str() {
        LICENSE_PATH => Some((Soap::License, ACTION_ACQUIRE_LICENSE)),
        SECURE_DELETE_PATH => Some((Soap::SecureDelete, ACTION_SECURE_DELETE)),
        _ => None,
    };
    let Some((server, expected)) = soap else {
        if path.starts_with(sim::PREFIX) {
            let method = req.method().clone();
            let body = match read_body(app, req).await {
                Ok(b) => b,
                Err(a) => return a,
            };
            let app = app.clone();
            return blocking(move || sim::handle(&app, &method, &path, &body)).await;
        }
        return Answer::invalid(StatusCode::NOT_FOUND, &format!("no service at {path}"));
    };
    if req.method() != Method::POST {
        return Answer::invalid(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{} is not POST", req.method()),
        );
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !is_soap_content_type(content_type) {
        return Answer::invalid(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!("Content-Type {content_type:?} is not {SOAP_CONTENT_TYPE:?}"),
        );
    }
    match action {
        Some(a) if a == expected => {}
        Some(a) => {
            return Answer::invalid(
                StatusCode::BAD_REQUEST,
                &format!("SOAPAction {a:?} is not served at {path} (it serves {expected:?})"),
            );
        }
        None => {
            return Answer::invalid(StatusCode::BAD_REQUEST, "no SOAPAction header");
        }
    }
    let body = match read_body(app, req).await {
        Ok(b) => b,
        Err(a) => return a,
    };
    let app = app.clone();
    blocking(move || soap_request(&app, server, &body)).await
}

/// `text/xml`, and if a charset is named, UTF-8.
fn is_soap_content_type(v: &str) -> bool {
    let mut parts = v.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("text/xml"))
    {
        return false;
    }
    parts.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
            let v = v.trim().trim_matches('"');
            v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

async fn blocking(f: impl FnOnce() -> Answer + Send + 'static) -> Answer {
    match tokio::task::spawn_blocking(f).await {
        Ok(a) => a,
        Err(e) => Answer::fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            STATUS_INTERNAL_ERROR,
            &format!("request handler failed: {e}"),
        ),
    }
}

async fn read_body(app: &App, req: Request<Incoming>) -> Result<Bytes, Answer> {
    let max = app.limits.max_body;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(Answer::invalid(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("body over {max} bytes"),
        ));
    }
    let limited = Limited::new(req.into_body(), max);
    match tokio::time::timeout(app.limits.body_timeout, limited.collect()).await {
        Err(_) => Err(Answer::invalid(
            StatusCode::REQUEST_TIMEOUT,
            &format!("body not received within {:?}", app.limits.body_timeout),
        )),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(Answer::invalid(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("body over {max} bytes"),
        )),
        Ok(Err(e)) => Err(Answer::invalid(
            StatusCode::BAD_REQUEST,
            &format!("body not received whole: {e}"),
        )),
        Ok(Ok(c)) => Ok(c.to_bytes()),
    }
}

fn soap_request(app: &App, server: Soap, body: &[u8]) -> Answer {
    let (xml, outcome) = match server {
        Soap::License => {
            let reply = lock(&app.license).handle(body);
            let outcome = reply.outcome.map(|o| {
                format!(
                    "issued {} licenses, session {}",
                    o.licenses.len(),
                    crate::hex(&o.session_id)
                )
            });
            (reply.xml, outcome)
        }
        Soap::SecureDelete => {
            let reply = lock(&app.secure_delete).handle(body);
            let outcome = reply.outcome.map(|o| match o.result {
                Some(drm_servers::backend::DeleteResult::Deleted { removed }) => {
                    format!("deleted {removed}")
                }
                Some(drm_servers::backend::DeleteResult::AlreadyDeleted) => {
                    "already-deleted".into()
                }
                Some(drm_servers::backend::DeleteResult::UnknownSession) => {
                    "unknown-session".into()
                }
                None => "not recorded".into(),
            });
            (reply.xml, outcome)
        }
    };
    match outcome {
        Ok(outcome) => Answer {
            status: StatusCode::OK,
            content_type: SOAP_CONTENT_TYPE,
            body: xml,
            outcome,
        },
        // SOAP 1.1 §6.2: a fault goes with 500.
        Err(e) => Answer {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            content_type: SOAP_CONTENT_TYPE,
            body: xml,
            outcome: format!("fault: {e}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::is_soap_content_type;

    #[test]
    fn soap_content_types() {
        for ok in [
            "text/xml",
            "text/xml; charset=utf-8",
            "Text/XML;charset=\"UTF-8\"",
        ] {
            assert!(is_soap_content_type(ok), "{ok}");
        }
        for bad in [
            "",
            "application/json",
            "text/xml; charset=iso-8859-1",
            "text/xmlx",
            "application/soap+xml",
        ] {
            assert!(!is_soap_content_type(bad), "{bad}");
        }
    }
}

//! A fault-injecting, recording HTTP/1.1 proxy for the reliability tests (and `examples/fault_proxy.rs`).
//!
//! lambdash is pointed at it with `--endpoint-url`; it forwards every request to the emulator and, at the
//! configured rates, instead:
//!
//! - answers with the throttling error of the request's protocol (the SDK crates lambdash uses speak
//!   three): awsJson (CloudWatch Logs, SQS: `X-Amz-Target`) gets HTTP 400
//!   `{"__type":"ThrottlingException"}`; awsQuery (CloudWatch, STS: a form body with `Action=`) gets
//!   HTTP 400 `<ErrorResponse><Error><Code>Throttling</Code>…`; restJson (Lambda) gets HTTP 429 with
//!   `x-amzn-ErrorType: TooManyRequestsException` — the codes `src/aws/error.rs` and the SDK's retry
//!   classifier both read as throttling;
//! - answers HTTP 500 (`InternalServerError`) or 503 (`ServiceUnavailable`), in the same shapes;
//! - resets the connection (RST, after reading the request);
//! - adds latency before answering (every request).
//!
//! It records every request it receives (method, path, `X-Amz-Target`, the query `Action`, the body) so a
//! test can prove which operations reached the endpoint. When the upstream cannot be reached it resets
//! the client's connection, as a dead endpoint would.
//!
//! Quota mode (`super::quota`): AWS's request quotas per (region, quota group) as token buckets, a
//! request over its quota answered with AWS's throttling error for its protocol (Lambda:
//! `{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}`), a simulated rest of
//! the account drawing a share of every quota from the same buckets, per-operation and per-group counts,
//! and optionally ListFunctions in pages of 50 (the emulator answers in one page).
//!
//! Control over HTTP (for scripts): `GET /__proxy/stats` returns the counters as JSON (with a `quota`
//! object in quota mode); `POST /__proxy/faults` with a body like
//! `throttle=0.3,5xx=0.1,reset=0.05,latency=2s` sets the faults (`none` turns them off);
//! `POST /__proxy/quota` with `scale=1,rest=0.667,pages=50` (or `on`, or `off`) sets the quota mode;
//! `POST /__proxy/reset-stats` zeroes every counter.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

// Explicit paths: this file is also compiled as `examples/fault_proxy.rs`'s `#[path]` module.
#[path = "fault_proxy/pages.rs"]
mod pages;
#[path = "fault_proxy/quota.rs"]
pub mod quota;
#[path = "fault_proxy/wire.rs"]
mod wire;

use pages::list_functions_page;
use quota::{Call, Quota, QuotaSpec, identify};
use wire::{Request, aws_error, find, read_request, reset, respond, throttle};

/// What to inject, as probabilities per request (0.0–1.0) and a latency added to every request.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Faults {
    pub throttle: f64,
    pub server_error: f64,
    pub reset: f64,
    pub latency: Duration,
}

impl Faults {
    /// No faults: a transparent proxy.
    pub const NONE: Faults = Faults {
        throttle: 0.0,
        server_error: 0.0,
        reset: 0.0,
        latency: Duration::ZERO,
    };

    /// The soak mix: 30 % throttling, 10 % 5xx, 5 % resets, 2 s latency.
    pub fn soak() -> Self {
        Self {
            throttle: 0.3,
            server_error: 0.1,
            reset: 0.05,
            latency: Duration::from_secs(2),
        }
    }

    /// Every request fails (throttling or 5xx, alternately by chance): the endpoint is unusable.
    pub fn outage() -> Self {
        Self {
            throttle: 0.5,
            server_error: 0.5,
            reset: 0.0,
            latency: Duration::ZERO,
        }
    }

    /// Parses `throttle=0.3,5xx=0.1,reset=0.05,latency=2s` (any subset, any order) or `none`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut faults = Self::NONE;
        let spec = spec.trim();
        if spec.is_empty() || spec == "none" {
            return Ok(faults);
        }
        for part in spec.split(',') {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}`: expected KEY=VALUE"))?;
            let rate = || -> Result<f64, String> {
                let r: f64 = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{key}: `{value}` is not a number"))?;
                if (0.0..=1.0).contains(&r) {
                    Ok(r)
                } else {
                    Err(format!("{key}: {r} is not between 0 and 1"))
                }
            };
            match key.trim() {
                "throttle" => faults.throttle = rate()?,
                "5xx" | "server_error" => faults.server_error = rate()?,
                "reset" => faults.reset = rate()?,
                "latency" => {
                    let v = value.trim();
                    faults.latency = if let Some(ms) = v.strip_suffix("ms") {
                        Duration::from_millis(ms.parse().map_err(|_| format!("latency: `{v}`"))?)
                    } else if let Some(s) = v.strip_suffix('s') {
                        Duration::from_secs_f64(s.parse().map_err(|_| format!("latency: `{v}`"))?)
                    } else {
                        return Err(format!("latency: `{v}` needs a unit (ms or s)"));
                    };
                }
                other => {
                    return Err(format!(
                        "unknown fault `{other}` (throttle, 5xx, reset, latency)"
                    ));
                }
            }
        }
        if faults.throttle + faults.server_error + faults.reset > 1.0 {
            return Err("throttle + 5xx + reset must not exceed 1".to_string());
        }
        Ok(faults)
    }
}

/// Counters since the proxy started (or since [`FaultProxy::reset_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received (control requests excluded).
    pub requests: u64,
    /// Forwarded to the upstream and answered by it.
    pub forwarded: u64,
    pub throttled: u64,
    pub server_errors: u64,
    pub resets: u64,
    /// Requests that waited the added latency.
    pub delayed: u64,
    /// Requests whose upstream could not be reached (the client's connection was reset).
    pub upstream_down: u64,
}

impl Stats {
    /// Faults injected on purpose (upstream failures excluded).
    pub fn injected(&self) -> u64 {
        self.throttled + self.server_errors + self.resets
    }

    pub fn to_json(self) -> String {
        format!(
            "{{\"requests\":{},\"forwarded\":{},\"throttled\":{},\"server_errors\":{},\"resets\":{},\"delayed\":{},\"upstream_down\":{}}}",
            self.requests,
            self.forwarded,
            self.throttled,
            self.server_errors,
            self.resets,
            self.delayed,
            self.upstream_down
        )
    }
}

/// The wire protocol of a request, which decides the shape of an injected error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// awsJson1.0 / 1.1: `POST /` with `X-Amz-Target: Service.Operation` (CloudWatch Logs, SQS).
    AwsJson,
    /// awsQuery: `POST /` with a form body `Action=Operation&…` (CloudWatch, STS).
    AwsQuery,
    /// restJson1: the operation is in the method and path (Lambda).
    RestJson,
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query string.
    pub path: String,
    /// `X-Amz-Target`, if any.
    pub target: Option<String>,
    /// `Action=` from the query string or the form body, if any.
    pub action: Option<String>,
    pub protocol: Protocol,
    /// The body as text (lossy), at most 8 KiB.
    pub body: String,
}

impl Recorded {
    /// The operation's name for JSON and query protocols (`FilterLogEvents`, `DescribeAlarms`), or
    /// `METHOD /path` for REST.
    pub fn operation(&self) -> String {
        if let Some(target) = &self.target {
            return target.rsplit('.').next().unwrap_or(target).to_string();
        }
        if let Some(action) = &self.action {
            return action.clone();
        }
        format!("{} {}", self.method, self.path)
    }
}

struct Shared {
    upstream: Mutex<String>,
    faults: Mutex<Faults>,
    stats: Mutex<Stats>,
    recorded: Mutex<Vec<Recorded>>,
    rng: Mutex<fastrand::Rng>,
    next_id: Mutex<u64>,
    quota: Mutex<Option<Quota>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: JoinHandle<()>,
    /// The simulated rest of the account (idle unless the quota mode has a `rest` share).
    rest: JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.rest.abort();
    }
}

/// `http://host:port[/]` → `host:port`.
fn host_port(url: &str) -> String {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or(url)
        .trim_end_matches('/');
    rest.split('/').next().unwrap_or(rest).to_string()
}

impl FaultProxy {
    /// Listens on `127.0.0.1:0` (a free port) and forwards to `upstream` (`http://127.0.0.1:5000`).
    pub async fn start(upstream: &str) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0", upstream, 0x5eed).await
    }

    /// Listens on `listen`; `seed` makes the fault draws repeatable.
    pub async fn start_on(listen: &str, upstream: &str, seed: u64) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream: Mutex::new(host_port(upstream)),
            faults: Mutex::new(Faults::NONE),
            stats: Mutex::new(Stats::default()),
            recorded: Mutex::new(Vec::new()),
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
            next_id: Mutex::new(0),
            quota: Mutex::new(None),
        });
        let rest_shared = shared.clone();
        let rest = tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(20));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Some(q) = lock(&rest_shared.quota).as_mut() {
                    q.rest_tick(std::time::Instant::now());
                }
            }
        });
        let accept_shared = shared.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                tokio::spawn(serve(client, accept_shared.clone()));
            }
        });
        Ok(Self {
            addr,
            shared,
            accept,
            rest,
        })
    }

    /// The URL to give lambdash (`--endpoint-url`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.faults) = faults;
    }

    pub fn faults(&self) -> Faults {
        *lock(&self.shared.faults)
    }

    pub fn stats(&self) -> Stats {
        *lock(&self.shared.stats)
    }

    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = Stats::default();
        if let Some(q) = lock(&self.shared.quota).as_mut() {
            q.reset_stats(std::time::Instant::now());
        }
    }

    /// Turns the quota mode on (or changes it: counters kept) or off (`None`).
    pub fn set_quota(&self, spec: Option<QuotaSpec>) {
        set_quota(&self.shared, spec);
    }

    /// The quota mode's counters (see [`Quota::to_json`]), `None` when it is off.
    pub fn quota_stats(&self) -> Option<serde_json::Value> {
        lock(&self.shared.quota)
            .as_ref()
            .map(|q| q.to_json(std::time::Instant::now()))
    }

    /// Every request received so far, in arrival order.
    pub fn recorded(&self) -> Vec<Recorded> {
        lock(&self.shared.recorded).clone()
    }

    pub fn clear_recorded(&self) {
        lock(&self.shared.recorded).clear();
    }
}

fn set_quota(shared: &Shared, spec: Option<QuotaSpec>) {
    let mut quota = lock(&shared.quota);
    match (quota.as_mut(), spec) {
        (Some(q), Some(spec)) => q.set_spec(spec),
        (_, spec) => *quota = spec.map(|s| Quota::new(s, std::time::Instant::now())),
    }
}

/// The request's quota call, when the quota mode is on, and whether its quota admits it.
fn quota_verdict(shared: &Shared, req: &Request) -> Option<(Call, bool)> {
    let mut quota = lock(&shared.quota);
    let q = quota.as_mut()?;
    let rec = req.record();
    let call = identify(
        &rec.method,
        &rec.path,
        rec.target.as_deref(),
        rec.action.as_deref(),
        req.header("authorization"),
    );
    let admitted = q.admit(&call, std::time::Instant::now());
    Some((call, admitted))
}

/// ListFunctions is answered page by page when the quota mode says so.
fn paginates(shared: &Shared, call: Option<&Call>) -> bool {
    call.is_some_and(|c| c.service == "lambda" && c.operation == "ListFunctions")
        && lock(&shared.quota)
            .as_ref()
            .is_some_and(|q| q.spec.pages > 0)
}

enum Fate {
    Reset,
    Throttle,
    ServerError(u16),
    Forward,
}

async fn serve(mut client: TcpStream, shared: Arc<Shared>) {
    let Ok(Some(req)) = read_request(&mut client).await else {
        return;
    };
    if req.path.starts_with("/__proxy/") {
        let _ = control(&mut client, &req, &shared).await;
        return;
    }
    let id = {
        let mut next = lock(&shared.next_id);
        *next += 1;
        *next
    };
    lock(&shared.recorded).push(req.record());
    let faults = *lock(&shared.faults);
    lock(&shared.stats).requests += 1;
    if !faults.latency.is_zero() {
        lock(&shared.stats).delayed += 1;
        tokio::time::sleep(faults.latency).await;
    }
    let verdict = quota_verdict(&shared, &req);
    if let Some((_, false)) = verdict {
        throttle(&mut client, &req, id).await;
        return;
    }
    let paginate = paginates(&shared, verdict.as_ref().map(|(c, _)| c));
    let fate = {
        let mut rng = lock(&shared.rng);
        let draw = rng.f64();
        if draw < faults.reset {
            Fate::Reset
        } else if draw < faults.reset + faults.throttle {
            Fate::Throttle
        } else if draw < faults.reset + faults.throttle + faults.server_error {
            Fate::ServerError(if rng.bool() { 500 } else { 503 })
        } else {
            Fate::Forward
        }
    };
    match fate {
        Fate::Reset => {
            lock(&shared.stats).resets += 1;
            reset(client);
        }
        Fate::Throttle => {
            lock(&shared.stats).throttled += 1;
            throttle(&mut client, &req, id).await;
        }
        Fate::ServerError(status) => {
            lock(&shared.stats).server_errors += 1;
            let (code, message) = if status == 503 {
                (
                    "ServiceUnavailable",
                    "Service is unavailable, try again later",
                )
            } else {
                ("InternalServerError", "We encountered an internal error")
            };
            let _ = aws_error(&mut client, &req, status, code, message, id).await;
        }
        Fate::Forward => {
            let upstream = lock(&shared.upstream).clone();
            let answered = if paginate {
                list_functions_page(&mut client, &req, &upstream, &shared).await
            } else {
                forward(&mut client, &req, &upstream).await
            };
            match answered {
                Ok(()) => lock(&shared.stats).forwarded += 1,
                Err(Upstream::Unreachable) => {
                    lock(&shared.stats).upstream_down += 1;
                    reset(client);
                }
                Err(Upstream::Broken) => {
                    lock(&shared.stats).upstream_down += 1;
                }
            }
        }
    }
}

enum Upstream {
    /// Could not connect or send: nothing was written to the client yet.
    Unreachable,
    /// Failed after part of the answer was written.
    Broken,
}

/// Sends `req` to `upstream` with `Connection: close`, and copies its answer back (with
/// `Connection: close` too: one request per client connection keeps the proxy simple).
async fn forward(client: &mut TcpStream, req: &Request, upstream: &str) -> Result<(), Upstream> {
    let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(upstream));
    let Ok(Ok(mut up)) = connect.await else {
        return Err(Upstream::Unreachable);
    };
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.path);
    for (name, value) in &req.headers {
        if ["connection", "keep-alive", "expect", "proxy-connection"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
        {
            continue;
        }
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&req.body);
    if up.write_all(&out).await.is_err() {
        return Err(Upstream::Unreachable);
    }
    // The answer's head: rewrite its connection headers, then stream the rest as it comes.
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        match up.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(Upstream::Unreachable),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut rewritten = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        let name = line.split(':').next().unwrap_or_default().trim();
        if i > 0
            && (name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("keep-alive"))
        {
            continue;
        }
        rewritten.push_str(line);
        rewritten.push_str("\r\n");
    }
    rewritten.push_str("Connection: close\r\n\r\n");
    let mut sent = rewritten.into_bytes();
    sent.extend_from_slice(&buf[head_end + 4..]);
    if client.write_all(&sent).await.is_err() {
        return Err(Upstream::Broken);
    }
    if tokio::io::copy(&mut up, client).await.is_err() {
        return Err(Upstream::Broken);
    }
    let _ = client.shutdown().await;
    Ok(())
}

async fn control(client: &mut TcpStream, req: &Request, shared: &Shared) -> std::io::Result<()> {
    let json = ("Content-Type", "application/json".to_string());
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/__proxy/stats") => {
            let stats = *lock(&shared.stats);
            let quota = lock(&shared.quota)
                .as_ref()
                .map(|q| q.to_json(std::time::Instant::now()));
            let body = match quota {
                Some(q) => {
                    let mut all: serde_json::Value =
                        serde_json::from_str(&stats.to_json()).unwrap_or_default();
                    all["quota"] = q;
                    all.to_string()
                }
                None => stats.to_json(),
            };
            respond(client, 200, "OK", &[json], &body).await
        }
        ("POST", "/__proxy/faults") => match Faults::parse(&String::from_utf8_lossy(&req.body)) {
            Ok(f) => {
                *lock(&shared.faults) = f;
                respond(client, 200, "OK", &[json], &format!("\"{f:?}\"")).await
            }
            Err(e) => respond(client, 400, "Bad Request", &[], &e).await,
        },
        ("POST", "/__proxy/quota") => match QuotaSpec::parse(&String::from_utf8_lossy(&req.body)) {
            Ok(spec) => {
                set_quota(shared, spec);
                respond(client, 200, "OK", &[json], &format!("\"{spec:?}\"")).await
            }
            Err(e) => respond(client, 400, "Bad Request", &[], &e).await,
        },
        ("POST", "/__proxy/reset-stats") => {
            *lock(&shared.stats) = Stats::default();
            if let Some(q) = lock(&shared.quota).as_mut() {
                q.reset_stats(std::time::Instant::now());
            }
            respond(client, 200, "OK", &[], "").await
        }
        _ => respond(client, 404, "Not Found", &[], "unknown proxy control path").await,
    }
}

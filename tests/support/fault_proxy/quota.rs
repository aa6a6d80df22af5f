//! The fault proxy's quota mode: AWS's per-account, per-region request quotas, enforced the way AWS
//! does (a token bucket per quota group, 1 s of burst), with a simulated rest of the account drawing on
//! the same buckets.
//!
//! - [`Group`]: the quota groups and their default rates — Lambda's control plane (15/s, shared by every
//!   Lambda API but GetFunction 100/s, GetPolicy 15/s and Invoke, unlimited), CloudWatch Logs
//!   (FilterLogEvents 5/s, GetLogEvents 25/s, other 5/s), CloudWatch (GetMetricData 50/s,
//!   DescribeAlarms 9/s, other 9/s); SQS and STS unlimited. [`identify`] maps a request to its region,
//!   operation and group (region and service from the SigV4 credential scope).
//! - [`Bucket`]: a token bucket, refilled at the rate, holding at most one second of tokens.
//! - [`QuotaSpec`]: `scale=0.2,rest=0.667,pages=50` — the rates' scale factor, the share of every quota
//!   the rest of the account uses, and the ListFunctions page size (0: as the upstream answers).
//! - [`Quota`]: the buckets, the counters (per operation; per group: total, throttled, busiest 1 s and
//!   10 s, per minute; the rest of the account's attempts and refusals) and the ListFunctions page cache.
//!   [`Quota::rest_tick`] is the simulated rest of the account: called often, it takes tokens at
//!   `rest × rate` from every bucket (nothing is sent upstream) and counts the refusals.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A quota group: requests that share one AWS rate limit per account and region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Every Lambda control-plane API but the three below: 15/s.
    LambdaControl,
    /// Lambda GetFunction: 100/s.
    LambdaGetFunction,
    /// Lambda GetPolicy: 15/s.
    LambdaGetPolicy,
    /// Lambda Invoke (data plane): no request-rate quota.
    LambdaInvoke,
    /// CloudWatch Logs FilterLogEvents: 5/s.
    LogsFilter,
    /// CloudWatch Logs GetLogEvents: 25/s.
    LogsGet,
    /// Every other CloudWatch Logs API: 5/s.
    LogsOther,
    /// CloudWatch GetMetricData: 50/s.
    MetricData,
    /// CloudWatch DescribeAlarms: 9/s.
    DescribeAlarms,
    /// Every other CloudWatch API: 9/s.
    CloudWatchOther,
    /// SQS: no request-rate quota that a console reaches.
    Sqs,
    /// STS: no request-rate quota that a console reaches.
    Sts,
    /// Anything else (IAM, CodeDeploy, unknown): not limited by the proxy.
    Other,
}

impl Group {
    /// Every group, in report order.
    pub const ALL: [Group; 13] = [
        Group::LambdaControl,
        Group::LambdaGetFunction,
        Group::LambdaGetPolicy,
        Group::LambdaInvoke,
        Group::LogsFilter,
        Group::LogsGet,
        Group::LogsOther,
        Group::MetricData,
        Group::DescribeAlarms,
        Group::CloudWatchOther,
        Group::Sqs,
        Group::Sts,
        Group::Other,
    ];

    /// AWS's default rate in requests per second; `None`: unlimited.
    pub fn rate(self) -> Option<f64> {
        match self {
            Group::LambdaControl | Group::LambdaGetPolicy => Some(15.0),
            Group::LambdaGetFunction => Some(100.0),
            Group::LogsFilter | Group::LogsOther => Some(5.0),
            Group::LogsGet => Some(25.0),
            Group::MetricData => Some(50.0),
            Group::DescribeAlarms | Group::CloudWatchOther => Some(9.0),
            Group::LambdaInvoke | Group::Sqs | Group::Sts | Group::Other => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Group::LambdaControl => "lambda-control",
            Group::LambdaGetFunction => "lambda-get-function",
            Group::LambdaGetPolicy => "lambda-get-policy",
            Group::LambdaInvoke => "lambda-invoke",
            Group::LogsFilter => "logs-filter-log-events",
            Group::LogsGet => "logs-get-log-events",
            Group::LogsOther => "logs-other",
            Group::MetricData => "cloudwatch-get-metric-data",
            Group::DescribeAlarms => "cloudwatch-describe-alarms",
            Group::CloudWatchOther => "cloudwatch-other",
            Group::Sqs => "sqs",
            Group::Sts => "sts",
            Group::Other => "other",
        }
    }

    /// The group of `operation` in `service` (the SigV4 signing name: `lambda`, `logs`, `monitoring`,
    /// `sqs`, `sts`, …).
    pub fn of(service: &str, operation: &str) -> Group {
        match service {
            "lambda" => match operation {
                "GetFunction" => Group::LambdaGetFunction,
                "GetPolicy" => Group::LambdaGetPolicy,
                "Invoke" | "InvokeAsync" | "InvokeWithResponseStream" => Group::LambdaInvoke,
                _ => Group::LambdaControl,
            },
            "logs" => match operation {
                "FilterLogEvents" => Group::LogsFilter,
                "GetLogEvents" => Group::LogsGet,
                _ => Group::LogsOther,
            },
            "monitoring" => match operation {
                "GetMetricData" => Group::MetricData,
                "DescribeAlarms" => Group::DescribeAlarms,
                _ => Group::CloudWatchOther,
            },
            "sqs" => Group::Sqs,
            "sts" => Group::Sts,
            _ => Group::Other,
        }
    }
}

/// A token bucket: `rate` tokens a second, at most `burst` held; starts full.
#[derive(Clone, Debug)]
pub struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket refilled at `rate` per second holding one second of tokens (at least one).
    pub fn new(rate: f64, now: Instant) -> Self {
        let burst = rate.max(1.0);
        Self {
            rate,
            burst,
            tokens: burst,
            at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(self.burst);
        self.at = self.at.max(now);
    }

    /// Takes a token if there is one.
    pub fn try_take(&mut self, now: Instant) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Tokens held now (for tests and the stats).
    pub fn tokens(&mut self, now: Instant) -> f64 {
        self.refill(now);
        self.tokens
    }
}

/// How the quota mode runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuotaSpec {
    /// Multiplies every group's rate (and burst): 0.1 makes the Lambda control plane 1.5/s.
    pub scale: f64,
    /// The share of every limited group's quota the simulated rest of the account uses (0–1).
    pub rest: f64,
    /// ListFunctions answered in pages of this many functions with a `NextMarker`; 0: as upstream.
    pub pages: usize,
}

impl Default for QuotaSpec {
    fn default() -> Self {
        Self {
            scale: 1.0,
            rest: 0.0,
            pages: 0,
        }
    }
}

impl QuotaSpec {
    /// Parses `scale=0.2,rest=0.667,pages=50` (any subset; `on` alone: AWS's rates, no rest, no
    /// pages). `Ok(None)` for `off`.
    pub fn parse(spec: &str) -> Result<Option<Self>, String> {
        let spec = spec.trim();
        let mut out = Self::default();
        match spec {
            "off" | "none" | "" => return Ok(None),
            "on" => return Ok(Some(out)),
            _ => {}
        }
        for part in spec.split(',') {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}`: expected KEY=VALUE"))?;
            let value = value.trim();
            let number = || -> Result<f64, String> {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| format!("{key}: `{value}` is not a non-negative number"))
            };
            match key.trim() {
                "scale" => {
                    out.scale = number()?;
                    if out.scale == 0.0 {
                        return Err("scale: must be above 0".to_string());
                    }
                }
                "rest" => {
                    out.rest = number()?;
                    if out.rest > 1.0 {
                        return Err(format!("rest: {} is not between 0 and 1", out.rest));
                    }
                }
                "pages" => {
                    out.pages = value
                        .parse()
                        .map_err(|_| format!("pages: `{value}` is not a count"))?;
                }
                other => {
                    return Err(format!(
                        "unknown quota setting `{other}` (scale, rest, pages)"
                    ));
                }
            }
        }
        Ok(Some(out))
    }
}

/// What a request is, for the quotas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub region: String,
    /// The SigV4 signing name (`lambda`, `logs`, `monitoring`, `sqs`, `sts`).
    pub service: String,
    pub operation: String,
    pub group: Group,
}

/// Region and service from `Authorization: AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, …`.
pub fn credential_scope(authorization: &str) -> Option<(String, String)> {
    let scope = authorization.split("Credential=").nth(1)?;
    let scope = scope.split([',', ' ']).next()?;
    let mut parts = scope.split('/').skip(2);
    let region = parts.next()?.to_string();
    let service = parts.next()?.to_string();
    Some((region, service))
}

/// The operation of a Lambda REST request (`GET /2015-03-31/functions/f/configuration` →
/// `GetFunctionConfiguration`); `METHOD resource/{}` for an API this table does not name.
pub fn lambda_operation(method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).skip(1).collect();
    let shape: Vec<&str> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| if i % 2 == 1 { "{}" } else { *s })
        .collect();
    let name = match (method, shape.as_slice()) {
        ("GET", ["functions"]) => "ListFunctions",
        ("POST", ["functions"]) => "CreateFunction",
        ("GET", ["functions", _]) => "GetFunction",
        ("DELETE", ["functions", _]) => "DeleteFunction",
        ("GET", ["functions", _, "configuration"]) => "GetFunctionConfiguration",
        ("PUT", ["functions", _, "configuration"]) => "UpdateFunctionConfiguration",
        ("PUT", ["functions", _, "code"]) => "UpdateFunctionCode",
        ("POST", ["functions", _, "invocations"]) => "Invoke",
        ("POST", ["functions", _, "invoke-async"]) => "InvokeAsync",
        ("POST", ["functions", _, "response-streaming-invocations"]) => "InvokeWithResponseStream",
        ("GET", ["functions", _, "policy"]) => "GetPolicy",
        ("GET", ["functions", _, "aliases"]) => "ListAliases",
        ("POST", ["functions", _, "aliases"]) => "CreateAlias",
        ("GET", ["functions", _, "aliases", _]) => "GetAlias",
        ("PUT", ["functions", _, "aliases", _]) => "UpdateAlias",
        ("GET", ["functions", _, "versions"]) => "ListVersionsByFunction",
        ("POST", ["functions", _, "versions"]) => "PublishVersion",
        ("GET", ["functions", _, "event-invoke-config"]) => "GetFunctionEventInvokeConfig",
        ("PUT", ["functions", _, "event-invoke-config"]) => "PutFunctionEventInvokeConfig",
        ("GET", ["functions", _, "concurrency"]) => "GetFunctionConcurrency",
        ("PUT", ["functions", _, "concurrency"]) => "PutFunctionConcurrency",
        ("GET", ["functions", _, "provisioned-concurrency"]) => "GetProvisionedConcurrencyConfig",
        ("GET", ["event-source-mappings"]) => "ListEventSourceMappings",
        ("POST", ["event-source-mappings"]) => "CreateEventSourceMapping",
        ("GET", ["event-source-mappings", _]) => "GetEventSourceMapping",
        ("GET", ["tags", _]) => "ListTags",
        ("GET", ["account-settings"]) => "GetAccountSettings",
        _ => return format!("{method} {}", shape.join("/")),
    };
    name.to_string()
}

/// Region, service, operation and group of a request. Without a SigV4 scope the service is guessed
/// from the protocol (a target prefix, the REST path) and the region is `unknown`.
pub fn identify(
    method: &str,
    path: &str,
    target: Option<&str>,
    action: Option<&str>,
    authorization: Option<&str>,
) -> Call {
    let scope = authorization.and_then(credential_scope);
    let service = match (&scope, target, action) {
        (Some((_, s)), _, _) => s.clone(),
        (None, Some(t), _) if t.starts_with("Logs_") => "logs".to_string(),
        (None, Some(t), _) if t.starts_with("AmazonSQS") => "sqs".to_string(),
        (None, Some(_), _) => "unknown".to_string(),
        (None, None, Some("GetCallerIdentity" | "AssumeRole")) => "sts".to_string(),
        (None, None, Some(_)) => "monitoring".to_string(),
        (None, None, None) => "lambda".to_string(),
    };
    let operation = match (target, action) {
        (Some(t), _) => t.rsplit('.').next().unwrap_or(t).to_string(),
        (None, Some(a)) => a.to_string(),
        (None, None) if service == "lambda" => lambda_operation(method, path),
        (None, None) => format!("{method} {}", path.split('?').next().unwrap_or(path)),
    };
    Call {
        region: scope.map_or_else(|| "unknown".to_string(), |(r, _)| r),
        group: Group::of(&service, &operation),
        service,
        operation,
    }
}

/// Counts by second since the stats were reset.
#[derive(Clone, Debug, Default)]
struct Seconds(Vec<u32>);

impl Seconds {
    fn add(&mut self, second: usize) {
        if self.0.len() <= second {
            self.0.resize(second + 1, 0);
        }
        self.0[second] += 1;
    }

    /// The busiest window of `width` whole seconds, in requests per second.
    fn peak(&self, width: usize) -> f64 {
        let width = width.max(1);
        let mut best = 0_u32;
        let mut sum = 0_u32;
        for (i, n) in self.0.iter().enumerate() {
            sum += n;
            if i >= width {
                sum -= self.0[i - width];
            }
            best = best.max(sum);
        }
        f64::from(best) / width as f64
    }

    fn per_minute(&self) -> Vec<u32> {
        self.0.chunks(60).map(|c| c.iter().sum()).collect()
    }
}

/// One (region, group)'s counters.
#[derive(Clone, Debug, Default)]
struct GroupStats {
    /// lambdash's (the proxy's clients') requests, throttled ones included.
    total: u64,
    throttled: u64,
    sent: Seconds,
    rest_attempts: u64,
    rest_refused: u64,
}

#[derive(Clone, Debug, Default)]
struct OpStats {
    group: Option<Group>,
    total: u64,
    throttled: u64,
}

/// One cached ListFunctions answer, served page by page.
struct Listing {
    at: Instant,
    functions: Vec<Value>,
}

/// The quota mode's state (inside the proxy's lock).
pub struct Quota {
    pub spec: QuotaSpec,
    buckets: BTreeMap<(String, Group), Bucket>,
    /// The rest of the account's requests owed but not yet made, per bucket.
    rest_owed: HashMap<(String, Group), f64>,
    rest_at: Instant,
    groups: BTreeMap<(String, Group), GroupStats>,
    ops: BTreeMap<String, OpStats>,
    since: Instant,
    listings: HashMap<u64, Listing>,
    next_listing: u64,
}

/// How long a ListFunctions listing is served from the cache before a marker for it is re-fetched.
const LISTING_TTL: Duration = Duration::from_mins(10);

impl Quota {
    pub fn new(spec: QuotaSpec, now: Instant) -> Self {
        Self {
            spec,
            buckets: BTreeMap::new(),
            rest_owed: HashMap::new(),
            rest_at: now,
            groups: BTreeMap::new(),
            ops: BTreeMap::new(),
            since: now,
            listings: HashMap::new(),
            next_listing: 0,
        }
    }

    /// A new spec: the buckets start again (full) at the new rates; the counters stay.
    pub fn set_spec(&mut self, spec: QuotaSpec) {
        if (spec.scale - self.spec.scale).abs() > f64::EPSILON {
            self.buckets.clear();
        }
        self.spec = spec;
    }

    fn bucket(&mut self, region: &str, group: Group, now: Instant) -> Option<&mut Bucket> {
        let rate = group.rate()? * self.spec.scale;
        Some(
            self.buckets
                .entry((region.to_string(), group))
                .or_insert_with(|| Bucket::new(rate, now)),
        )
    }

    /// Counts a client request and says whether its quota admits it.
    pub fn admit(&mut self, call: &Call, now: Instant) -> bool {
        let admitted = self
            .bucket(&call.region, call.group, now)
            .is_none_or(|b| b.try_take(now));
        let second = now.saturating_duration_since(self.since).as_secs() as usize;
        let g = self
            .groups
            .entry((call.region.clone(), call.group))
            .or_default();
        g.total += 1;
        g.sent.add(second);
        let op = self.ops.entry(call.operation.clone()).or_default();
        op.group = Some(call.group);
        op.total += 1;
        if !admitted {
            g.throttled += 1;
            op.throttled += 1;
        }
        admitted
    }

    /// The simulated rest of the account up to `now`: `rest × rate` requests a second on every bucket
    /// that exists (every region a client has used), evenly spread; each takes a token or is refused.
    pub fn rest_tick(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.rest_at).as_secs_f64();
        self.rest_at = self.rest_at.max(now);
        if self.spec.rest <= 0.0 {
            return;
        }
        let keys: Vec<(String, Group)> = self.buckets.keys().cloned().collect();
        for key in keys {
            let Some(rate) = key.1.rate() else { continue };
            let owed = self.rest_owed.entry(key.clone()).or_insert(0.0);
            *owed += dt * rate * self.spec.scale * self.spec.rest;
            let whole = owed.floor();
            *owed -= whole;
            let mut refused = 0_u64;
            if let Some(bucket) = self.buckets.get_mut(&key) {
                for _ in 0..whole as u64 {
                    if !bucket.try_take(now) {
                        refused += 1;
                    }
                }
            }
            let g = self.groups.entry(key).or_default();
            g.rest_attempts += whole as u64;
            g.rest_refused += refused;
        }
    }

    /// Zeroes the counters and starts the per-second windows at `now` (the buckets are kept).
    pub fn reset_stats(&mut self, now: Instant) {
        self.groups.clear();
        self.ops.clear();
        self.since = now;
    }

    /// The counters as JSON: `{scale, rest_share, page_size, elapsed_s, groups: [...], operations: {...}}`.
    pub fn to_json(&self, now: Instant) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|((region, group), g)| {
                let rest_pct = if g.rest_attempts == 0 {
                    0.0
                } else {
                    100.0 * g.rest_refused as f64 / g.rest_attempts as f64
                };
                json!({
                    "region": region,
                    "group": group.name(),
                    "quota_rps": group.rate().map(|r| r * self.spec.scale),
                    "lambdash": {
                        "total": g.total,
                        "throttled": g.throttled,
                        "peak_1s_rps": g.sent.peak(1),
                        "peak_10s_rps": g.sent.peak(10),
                        "per_minute": g.sent.per_minute(),
                    },
                    "rest_of_account": {
                        "attempts": g.rest_attempts,
                        "refused": g.rest_refused,
                        "refused_pct": rest_pct,
                    },
                })
            })
            .collect();
        let ops: serde_json::Map<String, Value> = self
            .ops
            .iter()
            .map(|(name, o)| {
                (
                    name.clone(),
                    json!({
                        "group": o.group.map(Group::name),
                        "total": o.total,
                        "throttled": o.throttled,
                    }),
                )
            })
            .collect();
        json!({
            "scale": self.spec.scale,
            "rest_share": self.spec.rest,
            "page_size": self.spec.pages,
            "elapsed_s": now.saturating_duration_since(self.since).as_secs_f64(),
            "groups": groups,
            "operations": ops,
        })
    }

    /// One page of a ListFunctions answer. `full` is the upstream's complete answer when it was
    /// fetched for this request (no marker, or a marker whose listing expired); `marker` is the
    /// request's `Marker` (`p{listing}.{offset}`, as this proxy hands them out). `None` when the
    /// request needs the full listing fetched first.
    pub fn list_page(
        &mut self,
        full: Option<&[u8]>,
        marker: Option<&str>,
        max_items: Option<usize>,
        now: Instant,
    ) -> Option<Result<String, String>> {
        self.listings
            .retain(|_, l| now.duration_since(l.at) < LISTING_TTL);
        let (wanted, offset) = marker.and_then(parse_marker).unwrap_or((u64::MAX, 0));
        let id = if let Some(full) = full {
            let functions = match serde_json::from_slice::<Value>(full) {
                Ok(Value::Object(mut o)) => match o.remove("Functions") {
                    Some(Value::Array(f)) => f,
                    _ => return Some(Err("no Functions array".to_string())),
                },
                Ok(_) => return Some(Err("not a JSON object".to_string())),
                Err(e) => return Some(Err(e.to_string())),
            };
            self.next_listing += 1;
            let id = self.next_listing;
            self.listings.insert(id, Listing { at: now, functions });
            id
        } else if self.listings.contains_key(&wanted) {
            wanted
        } else {
            return None;
        };
        let listing = &self.listings[&id];
        let page = max_items
            .filter(|&m| m > 0)
            .map_or(self.spec.pages, |m| m.min(self.spec.pages));
        let start = offset.min(listing.functions.len());
        let end = (start + page).min(listing.functions.len());
        let mut out = serde_json::Map::new();
        out.insert(
            "Functions".to_string(),
            Value::Array(listing.functions[start..end].to_vec()),
        );
        if end < listing.functions.len() {
            out.insert(
                "NextMarker".to_string(),
                Value::String(format!("p{id}.{end}")),
            );
        }
        Some(Ok(Value::Object(out).to_string()))
    }
}

/// `p{listing}.{offset}` → (listing, offset).
fn parse_marker(marker: &str) -> Option<(u64, usize)> {
    let (id, offset) = marker.strip_prefix('p')?.split_once('.')?;
    Some((id.parse().ok()?, offset.parse().ok()?))
}

/// A query parameter's value, percent-decoded (`Marker=p1.50`).
pub fn query_param(path: &str, name: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

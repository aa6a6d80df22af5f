//! The proxy's HTTP/1.1 wire: reading a request, writing an answer, and AWS's error answers in each
//! protocol's shape.

use std::fmt::Write as _;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Protocol, Recorded};

pub(super) struct Request {
    pub(super) method: String,
    pub(super) path: String,
    /// Header lines as received, `(name, value)`.
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Request {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn protocol(&self) -> Protocol {
        if self.header("x-amz-target").is_some() {
            Protocol::AwsJson
        } else if self
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"))
        {
            Protocol::AwsQuery
        } else {
            Protocol::RestJson
        }
    }

    pub(super) fn action(&self) -> Option<String> {
        let from = |s: &str| {
            s.split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .map(ToString::to_string)
        };
        self.path
            .split_once('?')
            .and_then(|(_, q)| from(q))
            .or_else(|| from(&String::from_utf8_lossy(&self.body)))
    }

    pub(super) fn record(&self) -> Recorded {
        let cut = self.body.len().min(8 * 1024);
        Recorded {
            method: self.method.clone(),
            path: self.path.clone(),
            target: self.header("x-amz-target").map(ToString::to_string),
            action: self.action(),
            protocol: self.protocol(),
            body: String::from_utf8_lossy(&self.body[..cut]).into_owned(),
        }
    }
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

const MAX_HEAD: usize = 64 * 1024;

/// Reads one request: the head, then a `Content-Length` body. `None` when the client closed first.
pub(super) async fn read_request(client: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(std::io::Error::other("request head too large"));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut req = Request {
        method,
        path,
        headers,
        body: buf[head_end + 4..].to_vec(),
    };
    if req
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        return Err(std::io::Error::other(
            "chunked request bodies are not supported by the fault proxy",
        ));
    }
    if req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let length: usize = req
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while req.body.len() < length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        req.body.extend_from_slice(&chunk[..n]);
    }
    req.body.truncate(length);
    Ok(Some(req))
}

pub(super) async fn respond(
    client: &mut TcpStream,
    status: u16,
    reason: &str,
    headers: &[(&str, String)],
    body: &str,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    let _ = write!(
        out,
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(out.as_bytes()).await?;
    client.flush().await
}

/// An AWS error in the request's protocol: `status`, `code`, `message`.
pub(super) async fn aws_error(
    client: &mut TcpStream,
    req: &Request,
    status: u16,
    code: &str,
    message: &str,
    id: u64,
) -> std::io::Result<()> {
    let reason = match status {
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let request_id = format!("fault-proxy-{id:08}");
    match req.protocol() {
        Protocol::AwsJson => {
            let content_type = req
                .header("content-type")
                .unwrap_or("application/x-amz-json-1.1")
                .to_string();
            let body = format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}");
            respond(
                client,
                status,
                reason,
                &[
                    ("Content-Type", content_type),
                    ("x-amzn-RequestId", request_id),
                ],
                &body,
            )
            .await
        }
        Protocol::AwsQuery => {
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            let body = format!(
                "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>"
            );
            respond(
                client,
                status,
                reason,
                &[
                    ("Content-Type", "text/xml".to_string()),
                    ("x-amzn-RequestId", request_id),
                ],
                &body,
            )
            .await
        }
        Protocol::RestJson => {
            // Lambda's rate-limit answer carries a reason (`CallerRateLimitExceeded`).
            let body = if status == 429 {
                format!(
                    "{{\"Reason\":\"CallerRateLimitExceeded\",\"Type\":\"User\",\"message\":\"{message}\"}}"
                )
            } else {
                format!("{{\"message\":\"{message}\",\"Type\":\"User\"}}")
            };
            respond(
                client,
                status,
                reason,
                &[
                    ("Content-Type", "application/json".to_string()),
                    ("x-amzn-ErrorType", format!("{code}:")),
                    ("x-amzn-RequestId", request_id),
                ],
                &body,
            )
            .await
        }
    }
}

/// Sends RST instead of a FIN: the client sees "connection reset by peer".
pub(super) fn reset(client: TcpStream) {
    let _ = client.set_zero_linger();
    drop(client);
}

/// AWS's throttling error in the request's protocol.
pub(super) async fn throttle(client: &mut TcpStream, req: &Request, id: u64) {
    let (status, code) = match req.protocol() {
        Protocol::AwsJson => (400, "ThrottlingException"),
        Protocol::AwsQuery => (400, "Throttling"),
        Protocol::RestJson => (429, "TooManyRequestsException"),
    };
    let _ = aws_error(client, req, status, code, "Rate exceeded", id).await;
}

//! The quota mode's ListFunctions pages: the emulator answers ListFunctions in one page; the proxy
//! answers it in pages of the quota mode's size with a `NextMarker` it understands.

use std::fmt::Write as _;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::quota::query_param;
use super::{Request, Shared, Upstream, find, lock, respond};

/// Sends `req` (at `path`) upstream and reads the whole answer: (status, body). A chunked answer is
/// decoded.
async fn fetch_whole(
    req: &Request,
    path: &str,
    upstream: &str,
) -> Result<(u16, Vec<u8>), Upstream> {
    let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(upstream));
    let Ok(Ok(mut up)) = connect.await else {
        return Err(Upstream::Unreachable);
    };
    let mut head = format!("{} {path} HTTP/1.1\r\n", req.method);
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
    let mut answer = Vec::new();
    if up.read_to_end(&mut answer).await.is_err() {
        return Err(Upstream::Unreachable);
    }
    let head_end = find(&answer, b"\r\n\r\n").ok_or(Upstream::Unreachable)?;
    let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or(Upstream::Unreachable)?;
    let body = answer[head_end + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        return Ok((status, dechunk(&body)));
    }
    Ok((status, body))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(body, b"\r\n") {
        let size = std::str::from_utf8(&body[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || body.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[(eol + 4 + size).min(body.len())..];
    }
    out
}

/// A ListFunctions page of the quota mode's size. The first page (no `Marker`) fetches the whole list
/// from upstream and keeps it; the next pages are served from it by the `NextMarker` handed out (an
/// expired marker fetches the list again and slices it at the marker's offset).
pub(super) async fn list_functions_page(
    client: &mut TcpStream,
    req: &Request,
    upstream: &str,
    shared: &Shared,
) -> Result<(), Upstream> {
    let marker = query_param(&req.path, "Marker");
    let max_items = query_param(&req.path, "MaxItems").and_then(|m| m.parse().ok());
    let page = |full: Option<&[u8]>| {
        lock(&shared.quota).as_mut().and_then(|q| {
            q.list_page(
                full,
                marker.as_deref(),
                max_items,
                std::time::Instant::now(),
            )
        })
    };
    let body = if let Some(body) = page(None) {
        body
    } else {
        // The whole list: the request without its paging parameters.
        let (base, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| {
                !kv.is_empty() && !kv.starts_with("Marker=") && !kv.starts_with("MaxItems=")
            })
            .collect();
        let path = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let (status, full) = fetch_whole(req, &path, upstream).await?;
        if status != 200 {
            let text = String::from_utf8_lossy(&full).into_owned();
            let _ = respond(client, status, "Upstream", &[], &text).await;
            return Ok(());
        }
        page(Some(&full)).unwrap_or_else(|| Err("quota mode turned off".to_string()))
    };
    let answered = match body {
        Ok(body) => {
            let json = ("Content-Type", "application/json".to_string());
            respond(client, 200, "OK", &[json], &body).await
        }
        Err(e) => respond(client, 502, "Bad Gateway", &[], &e).await,
    };
    answered.map_err(|_| Upstream::Broken)
}

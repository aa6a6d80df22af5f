//! `lambdash functions [--json]`.

use super::output::errln;
use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::aws::Clients;
use crate::domain::Function;
use crate::sanitize::sanitize;

/// One function as printed by `--json`: stable field names, RFC 3339 times.
#[derive(Debug, Serialize)]
struct FunctionJson<'a> {
    name: &'a str,
    arn: &'a str,
    runtime: Option<&'a str>,
    architecture: &'a str,
    memory_mb: i32,
    timeout_s: i32,
    last_modified: Option<String>,
    state: Option<&'a str>,
    code_size_bytes: i64,
    package_type: &'a str,
    log_group: String,
}

impl<'a> From<&'a Function> for FunctionJson<'a> {
    fn from(f: &'a Function) -> Self {
        Self {
            name: &f.name,
            arn: &f.arn,
            runtime: f.runtime.as_deref(),
            architecture: &f.architecture,
            memory_mb: f.memory_mb,
            timeout_s: f.timeout_s,
            last_modified: f
                .last_modified
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            state: f.state.as_deref(),
            code_size_bytes: f.code_size_bytes,
            package_type: &f.package_type,
            log_group: f.log_group(),
        }
    }
}

/// Renders the functions as JSON (an array) or as an aligned table.
pub fn render(
    functions: &[Function],
    json: bool,
    escape: bool,
) -> Result<String, serde_json::Error> {
    if json {
        let rows: Vec<FunctionJson> = functions.iter().map(FunctionJson::from).collect();
        return super::output::json_pretty(&rows);
    }
    let clean = |s: &str| {
        if escape {
            sanitize(s).into_owned()
        } else {
            s.to_string()
        }
    };
    let width = functions
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<width$}  {:<16} {:<7} {:>7} {:>7}  {:<8} {}\n",
        "NAME", "RUNTIME", "ARCH", "MEMORY", "TIMEOUT", "STATE", "LAST_MODIFIED"
    );
    for f in functions {
        let _ = writeln!(
            out,
            "{:<width$}  {:<16} {:<7} {:>7} {:>7}  {:<8} {}",
            clean(&f.name),
            clean(f.runtime.as_deref().unwrap_or(&f.package_type)),
            f.architecture,
            format!("{}MB", f.memory_mb),
            format!("{}s", f.timeout_s),
            f.state.as_deref().unwrap_or("-"),
            f.last_modified.map_or_else(
                || "-".to_string(),
                |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        );
    }
    Ok(out)
}

pub async fn run(clients: &Clients, json: bool) -> ExitCode {
    let mut functions = match clients.list_functions().await {
        Ok(f) => f,
        Err(e) => return super::aws_error(&e),
    };
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    let text = match render(&functions, json, super::output::escape()) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: encoding JSON: {e}");
            return ExitCode::from(super::EXIT_AWS);
        }
    };
    super::output::stdout(&text)
}

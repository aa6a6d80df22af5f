//! Test support shared by the reliability tests: the fault-injecting proxy, an emulator of a test's own
//! (to kill and restart), tmux for the real TUI, and the environment lambdash runs in.
#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod fault_proxy;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The shared emulator started by `scripts/test`.
pub fn shared_endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_lambdash")
}

/// A free loopback port (bound then released: good enough for a test's own server).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One plain HTTP/1.1 request; returns the status code.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<u16> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)?;
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not HTTP: {answer:.80}")))
}

/// An emulator of the test's own, on its own port, killed when dropped.
pub struct Moto {
    pub port: u16,
    child: Option<Child>,
    log: PathBuf,
}

impl Moto {
    fn server() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".moto-venv/bin/moto_server")
    }

    /// Starts moto on `port`, waits until it answers and turns off Docker for Lambda.
    pub fn start(port: u16) -> Self {
        let log = std::env::temp_dir().join(format!("lambdash-test-moto-{port}.log"));
        let mut moto = Self {
            port,
            child: None,
            log,
        };
        moto.spawn();
        moto
    }

    fn spawn(&mut self) {
        let server = Self::server();
        assert!(
            server.exists(),
            "{} is missing: run ./scripts/test (or scripts/moto start) once to create it",
            server.display()
        );
        let log = std::fs::File::create(&self.log).unwrap();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let start = Instant::now();
        while http(self.port, "GET", "/moto-api/data.json", "").is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto did not start on port {} (log: {})",
                self.port,
                self.log.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let status = http(
            self.port,
            "POST",
            "/moto-api/config",
            r#"{"lambda":{"use_docker":false}}"#,
        )
        .unwrap();
        assert!((200..300).contains(&status), "moto config: HTTP {status}");
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL): the endpoint disappears, its data with it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port (empty: re-seed what the test needs).
    pub fn restart(&mut self) {
        self.kill();
        let start = Instant::now();
        // The port may linger a moment after the kill.
        while std::net::TcpListener::bind(("127.0.0.1", self.port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(30), "port still busy");
            std::thread::sleep(Duration::from_millis(100));
        }
        self.spawn();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A temporary home for lambdash: config, state (audit log, rollback memory) and its own log.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `XDG_CONFIG_HOME/lambdash/config.toml`.
    pub fn write_config(&self, text: &str) -> PathBuf {
        let dir = self.path().join("lambdash");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn audit_log(&self) -> PathBuf {
        self.path().join("audit.jsonl")
    }

    /// `env K=V …` for a shell command line (tmux).
    pub fn env_prefix(&self, endpoint: &str, region: &str) -> String {
        format!(
            "env AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID=test \
             AWS_SECRET_ACCESS_KEY=test XDG_CONFIG_HOME={h} XDG_STATE_HOME={h} XDG_CACHE_HOME={h} \
             LAMBDASH_AUDIT_LOG={audit} LAMBDASH_LOG=debug RUST_BACKTRACE=0",
            h = self.path().display(),
            audit = self.audit_log().display()
        )
    }

    /// The binary with this home and `endpoint`/`region` in its environment.
    pub fn command(&self, endpoint: &str, region: &str) -> Command {
        let mut c = Command::new(bin());
        c.env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_REGION", region)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("XDG_CONFIG_HOME", self.path())
            .env("XDG_STATE_HOME", self.path())
            .env("XDG_CACHE_HOME", self.path())
            .env("LAMBDASH_AUDIT_LOG", self.audit_log())
            .env_remove("AWS_PROFILE")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, endpoint: &str, region: &str, args: &[&str]) -> Output {
        self.command(endpoint, region).args(args).output().unwrap()
    }
}

/// Describes an output for an assertion message.
pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A real terminal: a detached tmux session running a shell command.
pub struct Tmux {
    pub session: String,
}

impl Tmux {
    pub fn start(session: &str, command: &str) -> Self {
        Self::start_sized(session, command, 160, 40)
    }

    pub fn start_sized(session: &str, command: &str, width: u16, height: u16) -> Self {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", session])
            .status();
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .status()
            .expect("tmux must be installed (scripts/test installs it)");
        assert!(status.success());
        Self {
            session: session.to_string(),
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    /// Presses Esc `n` times, apart: escapes sent together arrive as one escape sequence.
    pub fn escape(&self, n: usize) {
        for _ in 0..n {
            self.keys(&["Escape"]);
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Sends text literally (no key-name lookup).
    pub fn type_text(&self, text: &str) {
        assert!(
            Command::new("tmux")
                .args(["send-keys", "-t", &self.session, "-l", text])
                .status()
                .unwrap()
                .success()
        );
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits up to `limit` until the screen satisfies `pred`; the screen, or `Err(last screen)`.
    pub fn poll_for(&self, limit: Duration, pred: impl Fn(&str) -> bool) -> Result<String, String> {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return Ok(s);
            }
            if start.elapsed() >= limit {
                return Err(s);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen satisfies `pred`; panics with the last screen after `limit`.
    pub fn wait_within(&self, limit: Duration, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.poll_for(limit, pred)
            .unwrap_or_else(|s| panic!("timed out ({limit:?}) waiting for {what}; screen:\n{s}"))
    }

    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_within(Duration::from_secs(30), what, pred)
    }

    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .status()
            .is_ok_and(|s| s.success())
    }

    /// The pid of the lambdash process running under the pane's shell.
    pub fn lambdash_pid(&self) -> Option<u32> {
        let out = Command::new("tmux")
            .args(["list-panes", "-t", &self.session, "-F", "#{pane_pid}"])
            .output()
            .ok()?;
        let pane: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
        let children =
            std::fs::read_to_string(format!("/proc/{pane}/task/{pane}/children")).ok()?;
        children.split_whitespace().find_map(|p| {
            let pid: u32 = p.parse().ok()?;
            let cmd = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).ok()?;
            cmd.contains("lambdash").then_some(pid)
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

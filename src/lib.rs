//! lambdash — a terminal operations console for AWS Lambda.
//!
//! The crate is laid out as the data flows:
//!
//! - [`cli`]: the command line (clap) and the headless subcommands (`functions`, `completions`).
//! - [`config`] and [`theme`]: the user's config file and the themes (palette + semantic roles).
//! - [`keymap`]: the key bindings (`Action`, `Scope`, `BINDINGS`) and the `[keys]` overrides; below
//!   `config` (which validates `[keys]`) and `app` (which looks keys up), depending on neither.
//! - [`aws`]: SDK calls mapped to domain types, and nothing else (no formatting, no ratatui).
//! - [`domain`]: the types the rest of the program speaks (`Function`, `FunctionDetail`, `Remote`).
//! - [`app`]: the pure state machine. `App::update(Msg) -> Vec<Cmd>`: no I/O, no clock reads; one
//!   directory per pane under `app/panes/`.
//! - [`runtime`]: the terminal, the event loop, the pollers and one-shot tasks that execute `Cmd`s.
//! - [`ui`]: draws `&App` into a ratatui frame; one file per pane, shared widgets apart.
//! - [`sanitize`]: makes untrusted text (log lines, tags, env values) safe to put on a terminal.
//! - [`logs`]: the log tailing engine (sliding-window dedup, Live Tail's content dedup and session
//!   rules, time ranges, ring buffer, levels, invocations); its network side is `aws::logs` and
//!   `aws::livetail` (the follow loop shared by the pane and `lambdash tail`).
//! - [`logfile`]: lambdash's own log: owner-only, size-capped, no bodies or credentials by default.
//! - [`private_file`]: owner-only, no-follow, never-overwrite files; refusing config others can change.
//! - [`audit`]: the append-only audit log of every write lambdash makes.
//! - [`rollback`]: the alias states lambdash replaced, persisted so `R` / `alias rollback` can restore them.
//! - [`writes`]: every write (alias changes, …): the call, the audit line, the rollback memory; the
//!   on-call levers (concurrency, the kill switch and its memory, event source mappings, invoke) in
//!   `writes::levers` and `writes::stopped`.
//! - `seed` (cargo feature `demo`): seeds the local emulator with a believable account, for the demo,
//!   the screenshots and the end-to-end tests; not part of the console, so `cargo install` leaves it out.
//!
//! `ARCHITECTURE.md` at the repository root maps each pane across these trees (state and keys in
//! `app/panes/<pane>/`, network in `runtime/tasks/<pane>.rs`, drawing in `ui/<pane>.rs`) and says where a
//! new pane, poller, API call or key goes.

pub mod app;
pub mod audit;
pub mod aws;
pub mod cli;
pub mod config;
pub mod config_error;
pub mod domain;
pub mod functions_cache;
pub mod keymap;
pub mod logfile;
pub mod logs;
pub mod private_file;
pub mod rollback;
pub mod runtime;
pub mod sanitize;
#[cfg(feature = "demo")]
pub mod seed;
pub mod theme;
pub mod topology_cache;
pub mod ui;
pub mod writes;

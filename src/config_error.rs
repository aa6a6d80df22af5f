//! `ConfigError`: where a config or theme file is wrong (file, line, column, dotted key) and why, in
//! words; and the helpers that locate a byte offset of a TOML file.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A config or theme file that could not be read or understood.
///
/// Displays as `FILE:LINE:COLUMN: FIELD: MESSAGE`; parts that are unknown (line 0, empty
/// field, empty file) are left out, so an unreadable file reads `FILE: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file at fault (empty when the error is not about a file, e.g. `--theme nope`).
    pub file: PathBuf,
    /// 1-based line, 0 if unknown.
    pub line: usize,
    /// 1-based column (in characters), 0 if unknown.
    pub column: usize,
    /// Dotted key path, e.g. `poll.functions_every`; empty if unknown.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.as_os_str().is_empty() {
            write!(f, "{}", self.file.display())?;
            if self.line > 0 {
                write!(f, ":{}:{}", self.line, self.column)?;
            }
            f.write_str(": ")?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    /// An error about a whole file (unreadable, missing): no line, column or field.
    pub(crate) fn file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            field: String::new(),
            message: message.into(),
        }
    }

    /// An error at byte offset `span.start` of `text`.
    pub(crate) fn at(
        file: &Path,
        text: &str,
        span: &Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_col(text, span.start);
        Self {
            file: file.to_path_buf(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Turns a toml (syntax or serde) error into a located, human error.
    pub(crate) fn from_toml(err: &toml::de::Error, text: &str, file: &Path) -> Self {
        let Some(span) = err.span() else {
            return Self::file(file, err.message().to_owned());
        };
        let mut field = key_path(text, span.start);
        let message = humanize(err.message(), &mut field);
        Self::at(file, text, &span, field, message)
    }

    /// Reads a file, mapping I/O failures to a message that says why.
    pub(crate) fn read(file: &Path) -> Result<String, Self> {
        std::fs::read_to_string(file).map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "file not found".to_owned(),
                _ => e.to_string(),
            };
            Self::file(file, format!("cannot read file: {why}"))
        })
    }

    /// As [`ConfigError::read`], for a file that decides lambdash's behaviour (config, theme): refused
    /// when it or its directory could be changed by another user (see
    /// [`crate::private_file::check_trusted`]).
    pub(crate) fn read_trusted(file: &Path) -> Result<String, Self> {
        if file.exists() {
            crate::private_file::check_trusted(file).map_err(|why| Self::file(file, why))?;
        }
        Self::read(file)
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    for (i, c) in text.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Rewrites serde/toml wording into something a user can act on; may extend `field`.
pub(super) fn humanize(message: &str, field: &mut String) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return match rest.split_once(", ") {
            Some((key, "there are no fields")) => {
                format!("unknown key {key} (no keys allowed here)")
            }
            Some((key, expected)) => format!("unknown key {key} ({expected})"),
            None => format!("unknown key {rest}"),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        if !field.is_empty() {
            field.push('.');
        }
        field.push_str(key);
        return format!("required key `{key}` is missing");
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!("expected {expected}, found {found}");
    }
    if message.starts_with("invalid basic string") || message.starts_with("invalid literal string")
    {
        return "string is not closed (expected a closing quote on the same line)".to_owned();
    }
    message.to_owned()
}

/// The dotted key path (`ui.bell`, `profile[1].theme`) of the innermost key or value at `offset`.
///
/// Uses toml's recovering parser, so it also works for most syntax errors.
pub(super) fn key_path(text: &str, offset: usize) -> String {
    let (root, _) = DeTable::parse_recoverable(text);
    let mut path = Vec::new();
    find_in_table(root.get_ref(), offset, &mut path);
    let path = path.concat();
    path.strip_prefix('.').unwrap_or(&path).to_owned()
}

pub(super) fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// Pushes `.key` / `[i]` segments onto `path` down to the match; false if nothing matches.
pub(super) fn find_in_table(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
    for (key, value) in table {
        path.push(format!(".{}", key.get_ref()));
        if find_in_value(value, offset, path) || contains(&key.span(), offset) {
            return true;
        }
        path.pop();
    }
    false
}

pub(super) fn find_in_value(
    value: &Spanned<DeValue<'_>>,
    offset: usize,
    path: &mut Vec<String>,
) -> bool {
    match value.get_ref() {
        DeValue::Table(table) if find_in_table(table, offset, path) => return true,
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(format!("[{i}]"));
                if find_in_value(item, offset, path) {
                    return true;
                }
                path.pop();
            }
        }
        _ => {}
    }
    contains(&value.span(), offset)
}

//! The one line editor every prompt uses (`:` palette, `/` filters and searches, `F`, `R`, a version's
//! description, a redrive's queue, typed confirmations): the keys shells taught people — `Ctrl-U`,
//! `Ctrl-W`, `Ctrl-K`, `Ctrl-A`/`Home`, `Ctrl-E`/`End`, `←`/`→`, `Backspace`, `Delete` — and history
//! with `↑`/`↓` (per prompt kind, in memory). Backspace on an empty line does nothing: the prompt stays
//! open, so the letters typed next never leak out as pane keys. Control keys never type letters.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved (or nothing happened, e.g. Backspace on an empty line).
    Unchanged,
    /// Enter.
    Submit,
    /// Esc or Ctrl-C.
    Cancel,
    /// A key the editor does not use (Tab: the palette completes with it).
    Other,
}

/// A line being typed, with its cursor (a char index) and where ↑/↓ are in the history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// Cursor position in chars, `0..=len`.
    cursor: usize,
    /// Index into the history while browsing it with ↑/↓ (0: the newest).
    browsing: Option<usize>,
    /// What was typed before ↑ was first pressed (↓ past the newest entry brings it back).
    draft: String,
}

impl LineEdit {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Self {
            text,
            cursor,
            browsing: None,
            draft: String::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor, in chars.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The text before the cursor, the char under it (if any), and the text after it: for drawing.
    pub fn split_at_cursor(&self) -> (&str, Option<char>, &str) {
        let at = self.byte_at(self.cursor);
        let (before, rest) = self.text.split_at(at);
        let mut chars = rest.chars();
        let under = chars.next();
        (before, under, chars.as_str())
    }

    /// Replaces the whole text (a completion), the cursor at its end.
    pub fn set(&mut self, text: impl Into<String>) {
        *self = Self::new(text);
    }

    fn byte_at(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Removes the chars `[from, to)`; the cursor goes to `from`.
    fn remove(&mut self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let (a, b) = (self.byte_at(from), self.byte_at(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
        true
    }

    /// Start of the word before the cursor (shell `Ctrl-W`: spaces first, then the word).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// Applies one key. `history` is this prompt kind's history, newest first.
    pub fn apply(&mut self, key: &KeyEvent, history: &[String]) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let changed = |did: bool| if did { Edit::Changed } else { Edit::Unchanged };
        match key.code {
            KeyCode::Enter => Edit::Submit,
            KeyCode::Esc => Edit::Cancel,
            KeyCode::Char('c') if ctrl => Edit::Cancel,
            KeyCode::Char('u') if ctrl => changed(self.remove(0, self.cursor)),
            KeyCode::Char('k') if ctrl => changed(self.remove(self.cursor, self.len())),
            KeyCode::Char('w') if ctrl => changed(self.remove(self.word_start(), self.cursor)),
            KeyCode::Char('h') if ctrl => self.backspace(),
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                Edit::Unchanged
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = self.len();
                Edit::Unchanged
            }
            KeyCode::Char('b') if ctrl => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Char('f') if ctrl => self.move_to(self.cursor + 1),
            KeyCode::Char('p') if ctrl => self.history(history, true),
            KeyCode::Char('n') if ctrl => self.history(history, false),
            // Any other control or Alt chord types nothing (Ctrl-U once typed a literal "u").
            KeyCode::Char(_) if ctrl || alt => Edit::Unchanged,
            KeyCode::Char(c) if !c.is_control() => {
                self.insert(c);
                self.browsing = None;
                Edit::Changed
            }
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => changed(self.remove(self.cursor, self.cursor + 1)),
            KeyCode::Left => self.move_to(self.cursor.saturating_sub(1)),
            KeyCode::Right => self.move_to(self.cursor + 1),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(usize::MAX),
            KeyCode::Up => self.history(history, true),
            KeyCode::Down => self.history(history, false),
            KeyCode::Tab | KeyCode::BackTab => Edit::Other,
            _ => Edit::Unchanged,
        }
    }

    fn backspace(&mut self) -> Edit {
        // On an empty line (or at its start) nothing happens: the prompt stays open.
        if self.cursor == 0 {
            return Edit::Unchanged;
        }
        self.remove(self.cursor - 1, self.cursor);
        Edit::Changed
    }

    fn move_to(&mut self, cursor: usize) -> Edit {
        self.cursor = cursor.min(self.len());
        Edit::Unchanged
    }

    /// ↑ (`older`) / ↓ through `history` (newest first); ↓ past the newest restores the draft.
    fn history(&mut self, history: &[String], older: bool) -> Edit {
        let next = match (self.browsing, older) {
            (None, true) if !history.is_empty() => Some(0),
            (None, _) => return Edit::Unchanged,
            (Some(i), true) => Some((i + 1).min(history.len().saturating_sub(1))),
            (Some(0), false) => None,
            (Some(i), false) => Some(i - 1),
        };
        if self.browsing.is_none() {
            self.draft.clone_from(&self.text);
        }
        let text = match next {
            Some(i) => history.get(i).cloned().unwrap_or_default(),
            None => std::mem::take(&mut self.draft),
        };
        self.text = text;
        self.cursor = self.len();
        self.browsing = next;
        Edit::Changed
    }
}

/// Which history a prompt uses: each kind of prompt remembers its own lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistoryKind {
    Palette,
    FunctionsFilter,
    AlarmsFilter,
    LogSearch,
    LogFilter,
    LogRange,
    DlqSearch,
    RedriveQueue,
    Description,
}

/// Lines entered per prompt kind, newest first, in memory only (never written to disk: filter patterns
/// and queue names can be sensitive).
#[derive(Clone, Debug, Default)]
pub struct History {
    lines: HashMap<HistoryKind, Vec<String>>,
}

/// Lines kept per kind.
const HISTORY_MAX: usize = 50;

impl History {
    pub fn of(&self, kind: HistoryKind) -> &[String] {
        self.lines.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// Remembers `line` (not empty, not a repeat of the newest) as the newest of `kind`.
    pub fn push(&mut self, kind: HistoryKind, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let lines = self.lines.entry(kind).or_default();
        lines.retain(|l| l != line);
        lines.insert(0, line.to_string());
        lines.truncate(HISTORY_MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(text: &str) -> LineEdit {
        let mut l = LineEdit::default();
        for c in text.chars() {
            l.apply(&key(KeyCode::Char(c)), &[]);
        }
        l
    }

    #[test]
    fn ctrl_u_clears_before_the_cursor_and_types_nothing() {
        let mut l = typed("theme light");
        assert_eq!(l.apply(&ctrl('u'), &[]), Edit::Changed);
        assert_eq!(l.text(), "");
        let mut l = typed("abc def");
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&ctrl('u'), &[]);
        assert_eq!(l.text(), "ef");
        assert_eq!(l.cursor(), 0);
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        let mut l = typed("logs payments-webhook  ");
        l.apply(&ctrl('w'), &[]);
        assert_eq!(l.text(), "logs ");
        l.apply(&ctrl('w'), &[]);
        assert_eq!(l.text(), "");
    }

    #[test]
    fn cursor_keys_edit_in_the_middle() {
        let mut l = typed("acd");
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&key(KeyCode::Char('b')), &[]);
        assert_eq!(l.text(), "abcd");
        l.apply(&ctrl('a'), &[]);
        l.apply(&key(KeyCode::Delete), &[]);
        assert_eq!(l.text(), "bcd");
        l.apply(&ctrl('e'), &[]);
        l.apply(&key(KeyCode::Char('e')), &[]);
        assert_eq!(l.text(), "bcde");
        l.apply(&key(KeyCode::Home), &[]);
        assert_eq!(l.split_at_cursor(), ("", Some('b'), "cde"));
        l.apply(&key(KeyCode::End), &[]);
        assert_eq!(l.split_at_cursor(), ("bcde", None, ""));
    }

    #[test]
    fn backspace_on_empty_changes_nothing_and_does_not_cancel() {
        let mut l = LineEdit::default();
        assert_eq!(l.apply(&key(KeyCode::Backspace), &[]), Edit::Unchanged);
        assert_eq!(l.text(), "");
    }

    #[test]
    fn other_control_chords_type_nothing() {
        let mut l = typed("x");
        for c in ['l', 'r', 'g', 'z'] {
            l.apply(&ctrl(c), &[]);
        }
        assert_eq!(l.text(), "x");
        assert_eq!(l.apply(&ctrl('c'), &[]), Edit::Cancel);
    }

    #[test]
    fn history_walks_back_and_returns_to_the_draft() {
        let history = vec!["newest".to_string(), "older".to_string()];
        let mut l = typed("dra");
        l.apply(&key(KeyCode::Up), &history);
        assert_eq!(l.text(), "newest");
        l.apply(&key(KeyCode::Up), &history);
        assert_eq!(l.text(), "older");
        l.apply(&key(KeyCode::Up), &history);
        assert_eq!(l.text(), "older", "stops at the oldest");
        l.apply(&key(KeyCode::Down), &history);
        l.apply(&key(KeyCode::Down), &history);
        assert_eq!(l.text(), "dra");
        assert_eq!(l.apply(&key(KeyCode::Down), &history), Edit::Unchanged);
    }

    #[test]
    fn history_keeps_each_line_once_newest_first() {
        let mut h = History::default();
        h.push(HistoryKind::LogRange, "2h");
        h.push(HistoryKind::LogRange, "16:30..16:40");
        h.push(HistoryKind::LogRange, "2h");
        h.push(HistoryKind::LogRange, "  ");
        assert_eq!(h.of(HistoryKind::LogRange), ["2h", "16:30..16:40"]);
        assert!(h.of(HistoryKind::Palette).is_empty());
    }

    #[test]
    fn multibyte_text_is_edited_by_chars() {
        let mut l = typed("héllo");
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&key(KeyCode::Left), &[]);
        l.apply(&key(KeyCode::Backspace), &[]);
        assert_eq!(l.text(), "hllo");
    }
}

//! The functions table: rows streamed in page by page, filtered, sorted, with a selection that follows
//! the function (not the row number) across refreshes and re-sorts.

mod update;

#[cfg(test)]
mod tests_cache;

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::domain::{Function, Remote};

use crate::app::filter::Filter;

/// Columns of the functions table, in the order `s` cycles through them (HEALTH first: it is the
/// default, worst first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortColumn {
    Health,
    Name,
    Invocations,
    ErrorPct,
    Duration,
    Throttles,
    Runtime,
    Arch,
    Memory,
    Timeout,
    State,
    LastModified,
    CodeSize,
}

impl SortColumn {
    pub const ALL: [SortColumn; 13] = [
        SortColumn::Health,
        SortColumn::Name,
        SortColumn::Invocations,
        SortColumn::ErrorPct,
        SortColumn::Duration,
        SortColumn::Throttles,
        SortColumn::Runtime,
        SortColumn::Arch,
        SortColumn::Memory,
        SortColumn::Timeout,
        SortColumn::State,
        SortColumn::LastModified,
        SortColumn::CodeSize,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SortColumn::Health => "HEALTH",
            SortColumn::Name => "NAME",
            SortColumn::Invocations => "INVOC",
            SortColumn::ErrorPct => "ERR%",
            SortColumn::Duration => "P99/MAX",
            SortColumn::Throttles => "THROT",
            SortColumn::Runtime => "RUNTIME",
            SortColumn::Arch => "ARCH",
            SortColumn::Memory => "MEMORY",
            SortColumn::Timeout => "TIMEOUT",
            SortColumn::State => "STATE",
            SortColumn::LastModified => "LAST MODIFIED",
            SortColumn::CodeSize => "CODE SIZE",
        }
    }

    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    /// The order of the function's own fields (metric columns compare in `functions_sort`).
    pub(crate) fn compare_fields(self, a: &Function, b: &Function) -> std::cmp::Ordering {
        match self {
            SortColumn::Runtime => a.runtime.cmp(&b.runtime),
            SortColumn::Arch => a.architecture.cmp(&b.architecture),
            SortColumn::Memory => a.memory_mb.cmp(&b.memory_mb),
            SortColumn::Timeout => a.timeout_s.cmp(&b.timeout_s),
            SortColumn::State => a.state.cmp(&b.state),
            SortColumn::LastModified => a.last_modified.cmp(&b.last_modified),
            SortColumn::CodeSize => a.code_size_bytes.cmp(&b.code_size_bytes),
            _ => a.name.cmp(&b.name),
        }
    }
}

/// State of the functions pane.
#[derive(Clone, Debug)]
pub struct FunctionsPane {
    /// Every function of the account/region (last good list), in arrival order.
    pub remote: Remote<Vec<Function>>,
    /// The refresh run in progress (pages of older runs are dropped).
    pub run: u64,
    /// Names seen in the run in progress; at its end, functions not seen are removed.
    seen_this_run: HashSet<String>,
    /// Indices into `remote.data` of the rows shown, filtered and sorted.
    pub view: Vec<usize>,
    /// Index into `view` of the selected row.
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    pub sort: SortColumn,
    pub descending: bool,
    pub filter_input: String,
    /// Functions marked with Space: `l` tails them together.
    pub marked: BTreeSet<String>,
    /// Health and metric values per function name, for the metric sorts (see `functions_sort`).
    pub row_keys: HashMap<String, crate::app::functions_sort::RowKey>,
    /// The list shown came from the on-disk cache written at this time and no listing has finished
    /// since (the title says so; the first complete run replaces it and drops what no longer exists).
    pub from_cache: Option<chrono::DateTime<chrono::Utc>>,
}

impl Default for FunctionsPane {
    fn default() -> Self {
        Self {
            remote: Remote::default(),
            run: 0,
            seen_this_run: HashSet::new(),
            view: Vec::new(),
            selected: 0,
            offset: 0,
            sort: SortColumn::Health,
            descending: false,
            filter_input: String::new(),
            marked: BTreeSet::new(),
            row_keys: HashMap::new(),
            from_cache: None,
        }
    }
}

impl FunctionsPane {
    pub fn all(&self) -> &[Function] {
        self.remote.data.as_deref().unwrap_or(&[])
    }

    pub fn selected_function(&self) -> Option<&Function> {
        self.view
            .get(self.selected)
            .and_then(|&i| self.all().get(i))
    }

    /// Rows in view order.
    pub fn rows(&self) -> impl Iterator<Item = &Function> {
        let all = self.all();
        self.view.iter().filter_map(move |&i| all.get(i))
    }

    pub fn begin_run(&mut self, run: u64) {
        self.run = run;
        self.seen_this_run.clear();
    }

    /// Upserts a page: new functions appear at once, known ones are updated in place.
    pub fn apply_page(&mut self, page: Vec<Function>) {
        let keep = self.selected_function().map(|f| f.name.clone());
        let data = self.remote.data.get_or_insert_with(Vec::new);
        let mut index: HashMap<String, usize> = data
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        for f in page {
            self.seen_this_run.insert(f.name.clone());
            if let Some(&i) = index.get(&f.name) {
                data[i] = f;
            } else {
                index.insert(f.name.clone(), data.len());
                data.push(f);
            }
        }
        self.rebuild_view(keep.as_deref());
    }

    /// The list kept on disk by the last start, shown until the first listing ends. Ignored once any
    /// listing has given rows (they are newer). Nothing counts as seen: a function deleted since is
    /// dropped when the first run finishes.
    pub fn apply_cached(
        &mut self,
        functions: Vec<Function>,
        saved_at: chrono::DateTime<chrono::Utc>,
    ) {
        if self.remote.data.as_ref().is_some_and(|d| !d.is_empty()) || functions.is_empty() {
            return;
        }
        let keep = self.selected_function().map(|f| f.name.clone());
        self.remote.data = Some(functions);
        self.from_cache = Some(saved_at);
        self.rebuild_view(keep.as_deref());
    }

    /// The run finished: drop functions that no longer exist.
    pub fn finish_run(&mut self) {
        self.from_cache = None;
        let keep = self.selected_function().map(|f| f.name.clone());
        let seen = std::mem::take(&mut self.seen_this_run);
        let data = self.remote.data.get_or_insert_with(Vec::new);
        data.retain(|f| seen.contains(&f.name));
        self.rebuild_view(keep.as_deref());
    }

    /// Recomputes filtered and sorted rows, keeping `keep` selected when it is still shown.
    pub fn rebuild_view(&mut self, keep: Option<&str>) {
        let filter = Filter::parse(&self.filter_input);
        let all = self.remote.data.as_deref().unwrap_or(&[]);
        let mut view: Vec<usize> = (0..all.len())
            .filter(|&i| {
                let f = &all[i];
                filter.matches(&[&f.name, f.runtime.as_deref().unwrap_or("")])
            })
            .collect();
        let (sort, descending) = (self.sort, self.descending);
        view.sort_by(|&a, &b| {
            crate::app::functions_sort::compare(sort, descending, &all[a], &all[b], &self.row_keys)
        });
        let new_selected = keep.and_then(|name| view.iter().position(|&i| all[i].name == name));
        self.view = view;
        self.selected =
            new_selected.unwrap_or(self.selected.min(self.view.len().saturating_sub(1)));
    }

    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.view.len().saturating_sub(1));
    }

    pub fn move_by(&mut self, delta: isize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target);
    }

    /// Keeps the selection on screen for a table body `rows` high.
    pub fn scroll_into_view(&mut self, rows: usize) {
        self.offset =
            crate::app::scrolled_offset(self.selected, self.offset, rows, self.view.len());
    }
}

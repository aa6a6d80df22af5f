//! The aliases pane: a function's aliases and versions; switch, canary, promote, roll back, publish.
//! Every change is planned here (pure), confirmed by the user, then executed by the runtime.

use crate::domain::Remote;
use crate::domain::alias::{self, Alias, AliasChange, PlanError, Version};

/// Which list has the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasFocus {
    Aliases,
    Versions,
}

/// A function's aliases and published versions.
#[derive(Clone, Debug, PartialEq)]
pub struct AliasData {
    pub aliases: Vec<Alias>,
    pub versions: Vec<Version>,
}

#[derive(Clone, Debug)]
pub struct AliasesPane {
    pub function: String,
    pub remote: Remote<AliasData>,
    pub request: u64,
    pub focus: AliasFocus,
    pub alias_index: usize,
    pub version_index: usize,
}

impl AliasesPane {
    pub fn new(function: String, request: u64) -> Self {
        Self {
            function,
            remote: Remote::default(),
            request,
            focus: AliasFocus::Aliases,
            alias_index: 0,
            version_index: 0,
        }
    }

    pub fn aliases(&self) -> &[Alias] {
        self.remote.data.as_ref().map_or(&[], |d| &d.aliases)
    }

    pub fn versions(&self) -> &[Version] {
        self.remote.data.as_ref().map_or(&[], |d| &d.versions)
    }

    pub fn selected_alias(&self) -> Option<&Alias> {
        self.aliases().get(self.alias_index)
    }

    pub fn selected_version(&self) -> Option<&Version> {
        self.versions().get(self.version_index)
    }

    /// Moves the cursor of the focused list.
    pub fn move_by(&mut self, delta: isize) {
        let (aliases, versions) = (self.aliases().len(), self.versions().len());
        let (index, len) = match self.focus {
            AliasFocus::Aliases => (&mut self.alias_index, aliases),
            AliasFocus::Versions => (&mut self.version_index, versions),
        };
        *index = index
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }

    pub fn clamp(&mut self) {
        self.alias_index = self.alias_index.min(self.aliases().len().saturating_sub(1));
        self.version_index = self
            .version_index
            .min(self.versions().len().saturating_sub(1));
    }

    fn need_alias(&self) -> Result<&Alias, PlanError> {
        self.selected_alias()
            .ok_or_else(|| PlanError::Nothing(format!("{} has no alias selected", self.function)))
    }

    fn need_version(&self) -> Result<&Version, PlanError> {
        self.selected_version().ok_or_else(|| {
            PlanError::Nothing(format!(
                "{} has no published version: P publishes $LATEST",
                self.function
            ))
        })
    }

    /// The selected alias → the selected version, weights cleared.
    pub fn plan_switch(&self) -> Result<AliasChange, PlanError> {
        let a = self.need_alias()?;
        let v = self.need_version()?;
        alias::plan_set(
            &self.function,
            a,
            alias::AliasState::plain(v.version.clone()),
            self.versions(),
        )
    }

    /// The selected alias keeps its primary and sends `percent` % to the selected version.
    pub fn plan_canary(&self, percent: f64) -> Result<AliasChange, PlanError> {
        let a = self.need_alias()?;
        let v = self.need_version()?;
        alias::plan_canary(&self.function, a, &v.version, percent, self.versions())
    }

    pub fn plan_promote(&self) -> Result<AliasChange, PlanError> {
        alias::plan_promote(&self.function, self.need_alias()?, self.versions())
    }
}

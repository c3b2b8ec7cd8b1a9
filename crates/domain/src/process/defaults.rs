//! The default process, as versioned data (`data/default_process.json`).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use super::{ProcessDefinition, ProcessStep};

/// One version of the default process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultProcess {
    pub id: String,
    pub name: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub steps: Vec<ProcessStep>,
}

#[derive(Deserialize)]
struct DefaultsFile {
    versions: Vec<DefaultProcess>,
}

const DEFAULTS_JSON: &str = include_str!("../../data/default_process.json");

impl DefaultProcess {
    /// The shipped versions, oldest first.
    pub fn builtin() -> &'static [DefaultProcess] {
        static VERSIONS: OnceLock<Vec<DefaultProcess>> = OnceLock::new();
        VERSIONS.get_or_init(|| {
            serde_json::from_str::<DefaultsFile>(DEFAULTS_JSON)
                .map(|f| f.versions)
                .unwrap_or_default()
        })
    }

    /// The version in force on `date`; before the first one, the first one (files received
    /// earlier followed the same one-stop path).
    pub fn in_force_at(date: Date) -> &'static DefaultProcess {
        let all = Self::builtin();
        all.iter()
            .rev()
            .find(|v| date >= v.valid_from && v.valid_to.is_none_or(|to| date <= to))
            .or_else(|| all.first())
            .expect("data/default_process.json has at least one version")
    }

    pub fn by_id(id: &str) -> Option<&'static DefaultProcess> {
        Self::builtin().iter().find(|v| v.id == id)
    }

    pub fn definition(&self) -> ProcessDefinition {
        ProcessDefinition {
            steps: self.steps.clone(),
        }
    }
}

//! Turning a workflow record into the columns stored beside it, and back.

use crate::calendar::utc7;
use crate::{AppError, Result};
use motcua_domain::file::{FileRecord, Transition};
use motcua_store::files::{self as store, FileRow};

/// Owned column values of a record (the store borrows from it).
pub(crate) struct Columns {
    state: String,
    received_date: Option<String>,
    appointment_date: Option<String>,
    record_json: String,
}

fn secs(t: Option<jiff::Timestamp>) -> Option<i64> {
    t.map(|t| t.as_second())
}

impl Columns {
    pub(crate) fn of(rec: &FileRecord) -> Result<Columns> {
        Ok(Columns {
            state: rec.state.as_str().to_owned(),
            received_date: rec
                .received_at
                .filter(|_| !rec.state.is_before_receipt())
                .map(|t| t.to_zoned(utc7()).date().to_string()),
            appointment_date: rec
                .deadline
                .as_ref()
                .map(|d| d.appointment_date.to_string()),
            record_json: serde_json::to_string(rec)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        })
    }

    pub(crate) fn state<'a>(
        &'a self,
        rec: &FileRecord,
        code: Option<&'a str>,
    ) -> store::FileState<'a> {
        let received = !rec.state.is_before_receipt();
        store::FileState {
            code,
            current_unit_id: rec.current_unit_id,
            assignee_id: rec.assignee_id,
            state: &self.state,
            received_at: secs(rec.received_at.filter(|_| received)),
            received_date: self.received_date.as_deref(),
            due_at: secs(rec.deadline.as_ref().map(|d| d.due)),
            legal_due_at: secs(rec.deadline.as_ref().map(|d| d.legal_due)),
            appointment_date: self.appointment_date.as_deref(),
            finished_at: secs(rec.processing_finished_at),
            handed_over_at: secs(rec.handed_over_at),
            ended_at: secs(rec.ended_at),
            supplement_count: rec.supplement_requests.len() as i64,
            apology_at: secs(rec.apology.as_ref().map(|a| a.issued_at)),
            record_json: &self.record_json,
            version: rec.version,
        }
    }
}

pub(crate) fn record_of(row: &FileRow) -> Result<FileRecord> {
    serde_json::from_str(&row.record_json)
        .map_err(|e| AppError::Internal(format!("file {}: {e}", row.id)))
}

/// The units a transition puts the file at (its current unit, the inter-agency legs it opens)
/// that are not among `linked_units` yet.
fn units_to_link(transition: &Transition, linked_units: &[i64]) -> Vec<i64> {
    let legs = transition.effects.iter().filter_map(|e| match e {
        motcua_domain::file::Effect::LegOpened { unit_id, .. } => Some(*unit_id),
        _ => None,
    });
    let mut units: Vec<i64> = std::iter::once(transition.record.current_unit_id)
        .chain(legs)
        .filter(|u| !linked_units.contains(u))
        .collect();
    units.dedup();
    units
}

/// What a transition writes beside the file row (see [`store::FileChange`]): its history
/// entry, the units it puts the file at that are not among `linked_units` yet (none for a new
/// file), and the outbox message that announces it (notifications read it).
pub(crate) struct ChangeRows {
    action: String,
    event_json: String,
    link_units: Vec<i64>,
    message: String,
}

impl ChangeRows {
    pub(crate) fn of(transition: &Transition, linked_units: &[i64]) -> Result<ChangeRows> {
        let event = &transition.event;
        let internal = |e: serde_json::Error| AppError::Internal(e.to_string());
        // No personal data in the message: workers load what they need by id.
        let message = serde_json::json!({
            "action": event.kind,
            "from": event.from,
            "to": event.to,
            "version": event.version,
            "effects": transition.effects,
        });
        Ok(ChangeRows {
            action: serde_json::to_value(event.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            event_json: serde_json::to_string(event).map_err(internal)?,
            link_units: units_to_link(transition, linked_units),
            message: serde_json::to_string(&message).map_err(internal)?,
        })
    }

    /// The units the transition puts the file at that it was not at.
    pub(crate) fn new_units(&self) -> &[i64] {
        &self.link_units
    }

    pub(crate) fn change<'a>(&'a self, transition: &'a Transition) -> store::FileChange<'a> {
        let event = &transition.event;
        store::FileChange {
            seq: event.version,
            at: event.at.as_second(),
            actor_id: Some(event.actor_id).filter(|id| *id > 0),
            action: &self.action,
            from_state: event.from.map(|s| s.as_str()),
            to_state: event.to.as_str(),
            event_json: &self.event_json,
            link_units: &self.link_units,
            message: &self.message,
        }
    }
}

//! Metrics of the jobs this process ran (queue depth is read from the database at scrape time
//! by the web layer, since it is shared by all instances).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabels {
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub kind: String,
    /// done, retry, dead, lease_lost
    pub outcome: String,
}

/// Cheap to clone: the families share their data.
#[derive(Clone)]
pub struct JobMetrics {
    pub runs: Family<OutcomeLabels, Counter>,
    pub duration: Family<KindLabels, Histogram>,
    pub wait: Family<KindLabels, Histogram>,
}

impl Default for JobMetrics {
    fn default() -> Self {
        JobMetrics {
            runs: Family::default(),
            duration: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.001, 2.0, 16))
            }),
            wait: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.5, 2.0, 16))
            }),
        }
    }
}

impl JobMetrics {
    pub fn register(&self, registry: &mut Registry) {
        registry.register(
            "job_runs",
            "Job attempts run by this instance, by outcome (done, retry, dead, lease_lost)",
            self.runs.clone(),
        );
        registry.register(
            "job_duration_seconds",
            "Time a job's handler ran",
            self.duration.clone(),
        );
        registry.register(
            "job_wait_seconds",
            "Time from a job becoming due to a worker claiming it (queue latency)",
            self.wait.clone(),
        );
    }

    pub(crate) fn outcome(&self, kind: &str, outcome: &str) {
        self.runs
            .get_or_create(&OutcomeLabels {
                kind: kind.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }
}

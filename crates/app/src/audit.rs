//! The audit trail: every change, who made it, when, and the data before and after, in
//! tamper-evident hash chains. `verify` recomputes every chain and reports the first break.

use crate::{Actor, App, Result};
use motcua_store::Conn;
use motcua_store::audit::{self as store, CHAINS, GENESIS};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One change to record.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The chain an entity's records go to: stable across processes and releases (FNV-1a).
pub fn chain_of(entity_type: &str, entity_id: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in entity_type.bytes().chain([b':']).chain(entity_id.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % CHAINS as u64) as i64
}

/// The content hash of a record: SHA-256 over an unambiguous JSON encoding of every stored
/// column but its sequence number and hashes. The chain links it with those
/// ([`store::link_hash`]).
#[allow(clippy::too_many_arguments)]
pub fn content_hash(
    tenant_id: i64,
    chain: i64,
    at: i64,
    actor_id: Option<i64>,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before_json: Option<&str>,
    after_json: Option<&str>,
) -> String {
    let canonical = serde_json::json!([
        tenant_id,
        chain,
        at,
        actor_id,
        action,
        entity_type,
        entity_id,
        before_json,
        after_json
    ]);
    crate::secret::hex(&Sha256::digest(canonical.to_string().as_bytes()))
}

/// The hash of a record written before the chains linked content hashes (migration 0017):
/// SHA-256 over the same encoding with the sequence number and the previous hash inside.
#[allow(clippy::too_many_arguments)]
fn legacy_record_hash(
    tenant_id: i64,
    chain: i64,
    seq: i64,
    at: i64,
    actor_id: Option<i64>,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before_json: Option<&str>,
    after_json: Option<&str>,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::json!([
        tenant_id,
        chain,
        seq,
        at,
        actor_id,
        action,
        entity_type,
        entity_id,
        before_json,
        after_json,
        prev_hash
    ]);
    crate::secret::hex(&Sha256::digest(canonical.to_string().as_bytes()))
}

/// A change made ready to append: its chain, its columns as stored, its content hash.
pub(crate) struct Prepared {
    chain: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    entity_type: String,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
    content_hash: String,
}

impl Prepared {
    pub(crate) fn of(
        tenant_id: i64,
        actor_id: Option<i64>,
        at: i64,
        change: Change<'_>,
    ) -> Prepared {
        let chain = chain_of(change.entity_type, &change.entity_id);
        let before = change.before.map(|v| v.to_string());
        let after = change.after.map(|v| v.to_string());
        let content_hash = content_hash(
            tenant_id,
            chain,
            at,
            actor_id,
            change.action,
            change.entity_type,
            &change.entity_id,
            before.as_deref(),
            after.as_deref(),
        );
        Prepared {
            chain,
            at,
            actor_id,
            action: change.action.to_owned(),
            entity_type: change.entity_type.to_owned(),
            entity_id: change.entity_id,
            before,
            after,
            content_hash,
        }
    }

    pub(crate) fn entry(&self) -> store::Entry<'_> {
        store::Entry {
            chain: self.chain,
            at: self.at,
            actor_id: self.actor_id,
            action: &self.action,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            before_json: self.before.as_deref(),
            after_json: self.after.as_deref(),
            content_hash: &self.content_hash,
        }
    }
}

/// Appends a record inside the caller's transaction. Call it late, best last before commit:
/// the chain head stays locked until the transaction ends.
pub async fn record(
    conn: &mut Conn,
    tenant_id: i64,
    actor_id: Option<i64>,
    at: i64,
    change: Change<'_>,
) -> Result<()> {
    let prepared = Prepared::of(tenant_id, actor_id, at, change);
    store::append(conn, tenant_id, &prepared.entry()).await?;
    Ok(())
}

/// Outcome of verifying a tenant's audit trail.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verification {
    pub records: i64,
    pub chains: i64,
    /// The first break found, if any.
    pub first_break: Option<Break>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Break {
    pub chain: i64,
    pub seq: i64,
    pub record_id: Option<i64>,
    pub reason: String,
}

/// Recomputes every chain of the tenant from the genesis hash.
pub async fn verify(app: &App, tenant_id: i64) -> Result<Verification> {
    let mut conn = app.db.read_conn().await?;
    let mut records = 0;
    for chain in 0..CHAINS {
        let mut prev = GENESIS.to_owned();
        let mut expected_seq = 1;
        loop {
            let page =
                store::chain_page(&mut conn, tenant_id, chain, expected_seq - 1, 1000).await?;
            if page.is_empty() {
                break;
            }
            for r in page {
                let fail = |reason: String| Break {
                    chain,
                    seq: r.seq,
                    record_id: Some(r.id),
                    reason,
                };
                if r.seq != expected_seq {
                    return Ok(broken(
                        records,
                        fail(format!("record {expected_seq} is missing")),
                    ));
                }
                if r.prev_hash != prev {
                    return Ok(broken(
                        records,
                        fail("previous-hash link does not match".into()),
                    ));
                }
                let content = content_hash(
                    tenant_id,
                    chain,
                    r.at,
                    r.actor_id,
                    &r.action,
                    &r.entity_type,
                    &r.entity_id,
                    r.before_json.as_deref(),
                    r.after_json.as_deref(),
                );
                let linked = store::link_hash(&r.prev_hash, r.seq, &content) == r.hash
                    || legacy_record_hash(
                        tenant_id,
                        chain,
                        r.seq,
                        r.at,
                        r.actor_id,
                        &r.action,
                        &r.entity_type,
                        &r.entity_id,
                        r.before_json.as_deref(),
                        r.after_json.as_deref(),
                        &r.prev_hash,
                    ) == r.hash;
                if !linked {
                    return Ok(broken(
                        records,
                        fail("record content does not match its hash".into()),
                    ));
                }
                prev = r.hash;
                expected_seq += 1;
                records += 1;
            }
        }
        if let Some((last_seq, last_hash)) = store::head(&mut conn, tenant_id, chain).await?
            && (last_seq != expected_seq - 1 || (last_seq > 0 && last_hash != prev))
        {
            return Ok(broken(
                records,
                Break {
                    chain,
                    seq: expected_seq,
                    record_id: None,
                    reason: format!(
                        "chain head says {last_seq} records but {} were found (records removed at the end?)",
                        expected_seq - 1
                    ),
                },
            ));
        }
    }
    Ok(Verification {
        records,
        chains: CHAINS,
        first_break: None,
    })
}

fn broken(records: i64, first: Break) -> Verification {
    Verification {
        records,
        chains: CHAINS,
        first_break: Some(first),
    }
}

/// History of one entity, newest first, for those allowed to read the audit trail.
pub async fn history(
    app: &App,
    actor: &Actor,
    entity_type: &str,
    entity_id: &str,
) -> Result<Vec<store::AuditRecord>> {
    actor.require(motcua_domain::permission::Action::ViewAudit)?;
    let mut conn = app.db.read_conn().await?;
    Ok(store::for_entity(&mut conn, actor.tenant_id, entity_type, entity_id, 500).await?)
}

pub async fn recent(
    app: &App,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<Vec<store::AuditRecord>> {
    actor.require(motcua_domain::permission::Action::ViewAudit)?;
    let mut conn = app.db.read_conn().await?;
    Ok(store::recent(
        &mut conn,
        actor.tenant_id,
        limit.clamp(1, 500),
        offset.max(0),
    )
    .await?)
}

//! The audit trail: every change, who made it, when, and the data before and after, in
//! tamper-evident hash chains. `verify` recomputes every chain and reports the first break.

use crate::{Actor, App, Result};
use motcua_store::Conn;
use motcua_store::audit::{self as store, CHAINS, Content, GENESIS};
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

/// SHA-256 over an unambiguous JSON encoding (an array) of the tenant and `c`, with the
/// sequence number and previous hash inside for a record of the former formula.
fn canonical_hash(tenant_id: i64, c: &Content<'_>, legacy_link: Option<(i64, &str)>) -> String {
    let canonical = canonical_text(tenant_id, c, legacy_link);
    crate::secret::hex(&Sha256::digest(canonical.as_bytes()))
}

/// The encoding [`canonical_hash`] hashes.
fn canonical_text(tenant_id: i64, c: &Content<'_>, legacy_link: Option<(i64, &str)>) -> String {
    use serde_json::json;
    let mut values = vec![json!(tenant_id), json!(c.chain)];
    if let Some((seq, _)) = legacy_link {
        values.push(json!(seq));
    }
    values.extend([
        json!(c.at),
        json!(c.actor_id),
        json!(c.action),
        json!(c.entity_type),
        json!(c.entity_id),
        json!(c.before_json),
        json!(c.after_json),
    ]);
    if let Some((_, prev_hash)) = legacy_link {
        values.push(json!(prev_hash));
    }
    serde_json::Value::Array(values).to_string()
}

/// The content hash of a record: SHA-256 over an unambiguous JSON encoding of every stored
/// column but its sequence number and hashes. The chain links it with those
/// ([`store::link_hash`]). Records written before migration 0017 were hashed with the
/// sequence number and the previous hash inside instead.
pub fn content_hash(tenant_id: i64, c: &Content<'_>) -> String {
    canonical_hash(tenant_id, c, None)
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
        let mut prepared = Prepared::unhashed(actor_id, at, change);
        prepared.content_hash = content_hash(tenant_id, &prepared.content());
        prepared
    }

    /// The columns of `change`, its content hash left empty.
    fn unhashed(actor_id: Option<i64>, at: i64, change: Change<'_>) -> Prepared {
        Prepared {
            chain: chain_of(change.entity_type, &change.entity_id),
            at,
            actor_id,
            action: change.action.to_owned(),
            entity_type: change.entity_type.to_owned(),
            entity_id: change.entity_id,
            before: change.before.map(|v| v.to_string()),
            after: change.after.map(|v| v.to_string()),
            content_hash: String::new(),
        }
    }

    fn content(&self) -> Content<'_> {
        Content {
            chain: self.chain,
            at: self.at,
            actor_id: self.actor_id,
            action: &self.action,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            before_json: self.before.as_deref(),
            after_json: self.after.as_deref(),
        }
    }

    pub(crate) fn entry(&self) -> store::Entry<'_> {
        store::Entry {
            content: self.content(),
            content_hash: &self.content_hash,
        }
    }
}

/// A change whose after-JSON holds a code the store makes as it writes the record (a file
/// numbered as it is received): its columns and encoding split around that code.
pub(crate) struct AroundCode {
    prepared: Prepared,
    after_tail: String,
    canonical: (String, String),
}

impl AroundCode {
    /// `change` with `marker` where the code goes in its after-JSON; `None` unless the marker
    /// is there exactly once. The code must be written the same in JSON as it is (no quote,
    /// backslash or control character), so that the store's splice gives the record
    /// [`Prepared::of`] would have given with it.
    pub(crate) fn of(
        tenant_id: i64,
        actor_id: Option<i64>,
        at: i64,
        change: Change<'_>,
        marker: &str,
    ) -> Option<AroundCode> {
        // Its content hash is made by the store, around the code.
        let mut prepared = Prepared::unhashed(actor_id, at, change);
        let once = |text: &str| {
            text.split_once(marker)
                .filter(|(_, tail)| !tail.contains(marker))
                .map(|(head, tail)| (head.to_owned(), tail.to_owned()))
        };
        let canonical = once(&canonical_text(tenant_id, &prepared.content(), None))?;
        let (head, after_tail) = once(prepared.after.as_deref()?)?;
        prepared.after = Some(head);
        Some(AroundCode {
            prepared,
            after_tail,
            canonical,
        })
    }

    pub(crate) fn entry(&self) -> store::EntryAroundCode<'_> {
        store::EntryAroundCode {
            content: self.prepared.content(),
            after_json_tail: &self.after_tail,
            canonical: (&self.canonical.0, &self.canonical.1),
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
                let content = Content {
                    chain,
                    at: r.at,
                    actor_id: r.actor_id,
                    action: &r.action,
                    entity_type: &r.entity_type,
                    entity_id: &r.entity_id,
                    before_json: r.before_json.as_deref(),
                    after_json: r.after_json.as_deref(),
                };
                let linked =
                    store::link_hash(&r.prev_hash, r.seq, &content_hash(tenant_id, &content))
                        == r.hash
                        || canonical_hash(tenant_id, &content, Some((r.seq, &r.prev_hash)))
                            == r.hash;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> Content<'static> {
        Content {
            chain: 3,
            at: 1_765_000_000,
            actor_id: Some(5),
            action: "file.action",
            entity_type: "file",
            entity_id: "9",
            before_json: None,
            after_json: Some(r#"{"state":"assigned"}"#),
        }
    }

    #[test]
    fn records_written_before_migration_0017_still_verify() {
        // The former formula, as it was written: every column, with the sequence number and
        // the previous hash inside, in this order.
        let former = serde_json::json!([
            1,
            3,
            7,
            1_765_000_000,
            Some(5),
            "file.action",
            "file",
            "9",
            None::<&str>,
            Some(r#"{"state":"assigned"}"#),
            "abc"
        ]);
        let expected = crate::secret::hex(&Sha256::digest(former.to_string().as_bytes()));
        assert_eq!(canonical_hash(1, &content(), Some((7, "abc"))), expected);
    }

    #[test]
    fn the_content_hash_covers_every_column_but_the_place_in_the_chain() {
        let base = content_hash(1, &content());
        assert_eq!(base.len(), 64);
        let changed = [
            content_hash(2, &content()),
            content_hash(
                1,
                &Content {
                    chain: 4,
                    ..content()
                },
            ),
            content_hash(1, &Content { at: 1, ..content() }),
            content_hash(
                1,
                &Content {
                    actor_id: None,
                    ..content()
                },
            ),
            content_hash(
                1,
                &Content {
                    action: "file.received",
                    ..content()
                },
            ),
            content_hash(
                1,
                &Content {
                    entity_type: "unit",
                    ..content()
                },
            ),
            content_hash(
                1,
                &Content {
                    entity_id: "10",
                    ..content()
                },
            ),
            content_hash(
                1,
                &Content {
                    before_json: Some("{}"),
                    ..content()
                },
            ),
            content_hash(
                1,
                &Content {
                    after_json: None,
                    ..content()
                },
            ),
        ];
        for (i, other) in changed.iter().enumerate() {
            assert_ne!(&base, other, "column {i} is not covered");
        }
    }
}

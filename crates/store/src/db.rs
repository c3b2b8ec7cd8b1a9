use crate::{Result, StoreError};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
pub type Conn = sqlx::AnyConnection;
pub type ReadConn = sqlx::pool::PoolConnection<sqlx::Any>;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// A pooled PostgreSQL connection idle this long is pinged before it is used again.
const PING_IDLE_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a pool for reads and one for writes.
///
/// On PostgreSQL both are the same pool. SQLite allows one writer at a time, so writes go through
/// a single connection (transactions queue in the pool instead of failing with SQLITE_BUSY)
/// while reads run concurrently on the others thanks to WAL.
#[derive(Clone, Debug)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);

        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = AnyConnectOptions::from_str(url).map_err(StoreError::from)?;
            let pool = AnyPoolOptions::new()
                .max_connections(max_connections.max(2))
                .acquire_timeout(Duration::from_secs(10))
                // sqlx pings every connection taken from the pool: a round trip to the server
                // per use, as long as a short read's own statement. Only a connection left idle
                // long enough for the server or the network to have dropped it is pinged (a
                // dead one is closed and replaced, as sqlx's own test does).
                .test_before_acquire(false)
                .before_acquire(|conn, meta| {
                    Box::pin(async move {
                        if meta.idle_for >= PING_IDLE_AFTER {
                            sqlx::Connection::ping(conn).await?;
                        }
                        Ok(true)
                    })
                })
                .connect_with(options)
                .await?;
            Ok(Db {
                read: pool.clone(),
                write: pool,
                backend: Backend::Postgres,
            })
        } else if url.starts_with("sqlite:") {
            let url = if url.contains("mode=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            let options = AnyConnectOptions::from_str(&url).map_err(StoreError::from)?;
            let pool = |max: u32| {
                AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // FULL: a committed transaction survives a power cut, not just a crash.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options.clone())
            };
            let write = pool(1).await?;
            let read = pool(max_connections.clamp(1, 8)).await?;
            Ok(Db {
                read,
                write,
                backend: Backend::Sqlite,
            })
        } else {
            Err(StoreError::BadUrl(url.chars().take(20).collect()))
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations. Safe to call from several instances at once on PostgreSQL
    /// (sqlx takes an advisory lock).
    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.write).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.write).await?,
        }
        Ok(())
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.write.begin().await?)
    }

    /// A connection of the write pool, outside any transaction: for a change made of one
    /// statement (atomic by itself on PostgreSQL), or reads followed by [`begin_on`].
    pub async fn write_conn(&self) -> Result<ReadConn> {
        Ok(self.write.acquire().await?)
    }

    /// A connection for reads outside any transaction.
    pub async fn read_conn(&self) -> Result<ReadConn> {
        Ok(self.read.acquire().await?)
    }

    /// A pool for reads outside any transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Starts a transaction on a connection taken with [`Db::write_conn`].
pub async fn begin_on(conn: &mut ReadConn) -> Result<sqlx::Transaction<'_, sqlx::Any>> {
    Ok(sqlx::Connection::begin(&mut **conn).await?)
}

/// Commits a write transaction.
pub async fn commit(tx: sqlx::Transaction<'_, sqlx::Any>) -> Result<()> {
    tx.commit().await?;
    Ok(())
}

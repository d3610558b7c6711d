//! The PostgreSQL/PostGIS backend: a working group's shared store.
//!
//! The tables live in one schema (default `stadtatlas`, see
//! [`schema::CREATE`]). A store opened for reading reads one consistent
//! snapshot (`REPEATABLE READ`, read-only) until it is dropped; an import is
//! one transaction, and imports into the same schema take turns (a
//! transaction-scoped advisory lock), each checked against what the others
//! wrote since it read the store ([`super::ChangeSet::based_on`]).

mod build;
mod copy_in;
mod read;
mod schema;
mod tally;
mod web;
mod write;

pub use schema::SCHEMA_VERSION;

use super::{AssignmentRow, ChangeSet, Revision, Snapshot, Store, StoreError};
use crate::model::{Contact, Entity, Relation};
use postgres::{Client, NoTls};
use std::cell::RefCell;
use std::fmt;

/// A database and the schema in it that holds a store.
#[derive(Clone, PartialEq, Eq)]
pub struct PgTarget {
    url: String,
    /// The schema the tables are in (and SQL's `{s}`).
    schema: String,
    /// The schema the store is known by: its roles' names and its name in
    /// messages. The same as `schema` but while a new store is built
    /// beside it ([`PgTarget::building`]).
    named: String,
}

impl fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgTarget({self})")
    }
}

impl PgTarget {
    /// # Errors
    /// When `schema` is not a plain lower-case SQL identifier.
    pub fn new(url: &str, schema: &str) -> Result<Self, StoreError> {
        let plain = !schema.is_empty()
            && schema.len() <= 48
            && schema.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            return Err(StoreError::Open {
                store: redact(url),
                source: format!(
                    "the schema name '{schema}' is not a plain identifier \
                     (lower-case letters, digits and _, at most 48)"
                )
                .into(),
            });
        }
        Ok(PgTarget {
            url: url.to_string(),
            schema: schema.to_string(),
            named: schema.to_string(),
        })
    }

    /// The schema's name.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    fn connect(&self) -> Result<Client, StoreError> {
        let open_err = |e: postgres::Error| StoreError::Open {
            store: self.to_string(),
            source: Box::new(e),
        };
        let mut config: postgres::Config = self.url.parse().map_err(open_err)?;
        // A password is best not typed into a URL (shell history, `ps`):
        // PGPASSWORD gives it as libpq's tools take it.
        if config.get_password().is_none()
            && let Some(password) = std::env::var_os("PGPASSWORD")
        {
            config.password(password.as_encoded_bytes());
        }
        let mut client = config.connect(NoTls).map_err(open_err)?;
        // PostGIS lives in `public` (or wherever the extension was made);
        // our names are qualified, but the saved queries' are not.
        let q = format!(
            "SET search_path TO {}, public; SET application_name = 'stadtatlas'",
            self.schema
        );
        client.batch_execute(&q).map_err(sql_err(&q))?;
        Ok(client)
    }

    /// The schema's SQL text: `{s}` and the role names filled in.
    fn sql(&self, template: &str) -> String {
        let (reader, editor) = self.roles();
        template
            .replace("{s}", &self.schema)
            .replace("{reader_name}", &reader)
            .replace("{editor_name}", &editor)
            .replace("{reader}", &reader)
            .replace("{editor}", &editor)
    }

    /// The reader and editor roles of this schema.
    pub fn roles(&self) -> (String, String) {
        (
            format!("{}_reader", self.named),
            format!("{}_editor", self.named),
        )
    }

    /// The schema beside this one in which a new store is built before it
    /// is renamed to this one ([`build`]): `{schema}__loading` (schema
    /// names are at most 48 bytes, PostgreSQL's 63), with this one's roles.
    fn building(&self) -> PgTarget {
        PgTarget {
            url: self.url.clone(),
            schema: format!("{}{}", self.schema, build::SUFFIX),
            named: self.named.clone(),
        }
    }
}

impl PgTarget {
    /// [`crate::store::Location::command_line`] of this schema.
    pub(crate) fn command_line(&self) -> String {
        if self.named == super::location::DEFAULT_PG_SCHEMA {
            redact(&self.url)
        } else {
            format!("{} --pg-schema {}", redact(&self.url), self.named)
        }
    }
}

impl fmt::Display for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", redact(&self.url))?;
        if self.named != super::location::DEFAULT_PG_SCHEMA {
            write!(f, " (schema {})", self.named)?;
        }
        Ok(())
    }
}

/// A URL with its password replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(k) => rest.split_at(k),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

pub(crate) fn sql_err(query: &str) -> impl FnOnce(postgres::Error) -> StoreError + '_ {
    move |source| StoreError::Sql {
        query: query.to_string(),
        source: Box::new(source),
    }
}

/// A store in a PostgreSQL schema.
pub struct PgStore {
    client: RefCell<Client>,
    target: PgTarget,
    /// True while the connection holds a read-only snapshot transaction.
    reading: bool,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgStore({})", self.target)
    }
}

/// Above this many entities, the first entities of a store are written as
/// into a new store (as the GeoPackage store does).
const FIRST_ENTITIES_BULK_ABOVE: usize = 2_000;

/// The advisory lock key of a schema's writers: every import and `init`
/// into it take turns.
const LOCK: &str = "SELECT pg_advisory_xact_lock(hashtextextended('stadtatlas:' || $1, 0))";

impl PgStore {
    /// True when the schema holds a store.
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub fn exists(target: &PgTarget) -> Result<bool, StoreError> {
        let mut client = target.connect()?;
        Self::has_meta(&mut client, target)
    }

    /// True when the schema holds no store, or one as `init` left it: what
    /// [`PgStore::create_with`] writes into.
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub fn counts_as_new(target: &PgTarget) -> Result<bool, StoreError> {
        let mut client = target.connect()?;
        let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
        Ok(!Self::schema_taken(&mut tx, target)? || Self::as_made_by_init(&mut tx, target)?)
    }

    fn has_meta(
        client: &mut impl postgres::GenericClient,
        target: &PgTarget,
    ) -> Result<bool, StoreError> {
        const Q: &str = "SELECT to_regclass($1) IS NOT NULL";
        let table = format!("{}.stadtatlas_meta", target.schema);
        client
            .query_one(Q, &[&table])
            .map(|r| r.get(0))
            .map_err(sql_err(Q))
    }

    /// Creates the schema, its tables and the two roles (`init`).
    ///
    /// # Errors
    /// [`StoreError::Exists`] when the schema holds a store; when PostGIS
    /// is missing and cannot be made.
    pub fn create(target: &PgTarget) -> Result<Self, StoreError> {
        let mut client = target.connect()?;
        let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
        tx.execute(LOCK, &[&target.schema]).map_err(sql_err(LOCK))?;
        Self::create_in(&mut tx, target)?;
        Self::index_in(&mut tx, target)?;
        tx.commit().map_err(sql_err("COMMIT"))?;
        Self::open(target)
    }

    /// Creates the tables inside the caller's transaction (which holds the
    /// writers' lock).
    fn create_in(tx: &mut postgres::Transaction<'_>, target: &PgTarget) -> Result<(), StoreError> {
        if Self::schema_taken(tx, target)? {
            return Err(StoreError::Exists {
                store: target.to_string(),
            });
        }
        const POSTGIS: &str = "SELECT 1 FROM pg_extension WHERE extname = 'postgis'";
        let has_postgis = !tx.query(POSTGIS, &[]).map_err(sql_err(POSTGIS))?.is_empty();
        if !has_postgis {
            tx.batch_execute("CREATE EXTENSION postgis")
                .map_err(|e| StoreError::Open {
                    store: target.to_string(),
                    source: format!(
                        "PostGIS is not installed in this database and cannot be made by this user \
                         ({e}); a superuser runs `CREATE EXTENSION postgis;` in it once"
                    )
                    .into(),
                })?;
        }
        for step in [schema::CREATE, schema::WEB] {
            let create = target.sql(step);
            tx.batch_execute(&create).map_err(sql_err(&create))?;
        }
        const META: &str = "INSERT INTO stadtatlas_meta (key, value) VALUES ('schema_version', $1)";
        tx.execute(META, &[&SCHEMA_VERSION.to_string()])
            .map_err(sql_err(META))?;
        Self::grant_in(tx, target)?;
        Self::secure_rows_in(tx, target)
    }

    /// Makes the two roles and grants them the tables. The roles are the
    /// cluster's: a user who may not make roles gets a store without them
    /// (and the note in the README on granting).
    ///
    /// Roles belong to the cluster, the writers' lock to one database: an
    /// `init` in another database may make the same roles at the same
    /// moment, and then ours fails on PostgreSQL's unique key once the other
    /// commits. Tried again, `IF NOT EXISTS` finds them and the grants are
    /// made (without the retry the store had the policies but no grants).
    fn grant_in(tx: &mut postgres::Transaction<'_>, target: &PgTarget) -> Result<(), StoreError> {
        let roles = target.sql(schema::ROLES);
        for _ in 0..3 {
            tx.batch_execute("SAVEPOINT roles")
                .map_err(sql_err("SAVEPOINT"))?;
            if tx.batch_execute(&roles).is_ok() {
                return Ok(());
            }
            tx.batch_execute("ROLLBACK TO SAVEPOINT roles")
                .map_err(sql_err("ROLLBACK TO SAVEPOINT"))?;
        }
        Ok(())
    }

    /// Row-level security on the record tables ([`schema::row_security`]),
    /// and its policies when the two roles exist (without them nobody but
    /// the owner has been granted the tables). Unlike the grants, a failure
    /// is an error: a store of version 3 or later must not be without it.
    fn secure_rows_in(
        tx: &mut postgres::Transaction<'_>,
        target: &PgTarget,
    ) -> Result<(), StoreError> {
        let enable = target.sql(&schema::row_security());
        tx.batch_execute(&enable).map_err(sql_err(&enable))?;
        const ROLES: &str = "SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)";
        let (reader, editor) = target.roles();
        let found: i64 = tx
            .query_one(ROLES, &[&reader, &editor])
            .map_err(sql_err(ROLES))?
            .get(0);
        if found == 2 {
            let policies = target.sql(&schema::policies());
            tx.batch_execute(&policies).map_err(sql_err(&policies))?;
        }
        Ok(())
    }

    /// Brings a store of an older schema version to this one, under the
    /// writers' lock: version 1 gets the web part's tables, versions 1 and
    /// 2 row-level security, versions 1 to 3 entity rows whose `record`
    /// holds only what has no column, versions 1 to 4 the current revision
    /// in the entity row. Only the schema's owner may do it; another
    /// role gets PostgreSQL's "must be owner" and the store stays as it was.
    fn upgrade(client: &mut Client, target: &PgTarget) -> Result<(), StoreError> {
        let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
        tx.execute(LOCK, &[&target.schema]).map_err(sql_err(LOCK))?;
        const Q: &str = "SELECT value FROM stadtatlas_meta WHERE key = 'schema_version' FOR UPDATE";
        let found: Option<String> = tx.query_opt(Q, &[]).map_err(sql_err(Q))?.map(|r| r.get(0));
        if matches!(found.as_deref(), Some("1" | "2" | "3" | "4")) {
            if found.as_deref() == Some("1") {
                let web = target.sql(schema::WEB);
                tx.batch_execute(&web).map_err(sql_err(&web))?;
            }
            if found.as_deref() != Some("4") {
                write::rewrite_entities_from_records(&mut tx)?;
            }
            let v5 = target.sql(schema::V4_TO_V5);
            tx.batch_execute(&v5).map_err(sql_err(&v5))?;
            const VERSION: &str =
                "UPDATE stadtatlas_meta SET value = $1 WHERE key = 'schema_version'";
            tx.execute(VERSION, &[&SCHEMA_VERSION.to_string()])
                .map_err(sql_err(VERSION))?;
            Self::grant_in(&mut tx, target)?;
            Self::secure_rows_in(&mut tx, target)?;
        }
        tx.commit().map_err(sql_err("COMMIT"))
    }

    /// The keys, indexes and references of the large tables
    /// ([`schema::INDEXES`]).
    fn index_in(tx: &mut postgres::Transaction<'_>, target: &PgTarget) -> Result<(), StoreError> {
        // Index builds of a million rows sort in memory with room for it
        // (the default 64 MB spills to disk); for this transaction only.
        const MEMORY: &str = "SET LOCAL maintenance_work_mem = '256MB'";
        tx.batch_execute(MEMORY).map_err(sql_err(MEMORY))?;
        schema::INDEXES.iter().try_for_each(|step| {
            let indexes = target.sql(step);
            tx.batch_execute(&indexes).map_err(sql_err(&indexes))
        })
    }

    /// Creates the store with its first import: a new schema is built
    /// beside it and renamed into place ([`build`]), a schema that `init`
    /// left empty is written in one transaction; either way under the
    /// writers' lock, all or nothing.
    ///
    /// # Errors
    /// [`StoreError::Exists`] when the schema holds a store (also when
    /// another process made it meanwhile); the write's errors.
    pub fn create_with(target: &PgTarget, changes: &ChangeSet) -> Result<i64, StoreError> {
        let mut client = target.connect()?;
        let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
        tx.execute(LOCK, &[&target.schema]).map_err(sql_err(LOCK))?;
        if !Self::schema_taken(&mut tx, target)? {
            // Built beside it on three connections at once and renamed into
            // place by this transaction, which keeps the lock meanwhile.
            return build::beside(tx, target, changes);
        }
        // A store that `init` made and nobody wrote counts as new (the
        // README's team flow: `init`, then `copy --from`).
        let empty = Self::as_made_by_init(&mut tx, target)?;
        if !empty || !Self::unindex_in(&mut tx, target)? {
            return Err(StoreError::Exists {
                store: target.to_string(),
            });
        }
        let id = write::apply_in(&mut tx, changes, true)?;
        Self::index_in(&mut tx, target)?;
        Self::analyze_in(&mut tx, target)?;
        tx.commit().map_err(sql_err("COMMIT"))?;
        Ok(id)
    }

    /// [`schema::ANALYZE`] inside the caller's transaction.
    fn analyze_in(tx: &mut postgres::Transaction<'_>, target: &PgTarget) -> Result<(), StoreError> {
        let analyze = target.sql(schema::ANALYZE);
        tx.batch_execute(&analyze).map_err(sql_err(&analyze))
    }

    /// Whether the schema exists (with a store in it or not).
    fn schema_taken(
        tx: &mut postgres::Transaction<'_>,
        target: &PgTarget,
    ) -> Result<bool, StoreError> {
        const SCHEMA: &str = "SELECT 1 FROM pg_namespace WHERE nspname = $1";
        Ok(!tx
            .query(SCHEMA, &[&target.schema])
            .map_err(sql_err(SCHEMA))?
            .is_empty())
    }

    /// Whether the schema holds a store of this version as `init` leaves
    /// it: no import, record, account, submission or token.
    fn as_made_by_init(
        tx: &mut postgres::Transaction<'_>,
        target: &PgTarget,
    ) -> Result<bool, StoreError> {
        if !Self::has_meta(tx, target)? {
            return Ok(false);
        }
        let empty = target.sql(
            "SELECT (SELECT value FROM {s}.stadtatlas_meta WHERE key = 'schema_version') = $1 \
             AND NOT EXISTS (SELECT 1 FROM {s}.imports) AND NOT EXISTS (SELECT 1 FROM {s}.revisions) \
             AND NOT EXISTS (SELECT 1 FROM {s}.entities) AND NOT EXISTS (SELECT 1 FROM {s}.districts) \
             AND NOT EXISTS (SELECT 1 FROM {s}.relations) AND NOT EXISTS (SELECT 1 FROM {s}.contacts) \
             AND NOT EXISTS (SELECT 1 FROM {s}.accounts) AND NOT EXISTS (SELECT 1 FROM {s}.submissions) \
             AND NOT EXISTS (SELECT 1 FROM {s}.api_tokens)",
        );
        let version = SCHEMA_VERSION.to_string();
        Ok(tx
            .query_one(&empty, &[&version])
            .map_err(sql_err(&empty))?
            .get::<_, Option<bool>>(0)
            .unwrap_or(false))
    }

    /// Whether the store has never held an entity (nor an entity's
    /// revision or district row), so that an import's entities are its
    /// first, each at revision 1.
    fn never_held_entities(tx: &mut postgres::Transaction<'_>) -> Result<bool, StoreError> {
        const NEVER: &str = "SELECT NOT EXISTS (SELECT 1 FROM entities) \
             AND NOT EXISTS (SELECT 1 FROM revisions WHERE record_kind = 'entity') \
             AND NOT EXISTS (SELECT 1 FROM entity_districts) \
             AND NOT EXISTS (SELECT 1 FROM entity_tallies)";
        Ok(tx.query_one(NEVER, &[]).map_err(sql_err(NEVER))?.get(0))
    }

    /// Drops [`schema::INDEXES`] inside the caller's transaction, so that
    /// rows are loaded as into a new store and indexed once by
    /// [`Self::index_in`]. False, with nothing dropped, when PostgreSQL
    /// refuses (say, the GIS office's own views or references hang on
    /// them); the rows are then written with the keys in place.
    fn unindex_in(
        tx: &mut postgres::Transaction<'_>,
        target: &PgTarget,
    ) -> Result<bool, StoreError> {
        tx.batch_execute("SAVEPOINT unindex")
            .map_err(sql_err("SAVEPOINT"))?;
        let drop = target.sql(schema::DROP_INDEXES);
        if tx.batch_execute(&drop).is_ok() {
            return Ok(true);
        }
        tx.batch_execute("ROLLBACK TO SAVEPOINT unindex")
            .map_err(sql_err("ROLLBACK TO SAVEPOINT"))?;
        Ok(false)
    }

    /// Opens the store to read and write.
    ///
    /// # Errors
    /// [`StoreError::Missing`] when the schema holds no store,
    /// [`StoreError::SchemaVersion`] when another version made it.
    pub fn open(target: &PgTarget) -> Result<Self, StoreError> {
        let mut client = target.connect()?;
        match Self::check_version(&mut client, target) {
            Err(StoreError::SchemaVersion {
                found: found @ (1..=4),
                ..
            }) => {
                Self::upgrade(&mut client, target).map_err(|e| {
                    // The server's reason ("must be owner of table …"), not the SQL.
                    let mut reason: &dyn std::error::Error = &e;
                    while let Some(inner) = reason.source() {
                        reason = inner;
                    }
                    StoreError::Open {
                        store: target.to_string(),
                        source: format!(
                            "the store has schema version {found}, this build version \
                             {SCHEMA_VERSION}; the upgrade needs the schema's owner (who ran \
                             `stadtatlas init`): any command of theirs makes it ({reason})"
                        )
                        .into(),
                    }
                })?;
                Self::check_version(&mut client, target)?;
            }
            other => other?,
        }
        Ok(PgStore {
            client: RefCell::new(client),
            target: target.clone(),
            reading: false,
        })
    }

    /// Opens the store to read one consistent snapshot of it.
    ///
    /// # Errors
    /// As [`PgStore::open`].
    pub fn open_for_reading(target: &PgTarget) -> Result<Self, StoreError> {
        let mut store = Self::open(target)?;
        const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
        store
            .client
            .get_mut()
            .batch_execute(BEGIN)
            .map_err(sql_err(BEGIN))?;
        store.reading = true;
        Ok(store)
    }

    fn check_version(client: &mut Client, target: &PgTarget) -> Result<(), StoreError> {
        if !Self::has_meta(client, target)? {
            return Err(StoreError::Missing {
                store: target.to_string(),
            });
        }
        const Q: &str = "SELECT value FROM stadtatlas_meta WHERE key = 'schema_version'";
        let found: u32 = client
            .query_opt(Q, &[])
            .map_err(sql_err(Q))?
            .and_then(|r| r.get::<_, String>(0).parse().ok())
            .unwrap_or(0);
        if found != SCHEMA_VERSION {
            return Err(StoreError::SchemaVersion {
                store: target.to_string(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    /// Refuses a write through a store opened for reading.
    fn writable(&self) -> Result<(), StoreError> {
        if self.reading {
            return Err(StoreError::Open {
                store: self.target.to_string(),
                source: "this store was opened for reading".into(),
            });
        }
        Ok(())
    }

    /// The schema this store lives in.
    pub fn target(&self) -> &PgTarget {
        &self.target
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        if self.reading {
            let _ = self.client.get_mut().batch_execute("ROLLBACK");
        }
    }
}

impl Store for PgStore {
    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        read::snapshot(self)
    }

    fn apply(&mut self, changes: &ChangeSet) -> Result<i64, StoreError> {
        self.writable()?;
        let client = self.client.get_mut();
        let mut tx = client.transaction().map_err(sql_err("BEGIN"))?;
        tx.execute(LOCK, &[&self.target.schema])
            .map_err(sql_err(LOCK))?;
        if changes.history.is_some() {
            return Err(StoreError::Corrupt {
                what: "import",
                id: "history".into(),
                source: "a history is written into a new store only".into(),
            });
        }
        // A store's first entities, when many (the team flow: `init`, the
        // district layer, then the partner list), are written as a new
        // store's: copied in, indexed once after (10^6 partners after
        // `init`: 64-77 s with the keys in place).
        let target = &self.target;
        let first = changes.entities.len() > FIRST_ENTITIES_BULK_ABOVE
            && Self::never_held_entities(&mut tx)?
            && Self::unindex_in(&mut tx, target)?;
        let id = write::apply_in(&mut tx, changes, first)?;
        if first {
            Self::index_in(&mut tx, target)?;
            Self::analyze_in(&mut tx, target)?;
        }
        tx.commit().map_err(sql_err("COMMIT"))?;
        Ok(id)
    }

    fn history(&self, entity_id: &str) -> Result<Vec<Revision>, StoreError> {
        read::history(&mut self.client.borrow_mut(), entity_id)
    }

    fn assignments(&self) -> Result<Vec<AssignmentRow>, StoreError> {
        read::assignments(&mut self.client.borrow_mut())
    }

    fn log(&self) -> Result<super::copy::History, StoreError> {
        read::log(&mut self.client.borrow_mut())
    }

    fn submit(
        &mut self,
        received_at: &str,
        proposal: &str,
        contact: Option<&str>,
        consent: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.writable()?;
        web::submit(
            self.client.get_mut(),
            received_at,
            proposal,
            contact,
            consent,
        )
    }

    fn submissions(&self, id: Option<i64>) -> Result<Vec<super::web::SubmissionRow>, StoreError> {
        web::submissions(&mut *self.client.borrow_mut(), id)
    }

    fn decide(&mut self, decision: &super::web::Decision) -> Result<(), StoreError> {
        self.writable()?;
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .map_err(sql_err("BEGIN"))?;
        web::record_decision(&mut tx, decision, None)?;
        tx.commit().map_err(sql_err("COMMIT"))
    }

    fn accounts(&self) -> Result<Vec<super::web::AccountRow>, StoreError> {
        web::accounts(&mut *self.client.borrow_mut())
    }

    fn put_account(&mut self, account: &super::web::AccountRow) -> Result<(), StoreError> {
        self.writable()?;
        web::put_account(self.client.get_mut(), account)
    }

    fn remove_account(&mut self, name: &str) -> Result<bool, StoreError> {
        self.writable()?;
        web::remove_account(self.client.get_mut(), name)
    }

    fn tokens(&self) -> Result<Vec<super::web::TokenRow>, StoreError> {
        web::tokens(&mut *self.client.borrow_mut())
    }

    fn put_token(&mut self, token: &super::web::TokenRow) -> Result<(), StoreError> {
        self.writable()?;
        web::put_token(self.client.get_mut(), token)
    }

    fn last_import(&self) -> Result<i64, StoreError> {
        read::last_import(&mut self.client.borrow_mut())
    }

    fn tallies(&self, level: Option<&str>) -> Result<Option<Vec<super::tally::Tally>>, StoreError> {
        read::tallies(&mut self.client.borrow_mut(), level).map(Some)
    }

    fn frame(&self) -> Result<Snapshot, StoreError> {
        read::frame(&mut self.client.borrow_mut())
    }

    fn entities_by_id(&self, ids: &[&str]) -> Result<Vec<Entity>, StoreError> {
        read::entities_by_id(&mut self.client.borrow_mut(), ids)
    }

    fn beside(&self) -> Result<Option<crate::store::OpenBeside>, StoreError> {
        if !self.reading {
            return Ok(None);
        }
        // A second connection that reads this transaction's snapshot: what
        // both read is the store as it was at one moment, whatever an import
        // commits meanwhile.
        const EXPORT: &str = "SELECT pg_export_snapshot()";
        let snapshot: String = self
            .client
            .borrow_mut()
            .query_one(EXPORT, &[])
            .map_err(sql_err(EXPORT))?
            .get(0);
        if !snapshot.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::Sql {
                query: EXPORT.into(),
                source: format!("unexpected snapshot name {snapshot:?}").into(),
            });
        }
        let target = self.target.clone();
        Ok(Some(Box::new(move || {
            let mut client = target.connect()?;
            let begin = format!(
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '{snapshot}'"
            );
            client.batch_execute(&begin).map_err(sql_err(&begin))?;
            let store: Box<dyn Store> = Box::new(PgStore {
                client: RefCell::new(client),
                target,
                reading: true,
            });
            Ok(store)
        })))
    }

    fn for_each_in_box(
        &self,
        min: (f64, f64),
        max: (f64, f64),
        keep: &dyn Fn(f64, f64) -> bool,
        size: usize,
        f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
    ) -> Result<(), StoreError> {
        read::for_each_in_box(&mut self.client.borrow_mut(), min, max, keep, size, f)
    }

    fn relations(&self) -> Result<Vec<Relation>, StoreError> {
        read::relations(&mut self.client.borrow_mut(), "", &[])
    }

    fn entities_of_kind(&self, kind: crate::model::EntityKind) -> Result<Vec<Entity>, StoreError> {
        read::entities_where(
            &mut self.client.borrow_mut(),
            "WHERE kind = $1 ORDER BY id COLLATE \"C\"",
            &[&kind.as_str()],
        )
    }

    fn relations_of(&self, id: &str) -> Result<Vec<Relation>, StoreError> {
        read::relations(
            &mut self.client.borrow_mut(),
            "WHERE from_id = $1 OR to_id = $1",
            &[&id],
        )
    }

    fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        read::contacts(&mut self.client.borrow_mut(), "", &[])
    }

    fn contacts_of(&self, id: &str) -> Result<Vec<Contact>, StoreError> {
        read::contacts(
            &mut self.client.borrow_mut(),
            "WHERE entity_id = $1",
            &[&id],
        )
    }

    fn assignments_of(&self, ids: &[&str]) -> Result<Vec<AssignmentRow>, StoreError> {
        read::assignments_of(&mut self.client.borrow_mut(), ids)
    }

    fn entities_with_websites(&self, websites: &[String]) -> Result<Vec<Entity>, StoreError> {
        read::entities_with_websites(&mut self.client.borrow_mut(), websites)
    }

    fn entities_without_point(&self) -> Result<Vec<Entity>, StoreError> {
        read::entities_where(
            &mut self.client.borrow_mut(),
            "WHERE geom IS NULL ORDER BY fid",
            &[],
        )
    }

    fn for_each_entity_chunk(
        &self,
        size: usize,
        order: crate::store::EntityOrder,
        f: &mut (dyn FnMut(Vec<Entity>) -> Result<(), StoreError> + Send),
    ) -> Result<(), StoreError> {
        read::for_each_entity_chunk(self, size, order, f)
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://anna:geheim@db.halle.de:5432/atlas"),
            "postgres://anna:***@db.halle.de:5432/atlas"
        );
        assert_eq!(redact("postgres://anna@h/db"), "postgres://anna@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}

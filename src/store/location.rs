//! Where a store lives: a GeoPackage file, or a schema in a PostgreSQL
//! database with PostGIS. Commands name a store by one string (`--store`);
//! this picks the backend and opens it behind the [`Store`] trait.

use super::postgres::{PgStore, PgTarget};
use super::{ChangeSet, SqliteStore, Store, StoreError};
use std::fmt;
use std::path::{Path, PathBuf};

/// The PostgreSQL schema a store lives in when none is named.
pub const DEFAULT_PG_SCHEMA: &str = "stadtatlas";

/// A store's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A GeoPackage file.
    File(PathBuf),
    /// A schema in a PostgreSQL/PostGIS database.
    Postgres(PgTarget),
}

impl Location {
    /// `postgres://…` or `postgresql://…` names a database (its tables in
    /// `pg_schema`, else [`DEFAULT_PG_SCHEMA`]); anything else is a file.
    ///
    /// # Errors
    /// When the schema name is not a plain SQL identifier.
    pub fn parse(store: &str, pg_schema: Option<&str>) -> Result<Self, StoreError> {
        if store.starts_with("postgres://") || store.starts_with("postgresql://") {
            let schema = pg_schema.unwrap_or(DEFAULT_PG_SCHEMA);
            Ok(Location::Postgres(PgTarget::new(store, schema)?))
        } else {
            Ok(Location::File(PathBuf::from(store)))
        }
    }

    /// The file, for a GeoPackage store.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::File(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }

    /// True when a copy may write a new store here:
    /// there is none, or (PostgreSQL) one as `init` left it.
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub fn counts_as_new(&self) -> Result<bool, StoreError> {
        match self {
            Location::File(p) => Ok(!p.exists()),
            Location::Postgres(t) => PgStore::counts_as_new(t),
        }
    }

    /// True when a store is there (a file, or a schema `init` made).
    ///
    /// # Errors
    /// When the database cannot be reached.
    pub fn exists(&self) -> Result<bool, StoreError> {
        match self {
            Location::File(p) => Ok(p.exists()),
            Location::Postgres(t) => PgStore::exists(t),
        }
    }

    /// Opens the store to read it; nothing is written through it. A
    /// database store reads one consistent snapshot for as long as it is
    /// open (an import committed meanwhile is not half seen).
    ///
    /// # Errors
    /// [`StoreError::Missing`], [`StoreError::NotAStore`], …
    pub fn open_for_reading(&self) -> Result<Box<dyn Store + Send>, StoreError> {
        Ok(match self {
            Location::File(p) => Box::new(SqliteStore::open_for_reading(p)?),
            Location::Postgres(t) => Box::new(PgStore::open_for_reading(t)?),
        })
    }

    /// Opens the store to read and write it.
    ///
    /// # Errors
    /// As [`Location::open_for_reading`].
    pub fn open(&self) -> Result<Box<dyn Store + Send>, StoreError> {
        Ok(match self {
            Location::File(p) => Box::new(SqliteStore::open(p)?),
            Location::Postgres(t) => Box::new(PgStore::open(t)?),
        })
    }

    /// Creates an empty store (`stadtatlas init`).
    ///
    /// # Errors
    /// [`StoreError::Exists`] when one is there.
    pub fn create(&self) -> Result<(), StoreError> {
        match self {
            Location::File(p) => SqliteStore::create(p).map(drop),
            Location::Postgres(t) => PgStore::create(t).map(drop),
        }
    }

    /// Creates a store holding one import; returns the import's id.
    ///
    /// # Errors
    /// [`StoreError::Exists`] when one is there (also when it appeared
    /// meanwhile); the write's errors, after which there is no store.
    pub fn create_with(&self, changes: &ChangeSet) -> Result<i64, StoreError> {
        match self {
            Location::File(p) => SqliteStore::create_with(p, changes).map(|(_, id)| id),
            Location::Postgres(t) => PgStore::create_with(t, changes),
        }
    }
}

impl Location {
    /// The store as the `--store` value of a command line to run again:
    /// the file's path, or the database URL without its password followed
    /// by `--pg-schema NAME` when the schema is not the default.
    pub fn command_line(&self) -> String {
        match self {
            Location::File(p) => p.display().to_string(),
            Location::Postgres(t) => t.command_line(),
        }
    }
}

impl fmt::Display for Location {
    /// The file's path, or the database URL without its password, with the
    /// schema when it is not the default.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Postgres(t) => write!(f, "{t}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_databases_and_everything_else_files() {
        assert_eq!(
            Location::parse("a/b.gpkg", None).unwrap(),
            Location::File("a/b.gpkg".into())
        );
        let pg = Location::parse("postgres://u:secret@h:5/db", Some("team")).unwrap();
        assert!(pg.file().is_none());
        let shown = pg.to_string();
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("team"), "{shown}");
        assert!(Location::parse("postgres://h/db", Some("x; DROP")).is_err());
        assert_eq!(
            pg.command_line(),
            "postgres://u:***@h:5/db --pg-schema team"
        );
        let default = Location::parse("postgres://u@h:5/db", None).unwrap();
        assert_eq!(default.command_line(), "postgres://u@h:5/db");
    }
}

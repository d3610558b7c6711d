//! Spatial SQL functions, backed by the library's district index.
//!
//! Each function captures the one [`Atlas`] built for the run, so geometry is
//! parsed once per run, never per row. NULL in → NULL out; a bad district name
//! or level is an SQL error carrying the resolver's message.

use crate::metric::{AreaDistance, geodesic};
use crate::model::LonLat;
use crate::query::Atlas;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Error};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// The names of the functions, for documentation and the authorizer.
pub const NAMES: [&str; 4] = [
    "district_of",
    "in_district",
    "distance_m",
    "distance_to_district_m",
];

fn user_err(e: impl std::fmt::Display) -> Error {
    Error::UserFunctionError(e.to_string().into())
}

/// True when any argument is NULL (the function then returns NULL).
fn any_null(ctx: &Context<'_>) -> bool {
    (0..ctx.len()).any(|i| matches!(ctx.get_raw(i), ValueRef::Null))
}

fn lonlat(ctx: &Context<'_>, at: usize) -> rusqlite::Result<LonLat> {
    let lon: f64 = ctx.get(at)?;
    let lat: f64 = ctx.get(at + 1)?;
    LonLat::new(lon, lat).map_err(user_err)
}

/// A district resolved by name, id or alias, with its level's position.
fn resolve(atlas: &Atlas, name: &str) -> rusqlite::Result<(usize, usize)> {
    let d = atlas.district(name, None).map_err(user_err)?;
    Ok((d, atlas.level_position(&atlas.districts[d].level)))
}

/// Registers `district_of`, `in_district`, `distance_m` and
/// `distance_to_district_m` on a connection.
///
/// # Errors
/// When SQLite refuses a registration.
pub fn register(conn: &Connection, atlas: &Arc<Atlas>) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;

    let a = Arc::clone(atlas);
    conn.create_scalar_function("district_of", 3, flags, move |ctx| {
        if any_null(ctx) {
            return Ok(None);
        }
        let p = lonlat(ctx, 0)?;
        let level: String = ctx.get(2)?;
        let level = a.level(Some(&level)).map_err(user_err)?;
        let pos = a.level_position(level);
        Ok(a.districts
            .locate(p.point(), pos)
            .map(|d| a.districts[d].id.clone()))
    })?;

    let a = Arc::clone(atlas);
    conn.create_scalar_function("in_district", 3, flags, move |ctx| {
        if any_null(ctx) {
            return Ok(None);
        }
        let p = lonlat(ctx, 0)?;
        let (d, pos) = resolve(&a, &ctx.get::<String>(2)?)?;
        Ok(Some(i64::from(
            a.districts.locate(p.point(), pos) == Some(d),
        )))
    })?;

    conn.create_scalar_function("distance_m", 4, flags, move |ctx| {
        if any_null(ctx) {
            return Ok(None);
        }
        Ok(Some(geodesic(lonlat(ctx, 0)?, lonlat(ctx, 2)?).get()))
    })?;

    let a = Arc::clone(atlas);
    // One prepared (projected) area per district, built on first use.
    let cache: RefCell<HashMap<usize, AreaDistance>> = RefCell::new(HashMap::new());
    conn.create_scalar_function("distance_to_district_m", 3, flags, move |ctx| {
        if any_null(ctx) {
            return Ok(None);
        }
        let p = lonlat(ctx, 0)?;
        let (d, _) = resolve(&a, &ctx.get::<String>(2)?)?;
        let mut cache = cache.borrow_mut();
        let area = match cache.entry(d) {
            std::collections::hash_map::Entry::Occupied(hit) => hit.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let shape = a.districts.index.shape(d).ok_or_else(|| {
                    user_err(format!(
                        "district \"{}\" has no geometry to measure from",
                        a.districts[d].id
                    ))
                })?;
                slot.insert(AreaDistance::new(shape))
            }
        };
        Ok(Some(area.distance(p).get()))
    })?;
    Ok(())
}

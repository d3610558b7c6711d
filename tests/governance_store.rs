//! Bodies, their coverage and the network answered from the part of the
//! store they are made of (`governance::atlas_in_store`: relations, the
//! entities they name, every body) give exactly the answers of the whole
//! inventory loaded in memory: on the Halle sample with an internal record
//! and a body without members, for every focus and depth, on the GeoPackage
//! store and on PostgreSQL when a server runs (`tests/pg.sh`).

mod common;

use common::pg;
use stadtatlas::governance::{self, Requirement};
use stadtatlas::import::ImportOptions;
use stadtatlas::model::Lang;
use stadtatlas::query::Atlas;
use stadtatlas::store::{Location, Store};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("serialises")
}

/// The Halle sample, an internal initiative in a body, and a body nobody
/// belongs to.
fn import_sample(at: &Location, dir: &Path) {
    let extra = dir.join("extra_initiatives.csv");
    std::fs::write(
        &extra,
        "id,name,kind,fields,lat,lon,visibility\n\
         geheim-ev,Geheimer Verein,initiative,soziales,51.4801,11.9702,internal\n\
         leerer-beirat,Leerer Beirat,body,bildung,,,public\n",
    )
    .unwrap();
    let links = dir.join("relations.csv");
    std::fs::write(
        &links,
        "from,to,role,field,source\n\
         geheim-ev,ag-digitale-agenda-swh-stadtverwaltung,member,soziales,Test\n",
    )
    .unwrap();
    let paths: Vec<PathBuf> = vec![root().join("data/halle"), extra, links];
    stadtatlas::import::run::run(at, &paths, &ImportOptions::default(), false, &mut |_| {})
        .expect("the sample imports");
}

fn same_answers(store: &dyn Store) {
    let whole = Atlas::new(store.snapshot().unwrap());
    let part = governance::atlas_in_store(store, &[]).unwrap();
    assert!(part.entities.len() < whole.entities.len());
    let bodies = governance::bodies(&whole);
    assert!(bodies.iter().any(|b| b.id == "leerer-beirat"), "{bodies:?}");
    assert_eq!(json(&governance::bodies(&part)), json(&bodies));
    let answer = |atlas: &Atlas, focus: Option<&str>, depth: usize| match governance::network(
        atlas, focus, depth,
    ) {
        Ok(net) => json(&net),
        Err(e) => serde_json::Value::String(e.to_string()),
    };
    let ids: Vec<&str> = whole.entities.iter().map(|e| e.id.as_str()).collect();
    let mut focuses: Vec<Option<&str>> = vec![None, Some("no-such-record")];
    focuses.extend(ids.iter().copied().map(Some));
    for focus in focuses {
        let also: Vec<&str> = focus.into_iter().collect();
        let part = governance::atlas_in_store(store, &also).unwrap();
        for depth in [1, 2] {
            assert_eq!(
                answer(&part, focus, depth),
                answer(&whole, focus, depth),
                "network {focus:?} --depth {depth}"
            );
        }
    }
    let requirement = Requirement::council_2020();
    let with = ["stadtwerke-halle-gmbh", "geheim-ev", "no-such-record"];
    for body in bodies
        .iter()
        .map(|b| b.id.as_str())
        .chain(["stadtwerke-halle-gmbh", "no-such-record"])
    {
        for k in 0..=with.len() {
            let with: Vec<String> = with[..k].iter().map(|s| s.to_string()).collect();
            let also: Vec<&str> = std::iter::once(body)
                .chain(with.iter().map(String::as_str))
                .collect();
            let part = governance::atlas_in_store(store, &also).unwrap();
            let check = |atlas: &Atlas| match governance::check_with(
                atlas,
                body,
                &requirement,
                Lang::De,
                &with,
            ) {
                Ok(c) => json(&c),
                Err(e) => serde_json::Value::String(e.to_string()),
            };
            assert_eq!(
                check(&part),
                check(&whole),
                "board check {body} --with {with:?}"
            );
        }
    }
}

#[test]
fn governance_answers_from_part_of_a_geopackage_store_are_the_whole_stores() {
    let dir = tempfile::tempdir().unwrap();
    let at = Location::parse(dir.path().join("s.gpkg").to_str().unwrap(), None).unwrap();
    import_sample(&at, dir.path());
    same_answers(&*at.open_for_reading().unwrap());
}

#[test]
fn governance_answers_from_part_of_a_postgis_store_are_the_whole_stores() {
    let Some(url) = pg::database("governance_part") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let at = Location::parse(&url, None).unwrap();
    import_sample(&at, dir.path());
    same_answers(&*at.open_for_reading().unwrap());
}

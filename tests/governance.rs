//! Bodies, board coverage and the partner network, against hand-computed answers.

use stadtatlas::governance::{self, Requirement};
use stadtatlas::model::{Entity, EntityKind, Lang, Relation, Role};
use stadtatlas::query::Atlas;
use stadtatlas::store::Snapshot;

fn partner(id: &str, category: &str, fields: &[&str]) -> Entity {
    let mut e = Entity::new(id, id.to_uppercase(), EntityKind::Partner);
    e.category = Some(category.into());
    e.fields = fields.iter().map(|f| f.to_string()).collect();
    e
}

fn rel(from: &str, to: &str, role: Role, field: Option<&str>) -> Relation {
    Relation {
        from: from.into(),
        to: to.into(),
        role,
        field: field.map(Into::into),
        source: None,
    }
}

fn requirement() -> Requirement {
    toml::from_str(
        r#"title = "test"
fields = ["wissenschaft", "bildung", "kultur", "sport"]
[[categories]]
id = "association_or_initiative"
min = 1
[[categories]]
id = "public_authority"
min = 1
"#,
    )
    .unwrap()
}

#[test]
fn coverage_counts_the_membership_field_else_the_organisations_fields() {
    let entities = vec![
        partner("uni", "university", &["bildung", "wissenschaft"]),
        partner("institut", "research_institute", &["wissenschaft"]),
        partner("verein", "association_or_initiative", &["kultur"]),
        Entity::new("beirat", "Beirat", EntityKind::Body),
    ];
    let relations = vec![
        // The university sits on the board for science only.
        rel("uni", "beirat", Role::Chair, Some("wissenschaft")),
        rel("institut", "beirat", Role::Member, None),
        rel("verein", "beirat", Role::Member, None),
    ];
    let atlas = Atlas::new(Snapshot {
        entities,
        relations,
        ..Snapshot::default()
    });
    let c = governance::check(&atlas, "beirat", &requirement(), Lang::En).unwrap();
    let row = |id: &str| c.rows.iter().find(|r| r.id == id).unwrap();
    // Covered by two members: one through its membership field, one through its own fields.
    assert_eq!(row("wissenschaft").covered_by, vec!["UNI", "INSTITUT"]);
    // Covered by none.
    assert!(!row("sport").covered && row("sport").covered_by.is_empty());
    // The university works in education, but sits on the board for science: not covered.
    assert!(!row("bildung").covered);
    assert!(row("kultur").covered);
    assert!(row("association_or_initiative").covered);
    assert!(!row("public_authority").covered);
    assert_eq!(c.missing, 3);
    assert_eq!(c.members, 3);
    let bodies = governance::bodies(&atlas);
    assert_eq!((bodies[0].members, bodies[0].chairs), (3, 1));
    // A body with no members misses everything (the council's default requirement).
    let empty = Atlas::new(Snapshot {
        entities: vec![Entity::new("b", "B", EntityKind::Body)],
        ..Snapshot::default()
    });
    let c = governance::check(&empty, "b", &Requirement::council_2020(), Lang::De).unwrap();
    assert_eq!(c.missing, c.rows.len());
    assert_eq!(c.rows.len(), 12);
}

/// A–B–C share P1, C–D share P2, D–E share body X:
/// edges A-B, A-C, B-C, C-D, D-E. By hand (normalised by (n-1)(n-2)/2 = 6
/// pairs): C lies on the shortest paths of A-D, A-E, B-D, B-E → 4/6; D on
/// A-E, B-E, C-E → 3/6; A, B, E on none.
fn small_network() -> Atlas {
    let mut entities: Vec<Entity> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|id| partner(id, "company", &[]))
        .collect();
    entities.push(Entity::new("p1", "P1", EntityKind::Project));
    entities.push(Entity::new("p2", "P2", EntityKind::Initiative));
    entities.push(Entity::new("x", "X", EntityKind::Body));
    let relations = vec![
        rel("a", "p1", Role::Lead, None),
        rel("b", "p1", Role::Partner, None),
        rel("c", "p1", Role::Partner, None),
        rel("c", "p2", Role::Lead, None),
        rel("d", "p2", Role::Partner, None),
        rel("d", "x", Role::Member, None),
        rel("e", "x", Role::Chair, None),
    ];
    Atlas::new(Snapshot {
        entities,
        relations,
        ..Snapshot::default()
    })
}

#[test]
fn network_degree_and_betweenness_match_the_hand_computed_graph() {
    let atlas = small_network();
    let net = governance::network(&atlas, None, 1).unwrap();
    assert_eq!(net.edges.len(), 5);
    let node = |id: &str| net.nodes.iter().find(|n| n.id == id).unwrap();
    for (id, degree, betweenness) in [
        ("a", 2, 0.0),
        ("b", 2, 0.0),
        ("c", 3, 4.0 / 6.0),
        ("d", 2, 3.0 / 6.0),
        ("e", 1, 0.0),
    ] {
        assert_eq!(node(id).degree, degree, "{id}");
        assert!(
            (node(id).betweenness - betweenness).abs() < 1e-9,
            "{id}: {}",
            node(id).betweenness
        );
    }
    // Around partner A at depth 1: A, B, C. Around project P2 at depth 1: its participants C, D.
    let ids = |n: &governance::Network| n.nodes.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&governance::network(&atlas, Some("a"), 1).unwrap()),
        ["a", "b", "c"]
    );
    assert_eq!(
        ids(&governance::network(&atlas, Some("p2"), 1).unwrap()),
        ["c", "d"]
    );
    assert_eq!(
        ids(&governance::network(&atlas, Some("p2"), 2).unwrap()),
        ["a", "b", "c", "d", "e"]
    );
}

#[test]
fn dot_is_accepted_by_graphviz_and_graphml_by_networkx() {
    let net = governance::network(&small_network(), None, 1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dot = dir.path().join("n.dot");
    let graphml = dir.path().join("n.graphml");
    std::fs::write(&dot, net.to_dot()).unwrap();
    std::fs::write(&graphml, net.to_graphml()).unwrap();
    if std::path::Path::new("/usr/bin/dot").exists() {
        let out = std::process::Command::new("/usr/bin/dot")
            .arg("-Tsvg")
            .arg(&dot)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    } else {
        eprintln!("SKIPPED: graphviz is not installed; .ci/run installs it");
    }
    let probe = std::process::Command::new("/usr/bin/python3")
        .args(["-c", "import networkx"])
        .output();
    if probe.is_ok_and(|o| o.status.success()) {
        let script = "import sys, networkx as nx\ng = nx.read_graphml(sys.argv[1])\nprint(g.number_of_nodes(), g.number_of_edges())";
        let out = std::process::Command::new("/usr/bin/python3")
            .args(["-c", script])
            .arg(&graphml)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5 5");
    } else {
        eprintln!("SKIPPED: python3-networkx is not installed; .ci/run installs it");
    }
    let geo = net.to_geojson();
    assert_eq!(geo["type"], "FeatureCollection");
}

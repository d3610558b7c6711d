//! `board propose`, `board check --with`, `completions` and `man` as a user
//! runs them: the real binary on data/halle in a temporary folder.

mod common;

use common::cli::quiet as bin;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn halle_store(dir: &Path) -> PathBuf {
    let store = dir.join("atlas.gpkg");
    bin(&store)
        .arg("import")
        .arg(data("data/halle"))
        .assert()
        .success();
    store
}

/// Runs with `--format json`; returns the exit code and the parsed answer.
fn json(store: &Path, args: &[&str]) -> (i32, Value) {
    let out = bin(store)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn seat_ids(p: &Value) -> Vec<&str> {
    p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

#[test]
fn halle_proposal_justifies_every_seat_and_reports_what_nobody_covers() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let balanced = data("data/requirements/beirat_balanced.toml");
    let (code, p) = json(
        &store,
        &[
            "board",
            "propose",
            "beirat-digitale-agenda",
            "--require",
            balanced.to_str().unwrap(),
        ],
    );
    // Nobody in the sample is a council group: reported, exit code 1.
    assert_eq!(code, 1);
    assert_eq!(strings(&p["uncovered"]), ["council_group"]);
    assert_eq!(p["optimal"], true);
    let lines = p["lines"].as_array().unwrap();
    let line = |id: &str| lines.iter().find(|l| l["id"] == id).unwrap();
    assert_eq!(line("council_group")["reason"], "not_in_inventory");
    let seats = p["seats"].as_array().unwrap();
    assert!(!seats.is_empty());
    for s in seats {
        let covers = strings(&s["covers"]);
        assert!(!covers.is_empty(), "{} is not justified", s["id"]);
        for c in &covers {
            assert!(lines.iter().any(|l| l["id"] == *c), "{c} is no line");
        }
        for a in s["alternatives"].as_array().unwrap() {
            assert!(covers.contains(&a["requirement"].as_str().unwrap()));
            assert!(a["why"]["reason"].is_string());
            assert!(!seat_ids(&p).contains(&a["id"].as_str().unwrap()));
        }
        assert!(
            s.get("contacts").is_none(),
            "public output without contacts"
        );
    }
    // Every line but the council group is met; the hard balance rules hold.
    for l in lines.iter().filter(|l| l["id"] != "council_group") {
        assert_eq!(l["met"], true, "{l}");
    }
    for b in p["balance"].as_array().unwrap() {
        if b["hard"] == true {
            assert_eq!(b["met"], true, "{b}");
        }
    }
    // The table a planner reads names every seat and says it is proven optimal.
    let out = bin(&store)
        .args(["board", "propose", "beirat-digitale-agenda", "--require"])
        .arg(&balanced)
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for s in seats {
        assert!(table.contains(s["name"].as_str().unwrap()), "{table}");
    }
    assert!(table.contains("optimal (proven)") && table.contains("uncovered: Council group"));
    // Markdown for the appendix is German unless asked otherwise.
    let out = bin(&store)
        .args([
            "board",
            "propose",
            "beirat-digitale-agenda",
            "--format",
            "md",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("## Besetzungsvorschlag") && md.contains("Begründung je Sitz"),
        "{md}"
    );
    assert!(md.contains("nicht abgedeckt: Stadtratsfraktion"), "{md}");
}

#[test]
fn members_are_kept_and_include_exclude_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let body = "ag-digitale-agenda-swh-stadtverwaltung";
    let (_, p) = json(&store, &["board", "propose", body]);
    let members = [
        "stadt-halle-saale-stadtverwaltung-ratshof",
        "stadtwerke-halle-gmbh",
    ];
    for m in members {
        let s = p["seats"].as_array().unwrap().iter().find(|s| s["id"] == m);
        assert_eq!(s.unwrap()["basis"], "member", "{m}");
    }
    let proposed: Vec<String> = p["seats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["basis"] == "proposed")
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!proposed.is_empty());
    // Excluding a proposed organisation: it is gone and the board still covers
    // what it covered.
    let (_, q) = json(
        &store,
        &["board", "propose", body, "--exclude", &proposed[0]],
    );
    assert!(!seat_ids(&q).contains(&proposed[0].as_str()));
    assert_eq!(q["uncovered"], p["uncovered"]);
    // Including one: it sits, as `included`.
    let (_, r) = json(&store, &["board", "propose", body, "--include", "kfw"]);
    let kfw = r["seats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "kfw");
    assert_eq!(kfw.unwrap()["basis"], "included");
    // One id per flag: a BODY after it stays the body.
    let (_, t) = json(
        &store,
        &["board", "propose", "--exclude", &proposed[0], body],
    );
    assert_eq!(t["body"], body);
    assert_eq!(seat_ids(&t), seat_ids(&q));
    // A member cannot be excluded; an unknown id is an input error.
    for bad in [members[0], "no-such-org"] {
        let out = bin(&store)
            .args(["board", "propose", body, "--exclude", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

/// With `--seats 3` the answer covers as many lines as the best 3 partners
/// can: checked against every 3-subset of the Halle partners.
#[test]
fn a_seat_limit_covers_as_much_as_the_best_subset_of_halle() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let (_, partners) = json(&store, &["list", "--kind", "partner"]);
    let partners = partners.as_array().unwrap();
    let (_, p) = json(&store, &["board", "propose", "--seats", "3"]);
    assert!(p["seats"].as_array().unwrap().len() <= 3);
    let lines: Vec<(String, String, usize)> = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_string(),
                l["id"].as_str().unwrap().to_string(),
                l["need"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let holds = |i: usize, kind: &str, id: &str| match kind {
        "field" => partners[i]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == id),
        _ => partners[i]["category"] == id,
    };
    let met = |set: &[usize]| {
        lines
            .iter()
            .filter(|(kind, id, need)| set.iter().filter(|&&i| holds(i, kind, id)).count() >= *need)
            .count()
    };
    let n = partners.len();
    let mut best = 0;
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                best = best.max(met(&[a, b, c]));
            }
        }
    }
    let met_by_answer = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["met"] == true)
        .count();
    assert_eq!(met_by_answer, best);
    assert_eq!(p["uncovered"].as_array().unwrap().len(), lines.len() - best);
}

#[test]
fn infeasible_requirements_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    // A field nobody works in: reported as uncovered, the rest is proposed.
    let file = dir.path().join("space.toml");
    std::fs::write(
        &file,
        "title = \"t\"\nfields = [\"raumfahrt\", \"sport\"]\n",
    )
    .unwrap();
    let (code, p) = json(
        &store,
        &["board", "propose", "--require", file.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert_eq!(strings(&p["uncovered"]), ["raumfahrt"]);
    assert_eq!(p["seats"].as_array().unwrap().len(), 1);
    // Hard rules that contradict each other: an input error naming them.
    std::fs::write(
        &file,
        "title = \"t\"\nfields = [\"sport\"]\n\
         [[balance]]\nid = \"drei\"\nrule = \"at_least\"\ncategory = \"association_or_initiative\"\ncount = 3\n\
         [[balance]]\nid = \"einer\"\nrule = \"at_most\"\ncount = 1\n",
    )
    .unwrap();
    let out = bin(&store)
        .args(["board", "propose", "--require"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("drei") && err.contains("einer"), "{err}");
    // A broken rule names the file and the rule.
    std::fs::write(
        &file,
        "title = \"t\"\n[[balance]]\nrule = \"every_district\"\n",
    )
    .unwrap();
    let out = bin(&store)
        .args(["board", "propose", "--require"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("space.toml") && err.contains("needs `level`"),
        "{err}"
    );
}

#[test]
fn contacts_only_in_the_internal_profile() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let contacts = dir.path().join("contacts.csv");
    std::fs::write(
        &contacts,
        "entity,name,role,email,phone\nhallescher-fc-leuna-chemie-stadion,Erika Muster,Vorstand,e@example.org,0345 1\n",
    )
    .unwrap();
    bin(&store)
        .arg("import")
        .arg(&contacts)
        .args(["--as", "contacts"])
        .assert()
        .success();
    let args = [
        "board",
        "propose",
        "--include",
        "hallescher-fc-leuna-chemie-stadion",
    ];
    let (_, public) = json(&store, &args);
    assert!(!public.to_string().contains("Erika"));
    let mut internal_args = args.to_vec();
    internal_args.extend(["--profile", "internal"]);
    let (_, internal) = json(&store, &internal_args);
    assert_eq!(internal["profile"], "internal");
    assert!(internal.to_string().contains("Erika Muster"));
    let out = bin(&store).args(&internal_args).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("Erika Muster") && table.contains("INTERNAL"),
        "{table}"
    );
}

#[test]
fn check_with_counts_a_hypothetical_member_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = halle_store(dir.path());
    let body = "ag-digitale-agenda-swh-stadtverwaltung";
    let before = common::cli::state(&store);
    let (_, plain) = json(&store, &["board", "check", body]);
    let (_, with) = json(
        &store,
        &[
            "board",
            "check",
            body,
            "--with",
            "hallescher-fc-leuna-chemie-stadion",
            "awo-spi",
        ],
    );
    assert_eq!(with["members"], plain["members"].as_u64().unwrap() + 2);
    assert_eq!(
        plain["missing"].as_u64().unwrap() - with["missing"].as_u64().unwrap(),
        3,
        "sport, social affairs and civil society are now covered"
    );
    assert_eq!(before, common::cli::state(&store), "the store is unchanged");
    let (_, again) = json(&store, &["board", "check", body]);
    assert_eq!(again, plain);
}

#[test]
fn completions_and_man_page_come_from_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("none.gpkg");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = bin(&store).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("propose") && text.contains("stadtatlas"),
            "{shell}"
        );
    }
    let out = bin(&store).arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH stadtatlas"),
        "{page}"
    );
    assert!(
        page.contains("board") && page.contains("\\-\\-store"),
        "{page}"
    );
    let pages = dir.path().join("man1");
    bin(&store)
        .arg("man")
        .arg("--out")
        .arg(&pages)
        .assert()
        .success();
    let propose = std::fs::read_to_string(pages.join("stadtatlas-board-propose.1")).unwrap();
    assert!(
        propose.contains("\\-\\-seats") && propose.contains("\\-\\-exclude"),
        "{propose}"
    );
    // In German where messages are: the texts of German --help.
    let out = bin(&store).args(["--lang", "de", "man"]).output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains("Der Speicher: eine GeoPackage") && page.contains("OPTIONEN"),
        "{page}"
    );
    let german = dir.path().join("man-de");
    bin(&store)
        .args(["--lang", "de", "man", "--out"])
        .arg(&german)
        .assert()
        .success();
    let propose = std::fs::read_to_string(german.join("stadtatlas-board-propose.1")).unwrap();
    assert!(propose.contains("\\-\\-seats"), "{propose}");
    assert!(!propose.contains("At most N seats"), "{propose}");
    assert!(!store.exists(), "neither command opens the store");
}

#[test]
fn messages_follow_lang_and_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("atlas.gpkg");
    // A German locale: progress, tables and the error prefix in German.
    bin(&store)
        .arg("import")
        .arg(data("data/halle"))
        .assert()
        .success();
    let body = "ag-digitale-agenda-swh-stadtverwaltung";
    let german = |args: &[&str]| {
        let out = Command::cargo_bin("stadtatlas")
            .unwrap()
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "de_DE.UTF-8")
            .arg("--store")
            .arg(common::cli::store_arg(&store))
            .args(args)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (said, _) = german(&["board", "check", body, "--with", "awo-spi"]);
    assert!(
        said.contains("Anforderung") && said.contains("FEHLT"),
        "{said}"
    );
    assert!(said.contains("nicht gespeichert: awo-spi"), "{said}");
    let (said, _) = german(&["board", "propose", body]);
    assert!(
        said.contains("optimal (bewiesen)") && said.contains("vorgeschlagen"),
        "{said}"
    );
    let (_, err) = german(&["board", "propose", "--exclude", "nix"]);
    assert_eq!(err.trim(), "Fehler: kein Eintrag hat die Kennung \"nix\"");
    let (_, err) = german(&["in", "Atlantis"]);
    assert!(
        err.starts_with("Fehler: kein Bezirk heißt \"Atlantis\""),
        "{err}"
    );
    let file = dir.path().join("r.toml");
    std::fs::write(&file, "title = \"t\"\n[[balance]]\nrule = \"at_most\"\n").unwrap();
    let (_, err) = german(&["board", "propose", "--require", file.to_str().unwrap()]);
    assert!(
        err.contains("eine Ausgewogenheitsregel ist nicht verwendbar: Ausgewogenheitsregel 1 (at_most): braucht `count`"),
        "{err}"
    );
    let (_, err) = german(&["import", "/no/such/folder"]);
    assert!(err.starts_with("Fehler: "), "{err}");
    // --lang en wins over the locale; no locale means English.
    let (said, _) = german(&["--lang", "en", "board", "check", body]);
    assert!(
        said.contains("requirement") && said.contains("MISSING"),
        "{said}"
    );
    let out = bin(&store).args(["board", "check", body]).output().unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("covered by")
    );
    let (_, said) = german(&["import", data("data/halle").to_str().unwrap()]);
    assert!(said.contains("Import ändert: Einträge +0 ~0 =98"), "{said}");
}

//! A proposal as a table (terminal, CSV) and as Markdown for the bid
//! appendix. Texts in German or English; contacts only in the internal profile.

use super::{BalanceOutcome, Basis, Proposal, WhyNot};
use crate::export::{Grid, INTERNAL_NOTICE};
use crate::model::Lang;
use std::fmt::Write;

/// Picks the German or the English text.
fn t(lang: Lang, de: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

impl Proposal {
    fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.lines
            .iter()
            .find(|l| l.id == id)
            .map_or(id, |l| l.label.as_str())
    }

    fn basis(b: Basis, lang: Lang) -> &'static str {
        match b {
            Basis::Member => t(lang, "Mitglied", "member"),
            Basis::Included => t(lang, "gesetzt", "included"),
            Basis::Proposed => t(lang, "vorgeschlagen", "proposed"),
        }
    }

    /// Why an alternative was not taken, in words.
    pub fn why_text(&self, why: &WhyNot, lang: Lang) -> String {
        match why {
            WhyNot::Loses { requirements } => {
                let l: Vec<&str> = requirements.iter().map(|r| self.label(r)).collect();
                match lang {
                    Lang::De => format!("ließe {} offen", l.join(", ")),
                    Lang::En => format!("would leave {} uncovered", l.join(", ")),
                }
            }
            WhyNot::BreaksLimit { rule } => match lang {
                Lang::De => format!("verletzt {rule}"),
                Lang::En => format!("breaks {rule}"),
            },
            WhyNot::WorseBalance { by } => match lang {
                Lang::De => format!("gleiche Abdeckung, Ausgewogenheit schlechter (+{by})"),
                Lang::En => format!("same coverage, worse balance (+{by})"),
            },
            WhyNot::Tie => t(lang, "gleich gut", "equally good").to_string(),
            WhyNot::Better { by } => match lang {
                Lang::De => format!("besser (−{by}); Ergebnis nicht als optimal bewiesen"),
                Lang::En => format!("better (−{by}); answer not proven optimal"),
            },
        }
    }

    /// Why a line is not met, in words.
    fn reason_text(reason: Option<&str>, lang: Lang) -> &'static str {
        match reason {
            Some("not_in_inventory") => t(lang, "niemand im Inventar", "nobody in the inventory"),
            Some("too_few_in_inventory") => {
                t(lang, "zu wenige im Inventar", "too few in the inventory")
            }
            Some("seat_limit") => t(lang, "nicht innerhalb der Sitzzahl", "not within the seats"),
            Some("soft") => t(lang, "weiche Regel", "soft rule"),
            _ => "",
        }
    }

    /// The lines under the table: solver status, uncovered lines, balance.
    pub fn notes(&self, lang: Lang) -> Vec<String> {
        let mut notes = Vec::new();
        let members = self
            .seats
            .iter()
            .filter(|s| s.basis != Basis::Proposed)
            .count();
        let status = if self.optimal {
            t(lang, "optimal (bewiesen)", "optimal (proven)").to_string()
        } else {
            let gap = self
                .solver
                .stages
                .iter()
                .find(|s| !s.proven)
                .map(|s| {
                    let g = s.gap.map_or("?".into(), |g| format!("{:.1} %", g * 100.0));
                    format!("{}: {} {g}", s.goal, t(lang, "Lücke", "gap"))
                })
                .unwrap_or_default();
            match lang {
                Lang::De => format!("NICHT als optimal bewiesen (Zeitlimit; {gap})"),
                Lang::En => format!("NOT proven optimal (time limit; {gap})"),
            }
        };
        notes.push(match lang {
            Lang::De => format!(
                "{} Sitze ({members} gesetzt), geprüft gegen \"{}\": {status}; {} in {:.2} s",
                self.seats.len(),
                self.requirement,
                self.solver.solver,
                self.solver.seconds
            ),
            Lang::En => format!(
                "{} seats ({members} fixed), against \"{}\": {status}; {} in {:.2} s",
                self.seats.len(),
                self.requirement,
                self.solver.solver,
                self.solver.seconds
            ),
        });
        for l in self.lines.iter().filter(|l| self.uncovered.contains(&l.id)) {
            notes.push(format!(
                "{}: {} ({}/{}; {})",
                t(lang, "nicht abgedeckt", "uncovered"),
                l.label,
                l.seated,
                l.need,
                Self::reason_text(l.reason, lang)
            ));
        }
        for b in &self.balance {
            notes.push(balance_note(b, lang));
        }
        if self.profile == "internal" {
            notes.push(INTERNAL_NOTICE.to_string());
        }
        notes
    }

    /// The seats as a grid: labels for a terminal, ids when `ids` (CSV).
    pub fn grid(&self, lang: Lang, ids: bool) -> Grid {
        let mut headers: Vec<String> = [
            "#",
            "id",
            t(lang, "Organisation", "organisation"),
            t(lang, "Grundlage", "basis"),
            t(lang, "deckt ab", "covers"),
            t(
                lang,
                "nächstbeste Alternative (warum nicht)",
                "next best (why not)",
            ),
        ]
        .map(String::from)
        .to_vec();
        let internal = self.profile == "internal";
        if internal {
            headers.push(t(lang, "Kontakt", "contact").into());
        }
        let rows = self
            .seats
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let covers: Vec<&str> = s
                    .covers
                    .iter()
                    .map(|c| if ids { c.as_str() } else { self.label(c) })
                    .collect();
                // A terminal shows the best alternative per requirement; CSV all.
                let alternatives: Vec<String> = s
                    .alternatives
                    .iter()
                    .enumerate()
                    .filter(|(k, a)| {
                        ids || *k == 0 || s.alternatives[k - 1].requirement != a.requirement
                    })
                    .map(|(_, a)| {
                        let who = if ids { &a.id } else { &a.name };
                        let req = if ids {
                            a.requirement.as_str()
                        } else {
                            self.label(&a.requirement)
                        };
                        format!("{req}: {who} ({})", self.why_text(&a.why, lang))
                    })
                    .collect();
                let mut row = vec![
                    (n + 1).to_string(),
                    s.id.clone(),
                    s.name.clone(),
                    Self::basis(s.basis, lang).to_string(),
                    covers.join(if ids { ";" } else { ", " }),
                    alternatives.join(if ids { "; " } else { "\n" }),
                ];
                if internal {
                    row.push(contacts(s));
                }
                row
            })
            .collect();
        Grid {
            headers,
            rows,
            notes: self.notes(lang),
        }
    }

    /// Markdown for the bid appendix: the seats, each seat's justification,
    /// what stays uncovered and the balance rules.
    pub fn to_markdown(&self, lang: Lang) -> String {
        let esc = |s: &str| {
            html_escape::encode_text(s)
                .replace('|', "\\|")
                .replace(['\n', '\r'], " ")
        };
        let mut out = String::new();
        let title = self
            .body_name
            .as_deref()
            .unwrap_or(t(lang, "neues Gremium", "new body"));
        let _ = writeln!(
            out,
            "## {}: {}\n",
            t(lang, "Besetzungsvorschlag", "Proposed composition"),
            esc(title)
        );
        if self.profile == "internal" {
            let _ = writeln!(out, "**{}**\n", esc(INTERNAL_NOTICE));
        }
        // The alternatives follow per seat below; the table stays narrow.
        let mut table = self.grid(lang, false);
        table.notes.clear();
        table.headers.remove(5);
        for row in &mut table.rows {
            row.remove(5);
        }
        out.push_str(&table.to_markdown());
        let _ = writeln!(
            out,
            "\n### {}\n",
            t(lang, "Begründung je Sitz", "Why each seat")
        );
        for s in &self.seats {
            let covers: Vec<&str> = s.covers.iter().map(|c| self.label(c)).collect();
            let _ = write!(
                out,
                "- **{}** ({}, {}): {} {}.",
                esc(&s.name),
                esc(&s.id),
                Self::basis(s.basis, lang),
                t(lang, "deckt ab:", "covers:"),
                if covers.is_empty() {
                    t(lang, "keine Anforderung", "no requirement").to_string()
                } else {
                    esc(&covers.join(", "))
                }
            );
            for a in &s.alternatives {
                let _ = write!(
                    out,
                    " {} {}: {} ({}).",
                    t(lang, "Stattdessen für", "Instead for"),
                    esc(self.label(&a.requirement)),
                    esc(&a.name),
                    esc(&self.why_text(&a.why, lang))
                );
            }
            out.push('\n');
        }
        let _ = writeln!(out, "\n### {}\n", t(lang, "Hinweise", "Notes"));
        for note in self.notes(lang) {
            let _ = writeln!(out, "- {}", esc(&note));
        }
        out
    }
}

fn contacts(s: &super::Seat) -> String {
    s.contacts
        .iter()
        .flatten()
        .map(crate::model::Contact::one_line)
        .collect::<Vec<_>>()
        .join("\n")
}

fn balance_note(b: &BalanceOutcome, lang: Lang) -> String {
    let kind = if b.hard {
        t(lang, "hart", "hard").to_string()
    } else {
        format!("{} {}", t(lang, "weich, Gewicht", "soft, weight"), b.weight)
    };
    let state = if b.met {
        t(lang, "erfüllt", "met").to_string()
    } else if b.detail.is_empty() {
        format!("{} {}", t(lang, "verfehlt um", "missed by"), b.missed)
    } else {
        format!(
            "{} {}: {}",
            t(lang, "verfehlt um", "missed by"),
            b.missed,
            b.detail.join(", ")
        )
    };
    format!(
        "{} {} ({kind}): {} – {state}",
        t(lang, "Regel", "rule"),
        b.id,
        b.label
    )
}

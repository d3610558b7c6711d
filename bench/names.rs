//! Names and places like a German city's registers, for `synth --names register`.
//!
//! Real inventories are not random words: they hold many records per street
//! (an address register is nothing else), shared prefixes ("Grundschule …",
//! "Kita …", "Förderverein der …"), the same Kita name in ten districts and
//! house numbers that differ by one. Records are laid along streets: a street
//! is a segment placed where the city's clusters are, its house numbers run
//! along it, odd on one side and even on the other.
//!
//! A few records are planted twice as true duplicates (the same
//! organisation written another way, a few metres apart); their id pairs
//! go to `duplicates.csv`, the labelled set the duplicate advice is measured on.

use geo::Coord;
use rand::Rng;
use rand_pcg::Pcg64;

const PEOPLE: [&str; 40] = [
    "Goethe",
    "Schiller",
    "Lessing",
    "Händel",
    "Humboldt",
    "Luther",
    "Francke",
    "Thomasius",
    "Reichardt",
    "Eichendorff",
    "Heine",
    "Fontane",
    "Bach",
    "Telemann",
    "Kant",
    "Hegel",
    "Novalis",
    "Herder",
    "Wieland",
    "Gellert",
    "Liebig",
    "Virchow",
    "Koch",
    "Röntgen",
    "Planck",
    "Einstein",
    "Curie",
    "Meitner",
    "Noether",
    "Zetkin",
    "Bebel",
    "Stein",
    "Hardenberg",
    "Blücher",
    "Scharnhorst",
    "Gneisenau",
    "Lützow",
    "Körner",
    "Jahn",
    "Fröbel",
];
const PLACES: [&str; 24] = [
    "Leipziger",
    "Merseburger",
    "Magdeburger",
    "Berliner",
    "Dessauer",
    "Delitzscher",
    "Eislebener",
    "Hallorenring",
    "Trothaer",
    "Köthener",
    "Weißenfelser",
    "Naumburger",
    "Aachener",
    "Kölner",
    "Dresdner",
    "Erfurter",
    "Geseniusser",
    "Wittenberger",
    "Bernburger",
    "Zerbster",
    "Torgauer",
    "Saalfelder",
    "Querfurter",
    "Nietlebener",
];
const NATURE: [&str; 24] = [
    "Heiderand",
    "Kirschberg",
    "Lindenhof",
    "Birkenwäldchen",
    "Mühlgraben",
    "Saaleufer",
    "Rosengarten",
    "Eichenhain",
    "Weinberg",
    "Galgenberg",
    "Hufeisensee",
    "Ahornweg",
    "Sonnenhang",
    "Tannenhöhe",
    "Wiesengrund",
    "Brunnenplatz",
    "Klausberge",
    "Steintor",
    "Rannischen Platz",
    "Reileck",
    "Gimritzer Damm",
    "Pestalozzipark",
    "Amtsgarten",
    "Friedenspark",
];
const STREET_TYPES: [&str; 7] = ["straße", "weg", "platz", "ring", "allee", "gasse", "damm"];
const STREET_PREFIXES: [&str; 5] = ["Große ", "Kleine ", "Obere ", "Neue ", "Alte "];
const KITAS: [&str; 30] = [
    "Sonnenschein",
    "Regenbogen",
    "Pusteblume",
    "Spatzennest",
    "Zwergenland",
    "Kunterbunt",
    "Sonnenblume",
    "Märchenland",
    "Sausewind",
    "Wirbelwind",
    "Glückskäfer",
    "Marienkäfer",
    "Schatzkiste",
    "Rasselbande",
    "Waldwichtel",
    "Villa Kunterbunt",
    "Buratino",
    "Gänseblümchen",
    "Bummi",
    "Knirpsenland",
    "Schneckenhaus",
    "Traumland",
    "Löwenzahn",
    "Farbenfroh",
    "Lindenblüte",
    "Abenteuerland",
    "Kinderland",
    "Storchennest",
    "Hummelnest",
    "Am Park",
];
const SURNAMES: [&str; 40] = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
];
const TRADES: [&str; 12] = [
    "Bau",
    "Elektro",
    "Immobilien",
    "Steuerberatung",
    "Dachdeckerei",
    "Sanitär",
    "Malerbetrieb",
    "Software",
    "Logistik",
    "Reinigung",
    "Haustechnik",
    "Consulting",
];
const SPORTS: [&str; 8] = [
    "Sportverein",
    "Turnverein",
    "Schachverein",
    "Ruderverein",
    "Fußballverein",
    "Kanuverein",
    "Tischtennisverein",
    "Radsportverein",
];
const DISTRICTS: [&str; 16] = [
    "Neustadt",
    "Silberhöhe",
    "Heide-Nord",
    "Giebichenstein",
    "Kröllwitz",
    "Trotha",
    "Ammendorf",
    "Büschdorf",
    "Dölau",
    "Lettin",
    "Reideburg",
    "Diemitz",
    "Paulusviertel",
    "Südstadt",
    "Westliche Neustadt",
    "Frohe Zukunft",
];

/// A street: a segment in kilometres (local plane) with its house numbers.
pub struct Street {
    pub name: String,
    start: Coord<f64>,
    /// Direction times length, km.
    run: Coord<f64>,
    numbers: u32,
}

impl Street {
    /// The point of a house number (odd left, even right of the axis), km.
    pub fn at(&self, number: u32, rng: &mut Pcg64) -> Coord<f64> {
        let t = (f64::from(number) - 0.5) / f64::from(self.numbers);
        let len = (self.run.x.hypot(self.run.y)).max(1e-6);
        let normal = Coord {
            x: -self.run.y / len,
            y: self.run.x / len,
        };
        let side = if number % 2 == 1 { 1.0 } else { -1.0 };
        let off = side * rng.random_range(0.008..0.02);
        self.start + self.run * t + normal * off
    }

    /// The street as a register writes it: sometimes "Str.".
    pub fn written(&self, rng: &mut Pcg64) -> String {
        if self.name.ends_with("straße") && rng.random_bool(0.3) {
            format!("{}Str.", self.name.trim_end_matches("straße")).replace("rStr.", "r Str.")
        } else {
            self.name.clone()
        }
    }

    /// The street's name without its Ortsteil, as institutions take it
    /// ("Körnerstraße", "Am Heiderand").
    pub fn stem(&self) -> String {
        self.name
            .split(" (")
            .next()
            .unwrap_or(&self.name)
            .to_string()
    }

    pub fn numbers(&self) -> u32 {
        self.numbers
    }
}

/// `count` streets with distinct names, centred where `centre` draws (km).
pub fn streets(
    count: usize,
    rng: &mut Pcg64,
    mut centre: impl FnMut(&mut Pcg64) -> Coord<f64>,
) -> Vec<Street> {
    let mut bases: Vec<String> = Vec::new();
    for p in PEOPLE {
        for t in STREET_TYPES {
            bases.push(format!("{p}{t}"));
        }
    }
    for p in PLACES {
        for t in ["straße", "weg", "platz", "ring", "allee"] {
            bases.push(format!("{p} {}", capitalised(t)));
        }
    }
    for n in NATURE {
        bases.push(format!("Am {n}"));
        bases.push(format!("An der {n}"));
        bases.push(format!("{n}straße"));
    }
    for s in SURNAMES {
        bases.push(format!("Dr.-{s}-Straße"));
    }
    // "Große Ulrichstraße", "Kleine Klausgasse": the prefixes agree with
    // feminine street words only.
    let feminine = |b: &String| ["straße", "gasse", "allee"].iter().any(|t| b.ends_with(t));
    let mut names: Vec<String> = bases.clone();
    for p in STREET_PREFIXES {
        names.extend(
            bases
                .iter()
                .filter(|b| feminine(b))
                .map(|b| format!("{p}{b}")),
        );
    }
    // More streets than names: the same name in another Ortsteil.
    let mut out = Vec::with_capacity(count);
    let mut round = 0;
    while out.len() < count {
        for i in (0..names.len()).rev() {
            let j = rng.random_range(0..=i);
            names.swap(i, j);
        }
        for n in &names {
            if out.len() == count {
                break;
            }
            let name = if round == 0 {
                n.clone()
            } else {
                format!("{n} ({})", DISTRICTS[(round - 1) % DISTRICTS.len()])
            };
            let angle = rng.random_range(0.0..std::f64::consts::PI);
            let length = rng.random_range(0.15..1.4);
            let mid = centre(rng);
            let run = Coord {
                x: angle.cos() * length,
                y: angle.sin() * length,
            };
            out.push(Street {
                name,
                start: mid - run * 0.5,
                run,
                numbers: (length * 90.0) as u32 + 4,
            });
        }
        round += 1;
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn pick<'a>(rng: &mut Pcg64, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A name and a category for a record at `street` `number`.
pub fn record_name(rng: &mut Pcg64, street: &Street, number: u32) -> (String, &'static str) {
    let r: f64 = rng.random_range(0.0..1.0);
    let suffix = if rng.random_bool(0.08) {
        pick(rng, &["a", "b", "c"])
    } else {
        ""
    };
    if r < 0.35 {
        return (
            format!("{} {number}{suffix}", street.written(rng)),
            "company",
        );
    }
    // Real names repeat ("Kita Sonnenschein" in every district) but rarely
    // next door: half of them take the place from their own street
    // ("Apotheke in der Körnerstraße"), the rest from a word list.
    let own = street.stem();
    let place = match rng.random_range(0..4) {
        0 | 1 => own.clone(),
        2 => pick(rng, &NATURE).to_string(),
        _ => pick(rng, &DISTRICTS).to_string(),
    };
    match r {
        r if r < 0.45 => {
            let school = pick(
                rng,
                &[
                    "Grundschule",
                    "Grundschule",
                    "Sekundarschule",
                    "Gymnasium",
                    "Förderschule",
                    "Gemeinschaftsschule",
                ],
            );
            let whom = match rng.random_range(0..3) {
                0 => pick(rng, &PEOPLE).to_string(),
                1 => format!("Am {}", pick(rng, &NATURE)),
                _ => own.clone(),
            };
            (format!("{school} {whom}"), "school_or_education")
        }
        r if r < 0.57 => {
            let kind = pick(
                rng,
                &[
                    "Kita",
                    "Kita",
                    "Kindertagesstätte",
                    "Integrative Kita",
                    "Hort",
                ],
            );
            (
                format!("{kind} {}", pick(rng, &KITAS)),
                "school_or_education",
            )
        }
        r if r < 0.72 => {
            let a = pick(rng, &SURNAMES);
            let name = match rng.random_range(0..4) {
                0 => format!("{a} GmbH"),
                1 => format!("{a} & {} GbR", pick(rng, &SURNAMES)),
                2 => format!("{a} {} GmbH", pick(rng, &TRADES)),
                _ => format!("Praxis Dr. {a}"),
            };
            (name, "company")
        }
        r if r < 0.87 => {
            let name = match rng.random_range(0..5) {
                0 => format!("{} {place} e. V.", pick(rng, &SPORTS)),
                1 => format!("SV {place} {} e. V.", rng.random_range(1890..2010)),
                2 => format!("Förderverein der Grundschule {} e. V.", pick(rng, &PEOPLE)),
                3 => format!("Kleingartenverein {place} e. V."),
                _ => format!("Heimatverein {place} e. V."),
            };
            (name, "association_or_initiative")
        }
        r if r < 0.95 => {
            let name = match rng.random_range(0..4) {
                0 => format!("Stadtbibliothek – Zweigstelle {place}"),
                1 => format!("Jugendclub {}", pick(rng, &KITAS)),
                2 => format!("Seniorenbegegnungsstätte {place}"),
                _ => format!("Bürgerbüro {place}"),
            };
            (name, "public_authority")
        }
        _ => {
            let name = match rng.random_range(0..3) {
                0 => format!("Apotheke {place}"),
                1 => format!("Ev. Kirchengemeinde {place}"),
                _ => format!("Zahnarztpraxis {}", pick(rng, &SURNAMES)),
            };
            (name, "cultural_institution")
        }
    }
}

/// The same organisation written another way, as a second source would.
pub fn variant(name: &str, rng: &mut Pcg64) -> String {
    let swaps = [
        ("e. V.", "e.V."),
        ("Kindertagesstätte", "Kita"),
        ("Kita ", "Kindertagesstätte "),
        ("Grundschule", "GS"),
        ("straße", "str."),
        (" Str.", " Straße"),
        ("Dr. ", "Dr."),
        ("GmbH", "G.m.b.H."),
        (" & ", " und "),
        ("Stadtbibliothek – ", "Stadtbibliothek, "),
    ];
    for (a, b) in swaps {
        if name.contains(a) && rng.random_bool(0.7) {
            return name.replacen(a, b, 1);
        }
    }
    // A typo: two neighbouring letters swapped in the longest word.
    let words: Vec<&str> = name.split(' ').collect();
    let (at, longest) = words
        .iter()
        .enumerate()
        .max_by_key(|(_, w)| w.chars().count())
        .map(|(i, w)| (i, *w))
        .unwrap_or((0, name));
    let mut chars: Vec<char> = longest.chars().collect();
    if chars.len() > 4 {
        let i = rng.random_range(1..chars.len() - 2);
        chars.swap(i, i + 1);
    }
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    out[at] = chars.into_iter().collect();
    out.join(" ")
}

/// Names by 150 m cell, to keep a name from being drawn twice within about
/// 150 m (see [`Nearby::taken`]).
#[derive(Default)]
pub struct Nearby(std::collections::HashMap<(i64, i64), Vec<String>>);

impl Nearby {
    const CELL_KM: f64 = 0.15;

    fn cell(at: Coord<f64>) -> (i64, i64) {
        (
            (at.x / Self::CELL_KM).floor() as i64,
            (at.y / Self::CELL_KM).floor() as i64,
        )
    }

    /// A name's spelling-independent form: the variants [`variant`] writes
    /// and the advice's own folding come to the same key.
    fn key(name: &str) -> String {
        let lower = name
            .to_lowercase()
            .replace("kindertagesstätte", "kita")
            .replace("straße", "str")
            .replace("str.", "str")
            .replace("g.m.b.h.", "gmbh")
            .replace(" und ", " & ");
        let lower = lower
            .strip_prefix("gs ")
            .map_or(lower.clone(), |r| format!("grundschule {r}"));
        lower.chars().filter(|c| c.is_alphanumeric()).collect()
    }

    /// Whether the name, or one written alike, is within a cell of `at` (km).
    pub fn taken(&self, at: Coord<f64>, name: &str) -> bool {
        let key = Self::key(name);
        let (cx, cy) = Self::cell(at);
        (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                self.0
                    .get(&(cx + dx, cy + dy))
                    .is_some_and(|names| names.contains(&key))
            })
        })
    }

    pub fn add(&mut self, at: Coord<f64>, name: &str) {
        self.0
            .entry(Self::cell(at))
            .or_default()
            .push(Self::key(name));
    }
}

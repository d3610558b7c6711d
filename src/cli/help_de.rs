//! `--help` in German: the same clap definition ([`super::args::Cli`]),
//! its texts replaced from [`TEXTS`] where messages are German (`--lang de`,
//! or a German `LANG`). A test keeps the table complete: every command and
//! every argument that has an English help has a German one, and no entry
//! names something that no longer exists.

use clap::Command;

/// The help headings and clap's own arguments.
const USAGE: &str = "Aufruf:";
const COMMANDS: &str = "Befehle";
const ARGUMENTS: &str = "Argumente";
const OPTIONS: &str = "Optionen";
const HELP: &str = "Diese Hilfe zeigen";
const VERSION: &str = "Version zeigen";
const HELP_COMMAND: &str = "Die Hilfe eines Befehls zeigen";

/// German texts: `"PATH"` for a command (`""` the program, `"board propose"`
/// a subcommand), `"PATH:ARG"` for an argument, `"*:ARG"` for an argument
/// that several commands share with one meaning, `"=VALUE"` for the help of
/// a possible value.
pub const TEXTS: &[(&str, &str)] = &[
    // A value's own help, by the value's name (`=NAME`).
    ("=dot", "Graphviz, für `network`"),
    ("=graphml", "GraphML (Gephi), für `network`"),
    (
        "",
        "Das Smart-City-Akteursverzeichnis einer Stadt auf der Karte: Import, Fragen nach \
         Stadtteilen, GeoPackage- oder PostGIS-Speicher",
    ),
    (
        "*:store",
        "Der Speicher: eine GeoPackage-Datei oder eine PostgreSQL/PostGIS-Datenbank \
         (postgres://NUTZER@HOST:PORT/DB)",
    ),
    ("*:pg_schema", "Das Schema eines PostgreSQL-Speichers"),
    ("*:format", "Ausgabeformat"),
    (
        "*:lang",
        "Sprache der Meldungen und Beschriftungen (Vorgabe: de, wenn LANG mit de beginnt, sonst \
         en; Berichte und Markdown sind deutsch, außer mit --lang en)",
    ),
    ("*:quiet", "Nur Ergebnisse ausgeben, keinen Fortschritt"),
    ("*:verbose", "Mehr darüber ausgeben, was geschieht"),
    (
        "*:kinds",
        "partner, initiative, project, body (wiederholbar)",
    ),
    (
        "*:fields",
        "Handlungsfeld-Kennung, z. B. bildung (wiederholbar)",
    ),
    (
        "*:categories",
        "Partnerkategorie-Kennung, z. B. university (wiederholbar)",
    ),
    (
        "*:statuses",
        "idea, planned, running, completed (wiederholbar)",
    ),
    ("*:tags", "Schlagwort (wiederholbar)"),
    (
        "baseline",
        "Die Hauptaufgabe: einen Datenordner importieren (Vorgabe data/halle) und das \
         Anhangsbündel schreiben (Vorgabe baseline/)",
    ),
    ("baseline:data", "Datenordner mit einem Manifest atlas.toml"),
    ("baseline:out", "Ordner für das Bündel"),
    (
        "report",
        "Das Anhangsbündel schreiben: index.html mit Karte, appendix.md, CSV-Tabellen, GeoJSON, \
         map.svg",
    ),
    ("report:out", "Ordner für das Bündel"),
    (
        "report:profile",
        "public lässt Kontakte und interne Einträge weg; internal behält sie und sagt es",
    ),
    (
        "report:level",
        "Gebietsebene der Tabellen und der Karte (Vorgabe: die des Speichers)",
    ),
    (
        "export",
        "Einträge für Karten und Tabellenkalkulationen exportieren",
    ),
    (
        "export:what",
        "geojson (RFC 7946), gpkg (ein GeoPackage, das zugleich ein Speicher ist) oder csv",
    ),
    (
        "export:out",
        "Die zu schreibende Datei; eine vorhandene wird ersetzt, sobald die neue vollständig ist",
    ),
    (
        "export:profile",
        "public lässt Kontakte und interne Einträge weg; internal behält sie und sagt es",
    ),
    (
        "export:excel",
        "Für csv: UTF-8 mit BOM, `;`, Dezimalkomma, Formelzellen entschärft",
    ),
    (
        "init",
        "Einen leeren Speicher anlegen (eine GeoPackage-Datei, oder in einer PostgreSQL-Datenbank \
         mit PostGIS das Schema, die Tabellen und die Rollen reader/editor)",
    ),
    (
        "copy",
        "Einen Speicher in einen neuen kopieren, zwischen GeoPackage und PostgreSQL in beide \
         Richtungen, mit allen Revisionen, dem Importprotokoll, Beziehungen und Kontakten",
    ),
    ("copy:from", "Der zu kopierende Speicher (Vorgabe: --store)"),
    (
        "copy:to",
        "Der neue Speicher: eine .gpkg-Datei oder postgres://NUTZER@HOST:PORT/DB (Vorgabe: \
         --store; --from oder --to ist nötig). Ein PostgreSQL-Speicher, den `init` leer angelegt hat, gilt als neu",
    ),
    (
        "serve",
        "Das Verzeichnis als OGC API – Features bereitstellen (QGIS, GDAL, ArcGIS und OWSLib lesen \
         es): Sammlungen entities und districts, nur das öffentliche Profil (keine Kontakte, keine \
         internen Einträge). Antworten folgen den Importen des Speichers, sobald sie geschrieben \
         sind. Endet mit Strg-C",
    ),
    (
        "serve:bind",
        "Adresse und Port, auf denen gelauscht wird (Port 0: ein beliebiger freier)",
    ),
    (
        "serve:base_url",
        "Die Adresse, unter der Clients den Server erreichen (hinter einem Proxy), für die Links \
         in Antworten; Vorgabe http:// und die gebundene Adresse",
    ),
    (
        "serve:title",
        "Titel der Startseite und der API-Beschreibung",
    ),
    (
        "serve:read_only",
        "Nur lesen: kein Registrierungsformular, keine Anmeldungen, keine Entscheidungen",
    ),
    (
        "serve:posts_per_client",
        "Formulareingaben (Vorschläge, Anmeldungen), die eine Client-Adresse in zehn Minuten \
         machen darf; erhöhen, wenn viele Partner eine Adresse teilen (ein Büro hinter NAT, ein \
         Workshop)",
    ),
    (
        "serve:trusted_proxy",
        "Die Adresse eines Reverse-Proxys vor dem Server (für mehrere wiederholen): für seine \
         Anfragen ist der Client die Adresse, die er in X-Forwarded-For nennt, damit Partner \
         dahinter getrennt begrenzt werden. Ohne die Angabe wird der Header nicht beachtet \
         (jeder könnte ihn senden)",
    ),
    (
        "moderation",
        "Die Moderationswarteschlange des Registrierungsformulars (`serve`): was Partner \
         vorgeschlagen haben, und die Entscheidungen darüber",
    ),
    (
        "moderation list",
        "Die Einreichungen, älteste zuerst (ohne Kontaktpersonen)",
    ),
    (
        "moderation list:status",
        "pending (Vorgabe), approved, rejected oder all",
    ),
    (
        "moderation show",
        "Eine Einreichung mit ihrer Kontaktperson und den gespeicherten Einträgen, die sie \
         doppeln oder berichtigen könnte",
    ),
    ("moderation show:id", "Die Nummer der Einsendung"),
    (
        "moderation approve",
        "Den Eintrag der Einreichung ins Verzeichnis schreiben (eine neue Revision, protokolliert \
         mit der Einreichung und wer sie freigegeben hat)",
    ),
    ("moderation approve:id", "Die Nummer der Einsendung"),
    (
        "moderation approve:by",
        "Wer entscheidet (Vorgabe: der Anmeldename, $USER)",
    ),
    (
        "moderation reject",
        "Die Einreichung ablehnen: gespeichert wird nur die Entscheidung",
    ),
    ("moderation reject:id", "Die Nummer der Einsendung"),
    (
        "moderation reject:reason",
        "Warum (wird mit der Entscheidung aufbewahrt)",
    ),
    (
        "moderation reject:by",
        "Wer entscheidet (Vorgabe: der Anmeldename, $USER)",
    ),
    (
        "user",
        "Konten der Personen, die sich bei `serve` anmelden (Koordinatorinnen entscheiden über \
         Einreichungen, Betrachter sehen zu), und API-Token für Skripte",
    ),
    (
        "user add",
        "Ein Konto anlegen, oder einem Konto eine neue Rolle und ein neues Passwort geben. Das \
         Passwort wird am Terminal erfragt oder als eine Zeile von der Standardeingabe gelesen",
    ),
    ("user add:name", "Der Anmeldename"),
    (
        "user add:role",
        "coordinator (entscheidet über Einreichungen) oder viewer (sieht zu)",
    ),
    ("user list", "Die Konten mit ihren Rollen"),
    ("user remove", "Ein Konto und seine API-Token entfernen"),
    ("user remove:name", "Der Anmeldename"),
    (
        "user token",
        "Ein API-Token für ein Konto erzeugen (einmal ausgegeben; aufbewahrt wird nur sein Hash)",
    ),
    ("user token:name", "Der Anmeldename"),
    ("user token:label", "Wofür das Token ist"),
    (
        "backup",
        "Den Speicher mit SQLites Online-Sicherung kopieren (andere können weiterarbeiten)",
    ),
    (
        "backup:out",
        "Die Kopie: eine neue Datei (eine vorhandene wird abgelehnt)",
    ),
    (
        "import",
        "Dateien importieren (CSV, XLSX/ODS, GeoJSON, Esri JSON, Shapefile, GeoPackage, KML/KMZ, \
         ZIP) oder Datenordner (mit atlas.toml, sonst Rollen aus den Namen erraten); ganz oder \
         gar nicht",
    ),
    (
        "import:role",
        "Was die Dateien enthalten: partners, initiatives, projects, bodies, relations, contacts, \
         districts, addresses (ein Adressregister, das die Einträge desselben Imports verortet)",
    ),
    (
        "import:paths",
        "Dateien, Datenordner oder Manifeste (atlas.toml)",
    ),
    (
        "import:level",
        "Die Ebene der Bezirke der Datei; gilt vor einer Spalte level der Datei",
    ),
    (
        "import:crs",
        "Koordinatenreferenzsystem der Eingabe: EPSG:4326 (Vorgabe), 25832, 25833, 3035, 3857, \
         31468. Ein GeoJSON-Mitglied `crs` wird beachtet",
    ),
    (
        "import:encoding",
        "Zeichenkodierung von CSV-Dateien: utf-8 oder windows-1252 (Vorgabe: erkannt)",
    ),
    (
        "import:sheet",
        "Tabellenblatt von XLSX/ODS-Dateien, Ebene eines GeoPackages oder Datei in einem ZIP \
         (Vorgabe: das erste, oder die eine Datendatei eines ZIP)",
    ),
    (
        "import:repair",
        "Ungültige Polygone reparieren (Selbstüberschneidungen, offene Ringe), wo es eine \
         eindeutige Reparatur gibt; sonst wird eine solche Datei abgelehnt",
    ),
    (
        "import:dry_run",
        "Zeigen, was sich ändern würde, nichts ändern",
    ),
    (
        "import:map",
        "Ein Feld des Modells aus einer Spalte der Datei lesen: `--map name=STT_NAME` \
         (wiederholbar; `--map address=STRASSE,PLZ` fügt mehrere zusammen). Für jedes Format",
    ),
    (
        "import:id_column",
        "Die Spalte mit den Kennungen (wie `--map id=SPALTE`)",
    ),
    (
        "import:name_column",
        "Die Spalte mit den Namen (wie `--map name=SPALTE`)",
    ),
    (
        "import:parent_column",
        "Die Spalte, die das übergeordnete Gebiet jedes Gebiets mit Kennung oder Namen nennt \
         (wie `--map parent=SPALTE`). Ohne sie werden übergeordnete Gebiete aus der Geometrie \
         abgeleitet",
    ),
    (
        "import:population_column",
        "Die Spalte mit der Einwohnerzahl (wie `--map population=SPALTE`)",
    ),
    (
        "import:below",
        "Die Gebietsebene der Datei unter diese Ebene stellen",
    ),
    (
        "import:above",
        "Die Gebietsebene der Datei über diese Ebene stellen",
    ),
    (
        "import:replace",
        "Die Gebietsdatei ersetzt ihre Ebene: gespeicherte Gebiete dieser Ebene, die sie nicht \
         enthält, werden entfernt (ihre Revisionen bleiben)",
    ),
    (
        "locate",
        "Einträgen mit Adresse, aber ohne Punkt die Koordinate ihrer Adresse aus einem amtlichen \
         Adressregister (Hauskoordinaten) geben, offline. Jeder Treffer trägt seine Güte: \
         address, address_fuzzy, street, postcode, none. Mehrdeutige Treffer werden nie \
         übernommen",
    ),
    (
        "locate:registers",
        "Ein Adressregister: GeoJSON, Shapefile, GeoPackage, CSV, … oder ein ZIP davon \
         (wiederholbar; bei Gleichstand gewinnt ein früheres Register)",
    ),
    (
        "locate:min_quality",
        "Die geringste übernommene Güte: address, address_fuzzy, street, postcode",
    ),
    (
        "locate:dry_run",
        "Jeden Treffer mit Güte und Kandidaten zeigen, nichts ändern",
    ),
    (
        "locate:crs",
        "Koordinatenreferenzsystem des Registers (EPSG:25832, …); ein GeoJSON-Mitglied `crs` \
         und eine Shapefile-`.prj` werden beachtet",
    ),
    (
        "locate:encoding",
        "Zeichenkodierung eines CSV-Registers: utf-8 oder windows-1252 (Vorgabe: erkannt)",
    ),
    (
        "locate:sheet",
        "Tabellenblatt, GeoPackage-Ebene oder ZIP-Datei des Registers",
    ),
    (
        "locate:street_column",
        "Die Straßenspalte (Vorgabe: street, strname, strasse, addr:street, …)",
    ),
    (
        "locate:number_column",
        "Die Hausnummernspalte (Vorgabe: housenumber, hsnr, hausnummer, …)",
    ),
    (
        "locate:suffix_column",
        "Die Spalte des Hausnummernzusatzes (Vorgabe: suffix, hsnrzus, zusatz, …)",
    ),
    (
        "locate:postcode_column",
        "Die Postleitzahlspalte (Vorgabe: postcode, plz, …)",
    ),
    (
        "locate:place_column",
        "Die Ortsspalte (Vorgabe: place, ort, gemeinde, …)",
    ),
    (
        "locate:map",
        "Ein Feld des Registers aus einer Spalte lesen: `--map lon=OSTWERT` (Felder: street, \
         housenumber, suffix, postcode, place, lon, lat)",
    ),
    ("list", "Einträge auflisten"),
    (
        "show",
        "Ein Eintrag mit seinen Beziehungen, Gebieten und Revisionen",
    ),
    ("show:id", "Die Kennung des Eintrags"),
    ("history", "Jede aufbewahrte Revision eines Eintrags"),
    ("history:id", "Die Kennung des Eintrags"),
    (
        "districts",
        "Gebiete mit Fläche, Einwohnern und Zahl der Einträge",
    ),
    (
        "districts:level",
        "Gebietsebene (Vorgabe: die des Speichers)",
    ),
    (
        "where",
        "Das umgebende Gebiet auf jeder Ebene, für LON,LAT oder eine Eintragskennung",
    ),
    (
        "where:target",
        "LON,LAT (WGS84-Grad) oder eine Eintragskennung",
    ),
    (
        "in",
        "Einträge innerhalb der genannten Gebiete (ihrer Vereinigung)",
    ),
    (
        "in:districts",
        "Namen oder Kennungen von Gebieten (ohne Rücksicht auf Groß-/Kleinschreibung und Umlaute, auch Aliasse)",
    ),
    (
        "in:level",
        "Ebene, um ein Gebiet zu wählen, dessen Name auf mehreren Ebenen vorkommt",
    ),
    (
        "near",
        "Einträge in der Nähe eines Gebiets, eines Eintrags oder einer Position; nächste zuerst",
    ),
    (
        "near:target",
        "Ein Gebietsname oder eine Gebietskennung, oder eine Eintragskennung",
    ),
    (
        "near:at",
        "Stattdessen von dieser Position aus messen (WGS84)",
    ),
    ("near:within", "Meter"),
    ("near:nearest", "Die K nächsten"),
    (
        "near:level",
        "Ebene, um ein Gebiet zu wählen, dessen Name auf mehreren Ebenen vorkommt",
    ),
    (
        "matrix",
        "Anzahlen je Gebiet × Handlungsfeld (oder Kategorie, Art, Status)",
    ),
    ("matrix:level", "Gebietsebene (Vorgabe: die des Speichers)"),
    (
        "matrix:per_capita",
        "Je 10.000 Einwohner, wo die Einwohnerzahl bekannt ist",
    ),
    (
        "check",
        "Datenqualität: Dubletten, außerhalb der Stadt, ohne Ort, veraltetes oder fehlendes \
         verified_on, unbekanntes Vokabular. Exit-Code 1, wenn etwas gefunden wird",
    ),
    (
        "check:stale_days",
        "Ein verified_on, das älter ist als so viele Tage, gilt als veraltet",
    ),
    ("bodies", "Gremien mit der Zahl ihrer Mitglieder"),
    ("board", "Beiräte und andere Gremien"),
    (
        "board check",
        "Abdeckung der geforderten Handlungsfelder und Mitgliedskategorien durch die Mitglieder \
         eines Gremiums; Exit-Code 1, wenn etwas fehlt",
    ),
    ("board check:body", "Die Kennung des Gremiums"),
    (
        "board check:require",
        "Anforderungsdatei (TOML) (Vorgabe: die Anforderung des Stadtrats vom Juni 2020)",
    ),
    (
        "board check:with",
        "So prüfen, als wären diese Organisationen auch Mitglieder (nichts wird gespeichert)",
    ),
    (
        "board propose",
        "Wen einladen: die wenigsten Organisationen, die mit den Mitgliedern des Gremiums die \
         Anforderungsdatei abdecken (exakt gelöst), jeder Sitz begründet. Exit-Code 1, wenn \
         eine Anforderung offen bleibt",
    ),
    (
        "board propose:body",
        "Das Gremium, dessen Mitglieder bleiben (Vorgabe: ein Beirat von Grund auf)",
    ),
    (
        "board propose:require",
        "Anforderungsdatei (TOML), mit optionalen Regeln [[balance]] (Vorgabe: die Anforderung \
         des Stadtrats vom Juni 2020)",
    ),
    (
        "board propose:seats",
        "Höchstens N Sitze, Mitglieder eingeschlossen: so viel wie möglich abdecken, dann \
         ausgewogen besetzen",
    ),
    (
        "board propose:exclude",
        "Diese Organisationen nie vorschlagen (wiederholbar, oder ID,ID,…; ein Wert je Angabe, \
         damit ein folgendes GREMIUM nicht für eine Kennung gehalten wird)",
    ),
    (
        "board propose:include",
        "Diese Organisationen in jedem Fall setzen (wiederholbar, oder ID,ID,…)",
    ),
    (
        "board propose:time_limit",
        "Sekunden, die der Löser brauchen darf; danach wird die beste gefundene Besetzung mit \
         ihrem Abstand zur bewiesenen Schranke gezeigt",
    ),
    (
        "board propose:profile",
        "internal fügt die Kontaktpersonen der Sitze hinzu und sagt es",
    ),
    (
        "network",
        "Wer mit wem arbeitet: Partner, verbunden durch gemeinsame Projekte, Initiativen und \
         Gremien",
    ),
    (
        "network:id",
        "Auf diesen Eintrag ausrichten (ein Partner, Projekt, eine Initiative oder ein Gremium)",
    ),
    (
        "network:depth",
        "Wie viele Verbindungen vom Mittelpunkt aus gefolgt wird",
    ),
    ("gaps", "Paare (Gebiet, Handlungsfeld) ohne Eintrag"),
    ("gaps:by", "Nur `field` wird unterstützt"),
    ("gaps:level", "Gebietsebene (Vorgabe: die des Speichers)"),
    (
        "completions",
        "Shell-Vervollständigung aus der Definition dieser Kommandozeile, z. B. `stadtatlas \
         completions bash > ~/.local/share/bash-completion/completions/stadtatlas`",
    ),
    (
        "man",
        "Die Handbuchseite (roff) aus der Definition dieser Kommandozeile, z. B. `stadtatlas man \
         > stadtatlas.1 && man ./stadtatlas.1`; mit `--out ORDNER` auch eine Seite je \
         Unterbefehl (stadtatlas-board-propose.1, …)",
    ),
    (
        "man:out",
        "stadtatlas.1 und eine Seite je Unterbefehl in diesen Ordner schreiben",
    ),
    (
        "query",
        "Gespeicherte Fragen (queries/*.sql) und spontanes lesendes SQL mit räumlichen Funktionen",
    ),
    (
        "query:queries",
        "Ordner der gespeicherten Fragen (Vorgabe: ./queries, sonst queries/ des Pakets)",
    ),
    (
        "query:timeout",
        "Eine Abfrage nach so vielen Sekunden abbrechen",
    ),
    (
        "query list",
        "Die gespeicherten Fragen mit ihren Titeln und Parametern",
    ),
    ("query run", "Eine gespeicherte Frage stellen"),
    (
        "query run:name",
        "Der Name der gespeicherten Frage (`query list`)",
    ),
    (
        "query run:params",
        "NAME=WERT (wiederholbar); gebunden, nie in das SQL eingefügt",
    ),
    ("query sql", "Eine spontane SELECT-Anweisung ausführen"),
    ("query sql:sql", "Eine SELECT-Anweisung"),
    (
        "query sql:params",
        "NAME=WERT (wiederholbar), als Text an :NAME gebunden",
    ),
];

/// The German text of the command at `path`, or of its argument `arg`.
fn text(path: &str, arg: Option<&str>) -> Option<&'static str> {
    let find = |key: &str| TEXTS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t);
    match arg {
        None => find(path),
        Some(arg) => find(&format!("{path}:{arg}")).or_else(|| find(&format!("*:{arg}"))),
    }
}

/// The German help of a possible value that has an English one.
fn value_text(value: &clap::builder::PossibleValue) -> Option<&'static str> {
    value.get_help()?;
    let key = format!("={}", value.get_name());
    TEXTS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
}

/// `cmd` (the program, or the subcommand at `path`) with German help.
pub fn germanize(cmd: Command) -> Command {
    germanize_at(cmd, "")
}

fn germanize_at(mut cmd: Command, path: &str) -> Command {
    // The help and version flags exist once the command is built.
    cmd.build();
    if let Some(about) = text(path, None) {
        cmd = cmd.about(about).long_about(None::<&str>);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let german = match id.as_str() {
            "help" => Some(HELP),
            "version" => Some(VERSION),
            _ => text(path, Some(&id)),
        };
        let Some(arg) = cmd.get_arguments().find(|a| a.get_id() == id.as_str()) else {
            continue;
        };
        let heading = if arg.is_positional() {
            ARGUMENTS
        } else {
            OPTIONS
        };
        // clap words these in English: said in the text instead.
        let mut notes = Vec::new();
        if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
            notes.push(format!("[Umgebungsvariable: {}]", env.to_string_lossy()));
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        if takes_value && !defaults.is_empty() && !arg.is_hide_default_value_set() {
            notes.push(format!("[Vorgabe: {}]", defaults.join(", ")));
        }
        // A value with a help of its own says it in parentheses.
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match value_text(v) {
                Some(t) => format!("{} ({t})", v.get_name()),
                None => v.get_name().to_string(),
            })
            .collect();
        if takes_value && !values.is_empty() && !arg.is_hide_possible_values_set() {
            notes.push(format!("[mögliche Werte: {}]", values.join(", ")));
        }
        // An argument without a help of its own still gets the notes.
        let help = match (german, notes.is_empty()) {
            (Some(t), true) => Some(t.to_string()),
            (Some(t), false) => Some(format!("{t} {}", notes.join(" "))),
            (None, false) => Some(notes.join(" ")),
            (None, true) => None,
        };
        cmd = cmd.mut_arg(&id, |a| {
            let a = a.help_heading(heading);
            match help {
                Some(t) => a
                    .help(t)
                    .long_help(None::<&str>)
                    .hide_env(true)
                    .hide_default_value(true)
                    .hide_possible_values(true),
                None => a,
            }
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| {
            if name == "help" {
                s.about(HELP_COMMAND)
            } else {
                germanize_at(s, &sub_path)
            }
        });
    }
    cmd.subcommand_help_heading(COMMANDS).help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{USAGE} {{usage}}\n\n{{all-args}}{{after-help}}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every command and every argument with an English help has a German
    /// one; every entry of the table names something that exists.
    #[test]
    fn every_help_text_has_a_german_one_and_every_german_one_is_used() {
        fn walk(cmd: &Command, path: &str, missing: &mut Vec<String>, used: &mut Vec<String>) {
            if cmd.get_about().is_some() {
                match text(path, None) {
                    Some(_) => used.push(path.to_string()),
                    None => missing.push(path.to_string()),
                }
            }
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if a.is_hide_set() || ["help", "version"].contains(&id) {
                    continue;
                }
                let own = format!("{path}:{id}");
                if TEXTS.iter().any(|(k, _)| *k == own) {
                    used.push(own);
                } else if text(path, Some(id)).is_some() {
                    used.push(format!("*:{id}"));
                } else if a.get_help().is_some() {
                    missing.push(own);
                }
                for v in a.get_possible_values() {
                    match value_text(&v) {
                        Some(_) => used.push(format!("={}", v.get_name())),
                        None if v.get_help().is_some() => {
                            missing.push(format!("={}", v.get_name()))
                        }
                        None => {}
                    }
                }
            }
            for s in cmd.get_subcommands() {
                let p = if path.is_empty() {
                    s.get_name().to_string()
                } else {
                    format!("{path} {}", s.get_name())
                };
                walk(s, &p, missing, used);
            }
        }
        let (mut missing, mut used) = (Vec::new(), Vec::new());
        walk(
            &super::super::args::Cli::command(),
            "",
            &mut missing,
            &mut used,
        );
        assert!(missing.is_empty(), "no German help for: {missing:?}");
        let unused: Vec<&str> = TEXTS
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !used.iter().any(|u| u == k))
            .collect();
        assert!(
            unused.is_empty(),
            "German help for what does not exist: {unused:?}"
        );
    }

    /// The German help of the program and of a subcommand, as printed.
    #[test]
    fn help_reads_german() {
        let mut cmd = germanize(super::super::args::Cli::command());
        let top = cmd.render_help().to_string();
        for part in [
            "Aufruf:",
            "Befehle:",
            "Optionen:",
            "Einträge auflisten",
            "Ausgabeformat",
            "dot (Graphviz, für `network`)",
        ] {
            assert!(top.contains(part), "{part}: {top}");
        }
        assert!(
            !top.contains("Usage:") && !top.contains("Print help"),
            "{top}"
        );
        let sub = cmd
            .find_subcommand_mut("board")
            .and_then(|b| b.find_subcommand_mut("propose"))
            .unwrap()
            .render_help()
            .to_string();
        for part in [
            "Wen einladen",
            "Höchstens N Sitze",
            "Argumente:",
            "Diese Hilfe zeigen",
        ] {
            assert!(sub.contains(part), "{part}: {sub}");
        }
    }
}

//! Command-line flags (clap). Validation only; no library logic here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use stadtatlas::model::{EntityKind, LonLat, Status};
use std::path::PathBuf;

/// stadtatlas: the Smart City stakeholder inventory on a map.
///
/// Exit codes: 0 ok; 1 `in`/`near` found nothing, `board check` found a gap,
/// `board propose` left a requirement uncovered or `check` found something;
/// 2 usage or input error.
/// The store used when none is named.
pub const DEFAULT_STORE: &str = "stadtatlas.gpkg";
/// The environment variable that names the store.
pub const STORE_ENV: &str = "STADTATLAS_STORE";

#[derive(Debug, Parser)]
#[command(name = "stadtatlas", version, about, max_term_width = 100)]
pub struct Cli {
    /// The store: a GeoPackage file, or a PostgreSQL/PostGIS database
    /// (postgres://USER@HOST:PORT/DB).
    #[arg(
        long,
        global = true,
        env = STORE_ENV,
        default_value = DEFAULT_STORE
    )]
    pub store: String,
    /// The schema of a PostgreSQL store.
    #[arg(
        long,
        global = true,
        env = "STADTATLAS_PG_SCHEMA",
        value_name = "SCHEMA"
    )]
    pub pg_schema: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Language of messages and labels (default: de when LANG starts with de,
    /// else en; reports and Markdown are German unless --lang en).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Print only results, no progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more about what happens.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Geojson,
    Md,
    /// Graphviz, for `network`.
    Dot,
    /// GraphML (Gephi), for `network`.
    Graphml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    De,
    En,
}

#[derive(Debug, Subcommand)]
pub enum BoardAction {
    /// Coverage of the required fields and member categories by a body's
    /// members; exit code 1 when something is missing.
    Check {
        /// The body's id.
        body: String,
        /// Requirement TOML (default: the council's request of June 2020).
        #[arg(long)]
        require: Option<PathBuf>,
        /// Check as if these organisations were members too (nothing is stored).
        #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
        with: Vec<String>,
    },
    /// Whom to invite: the fewest organisations that, with the body's members,
    /// cover the requirement file (solved exactly), each seat explained.
    /// Exit code 1 when a requirement stays uncovered.
    Propose {
        /// The body whose members are kept (default: a board from scratch).
        body: Option<String>,
        /// Requirement TOML, with optional [[balance]] rules (default: the council's request of June 2020).
        #[arg(long)]
        require: Option<PathBuf>,
        /// At most N seats, members included: cover as much as possible, then balance.
        #[arg(long, value_name = "N")]
        seats: Option<usize>,
        /// Never propose these organisations (repeatable, or ID,ID,…; one value
        /// per flag, so that a BODY after it is not taken for an id).
        #[arg(long, value_name = "ID", value_delimiter = ',')]
        exclude: Vec<String>,
        /// Seat these organisations whatever else is chosen (repeatable, or ID,ID,…).
        #[arg(long, value_name = "ID", value_delimiter = ',')]
        include: Vec<String>,
        /// Seconds the solver may take; after that the best composition found
        /// is shown with its gap to the proven bound.
        #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
        time_limit: f64,
        /// internal adds the seats' contact persons and says so.
        #[arg(long, value_enum, default_value_t = ProfileArg::Public)]
        profile: ProfileArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    Public,
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Geojson,
    Gpkg,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Field,
    Category,
    Kind,
    Status,
}

/// Filters of every listing: values of one flag OR, different flags AND.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// partner, initiative, project, body (repeatable).
    #[arg(long = "kind", value_parser = parse_kind)]
    pub kinds: Vec<EntityKind>,
    /// Field of action id, e.g. bildung (repeatable).
    #[arg(long = "field")]
    pub fields: Vec<String>,
    /// Partner category id, e.g. university (repeatable).
    #[arg(long = "category")]
    pub categories: Vec<String>,
    /// idea, planned, running, completed (repeatable).
    #[arg(long = "status", value_parser = parse_status)]
    pub statuses: Vec<Status>,
    /// Tag (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
}

fn parse_kind(s: &str) -> Result<EntityKind, String> {
    s.parse()
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

fn parse_lonlat(s: &str) -> Result<LonLat, String> {
    s.parse()
}

/// `NAME=VALUE` of `--param`.
fn parse_param(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(n, v)| (n.trim().trim_start_matches(':').to_string(), v.to_string()))
        .filter(|(n, _)| !n.is_empty())
        .ok_or_else(|| format!("\"{s}\": write NAME=VALUE"))
}

fn parse_role(s: &str) -> Result<stadtatlas::import::FileRole, String> {
    s.parse()
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: import a data folder (default data/halle) and write the
    /// appendix bundle (default baseline/).
    Baseline {
        /// Data folder with an atlas.toml manifest.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Folder for the bundle.
        #[arg(long, default_value = "baseline")]
        out: PathBuf,
    },
    /// Write the appendix bundle: index.html with map, appendix.md, CSV tables, GeoJSON, map.svg.
    Report {
        /// Folder for the bundle.
        #[arg(long)]
        out: PathBuf,
        /// District level of the tables and the map (default: the store's).
        #[arg(long)]
        level: Option<String>,
        /// public drops contacts and internal records; internal keeps them and says so.
        #[arg(long, value_enum, default_value_t = ProfileArg::Public)]
        profile: ProfileArg,
    },
    /// Export entities for maps and spreadsheets.
    Export {
        /// geojson (RFC 7946), gpkg (a GeoPackage that is also a store) or csv.
        #[arg(value_enum)]
        what: ExportFormat,
        /// The file to write; one already there is replaced once the new one is complete.
        #[arg(long)]
        out: PathBuf,
        /// public drops contacts and internal records; internal keeps them and says so.
        #[arg(long, value_enum, default_value_t = ProfileArg::Public)]
        profile: ProfileArg,
        /// For csv: UTF-8 with BOM, `;`, decimal comma, formula cells neutralised.
        #[arg(long)]
        excel: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Create an empty store (a GeoPackage file, or the schema, tables and
    /// the reader/editor roles in a PostgreSQL database with PostGIS).
    Init,
    /// Copy a store into a new one, between GeoPackage and PostgreSQL either
    /// way, with every revision, the import log, relations and contacts.
    Copy {
        /// The store to copy (default: --store).
        #[arg(long, required_unless_present = "to")]
        from: Option<String>,
        /// The new store: a .gpkg file or postgres://USER@HOST:PORT/DB
        /// (default: --store; one of --from and --to is needed). A
        /// PostgreSQL store that `init` left empty counts as new.
        #[arg(long)]
        to: Option<String>,
    },
    /// Serve the inventory as OGC API – Features (QGIS, GDAL, ArcGIS and
    /// OWSLib read it): collections entities and districts, public profile
    /// only (no contacts, no internal records). Answers follow the store's
    /// imports as they land. Stops on Ctrl-C.
    Serve {
        /// Address and port to listen on (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// The URL clients reach the server at (behind a proxy), for the
        /// links in answers; default http:// and the bound address.
        #[arg(long)]
        base_url: Option<String>,
        /// Title of the landing page and the API definition.
        #[arg(long, default_value = "Smart City Halle (Saale) – stadtatlas")]
        title: String,
        /// Serve reads only: no registration form, no logins, no decisions.
        #[arg(long)]
        read_only: bool,
        /// Form posts (proposals, logins) one client address may make in
        /// ten minutes; raise it when many partners share one address (an
        /// office behind NAT, a workshop).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        posts_per_client: u32,
        /// The address of a reverse proxy in front of the server (repeat for
        /// several): for its requests the client is the address it names in
        /// X-Forwarded-For, so that partners behind it are limited apart.
        /// Without it the header is ignored (anyone could send one).
        #[arg(long, value_name = "IP")]
        trusted_proxy: Vec<std::net::IpAddr>,
    },
    /// The moderation queue of the registration form (`serve`): what
    /// partners proposed, and the decisions on it.
    Moderation {
        #[command(subcommand)]
        action: ModerationCommand,
    },
    /// Accounts of the people who log in to `serve` (coordinators decide on
    /// submissions, viewers look), and API tokens for scripts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Copy the store with SQLite's online backup (others may keep working).
    Backup {
        /// The copy: a new file (an existing one is refused).
        #[arg(long)]
        out: PathBuf,
    },
    /// Import files (CSV, XLSX/ODS, GeoJSON, Esri JSON, Shapefile, GeoPackage, KML/KMZ, ZIP)
    /// or data folders (with atlas.toml, else roles guessed from the names); all or nothing.
    Import {
        /// Files, data folders or manifests (atlas.toml).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// What the files hold: partners, initiatives, projects, bodies, relations, contacts, districts,
        /// addresses (a register that locates the entities of the same import).
        #[arg(long = "as", value_parser = parse_role)]
        role: Option<stadtatlas::import::FileRole>,
        /// The level of the file's districts; wins over a level column of the file.
        #[arg(long)]
        level: Option<String>,
        /// CRS of the input coordinates: EPSG:4326 (default), 25832, 25833, 3035, 3857, 31468.
        /// A GeoJSON `crs` member is honoured.
        #[arg(long)]
        crs: Option<String>,
        /// Text encoding of CSV files: utf-8 or windows-1252 (default: detected).
        #[arg(long)]
        encoding: Option<String>,
        /// Sheet of XLSX/ODS files, layer of a GeoPackage, or member of a ZIP (default: the first,
        /// or the one data file of a ZIP).
        #[arg(long, visible_alias = "layer")]
        sheet: Option<String>,
        /// Repair invalid polygons (self-intersections, unclosed rings) where a
        /// well-defined repair exists; otherwise such a file is refused.
        #[arg(long)]
        repair: bool,
        /// Report what would change, change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Read a model field from a column of the file: `--map name=STT_NAME`
        /// (repeatable; `--map address=STRASSE,PLZ` joins several). For every format.
        #[arg(long = "map", value_name = "FIELD=COLUMN", value_parser = parse_mapping)]
        map: Vec<(String, String)>,
        /// The column holding ids (same as `--map id=COLUMN`).
        #[arg(long, value_name = "COLUMN")]
        id_column: Option<String>,
        /// The column holding names (same as `--map name=COLUMN`).
        #[arg(long, value_name = "COLUMN")]
        name_column: Option<String>,
        /// The column naming each district's parent by id or name (same as `--map parent=COLUMN`).
        /// Without one, parents are derived from the geometry.
        #[arg(long, value_name = "COLUMN")]
        parent_column: Option<String>,
        /// The column holding inhabitants (same as `--map population=COLUMN`).
        #[arg(long, value_name = "COLUMN")]
        population_column: Option<String>,
        /// Place the file's district level below this level.
        #[arg(long, value_name = "LEVEL", conflicts_with = "above")]
        below: Option<String>,
        /// Place the file's district level above this level.
        #[arg(long, value_name = "LEVEL")]
        above: Option<String>,
        /// The district file replaces its level: stored districts of that level that
        /// it does not hold are removed (their revisions are kept).
        #[arg(long)]
        replace: bool,
    },
    /// Give entities with an address but no point the coordinate of their
    /// address in an official address register (Hauskoordinaten), offline.
    /// Every match carries its quality: address, address_fuzzy, street,
    /// postcode, none. Ambiguous matches are never applied.
    Locate(LocateArgs),
    /// List entities.
    List {
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// One entity with its relations, districts and revisions.
    Show {
        /// The entity's id.
        id: String,
    },
    /// Every kept revision of an entity.
    History {
        /// The entity's id.
        id: String,
    },
    /// Districts with area, population and entity counts.
    Districts {
        /// District level (default: the store's).
        #[arg(long)]
        level: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// The containing district at every level, for LON,LAT or an entity id.
    Where {
        /// LON,LAT (WGS84 degrees) or an entity id.
        target: String,
    },
    /// Entities inside the named districts (their union).
    In {
        /// District names or ids (case-/umlaut-insensitive, aliases too).
        #[arg(required = true)]
        districts: Vec<String>,
        /// Level, to pick a district whose name occurs at several levels.
        #[arg(long)]
        level: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Entities near a district, an entity, or a position; nearest first.
    Near {
        /// A district name or id, or an entity id.
        target: Option<String>,
        /// Measure from this position instead (WGS84).
        #[arg(long, value_parser = parse_lonlat, conflicts_with = "target")]
        at: Option<LonLat>,
        /// Metres.
        #[arg(long, conflicts_with = "nearest", required_unless_present = "nearest")]
        within: Option<f64>,
        /// The K nearest.
        #[arg(long)]
        nearest: Option<usize>,
        /// Level, to pick a district whose name occurs at several levels.
        #[arg(long)]
        level: Option<String>,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Counts per district × field (or category, kind, status).
    Matrix {
        /// District level (default: the store's).
        #[arg(long)]
        level: Option<String>,
        #[arg(long, value_enum, default_value_t = ByArg::Field)]
        by: ByArg,
        /// Per 10,000 inhabitants where the population is known.
        #[arg(long)]
        per_capita: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Data quality: duplicates, outside the city, no location, stale or
    /// missing verified_on, unknown vocabulary. Exit code 1 when it finds something.
    Check {
        /// verified_on older than this many days counts as stale.
        #[arg(long, default_value_t = 365)]
        stale_days: i64,
    },
    /// Governance bodies with their member counts.
    Bodies,
    /// Advisory boards and other bodies.
    Board {
        #[command(subcommand)]
        action: BoardAction,
    },
    /// Who works with whom: partners linked through shared projects, initiatives and bodies.
    Network {
        /// Focus on this entity (a partner, project, initiative or body).
        id: Option<String>,
        /// Links to follow from the focus.
        #[arg(long, default_value_t = 1)]
        depth: usize,
    },
    /// (district, field) pairs with no entity.
    Gaps {
        /// District level (default: the store's).
        #[arg(long)]
        level: Option<String>,
        /// Only `field` is supported.
        #[arg(long, value_enum, default_value_t = ByArg::Field)]
        by: ByArg,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Shell completions from this command line's definition, e.g.
    /// `stadtatlas completions bash > ~/.local/share/bash-completion/completions/stadtatlas`.
    Completions {
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// The manual page (roff) from this command line's definition, e.g.
    /// `stadtatlas man > stadtatlas.1 && man ./stadtatlas.1`; with `--out DIR`
    /// one page per subcommand too (stadtatlas-board-propose.1, …).
    Man {
        /// Write stadtatlas.1 and a page per subcommand into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Saved questions (queries/*.sql) and ad-hoc read-only SQL with spatial functions.
    Query {
        /// Folder of saved questions (default: ./queries, else the crate's queries/).
        #[arg(long, global = true)]
        queries: Option<PathBuf>,
        /// Stop a query after this many seconds.
        #[arg(long, global = true, default_value_t = 10)]
        timeout: u64,
        #[command(subcommand)]
        action: QueryCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModerationCommand {
    /// The submissions, oldest first (contact persons are not listed).
    List {
        /// pending (default), approved, rejected or all.
        #[arg(long, default_value = "pending", value_parser = parse_queue_status)]
        status: QueueStatus,
    },
    /// One submission with its contact person and the stored records it may
    /// duplicate or corrects.
    Show {
        /// The submission's number.
        id: i64,
    },
    /// Write the submission's record into the inventory (a new revision,
    /// logged with the submission and who approved it).
    Approve {
        /// The submission's number.
        id: i64,
        /// Who decides (default: the login name, $USER).
        #[arg(long)]
        by: Option<String>,
    },
    /// Refuse the submission: nothing is stored but the decision.
    Reject {
        /// The submission's number.
        id: i64,
        /// Why (kept with the decision).
        #[arg(long)]
        reason: String,
        /// Who decides (default: the login name, $USER).
        #[arg(long)]
        by: Option<String>,
    },
}

/// `--status` of `moderation list`: one status, or all (`None`).
#[derive(Debug, Clone, Copy)]
pub struct QueueStatus(pub Option<stadtatlas::moderation::Status>);

fn parse_queue_status(s: &str) -> Result<QueueStatus, String> {
    match s {
        "all" => Ok(QueueStatus(None)),
        other => other
            .parse()
            .map(|s| QueueStatus(Some(s)))
            .map_err(|e: String| format!("{e}, or all")),
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account, or give one a new role and password. The password is
    /// asked on the terminal, or read as one line from standard input.
    Add {
        /// The login name.
        name: String,
        /// coordinator (decides on submissions) or viewer (looks).
        #[arg(long, value_parser = parse_account_role)]
        role: stadtatlas::access::Role,
    },
    /// The accounts with their roles.
    List,
    /// Remove an account and its API tokens.
    Remove {
        /// The login name.
        name: String,
    },
    /// Make an API token for an account (printed once; only its hash is kept).
    Token {
        /// The login name.
        name: String,
        /// What the token is for.
        #[arg(long)]
        label: String,
    },
}

fn parse_account_role(s: &str) -> Result<stadtatlas::access::Role, String> {
    s.parse()
}

#[derive(Debug, Subcommand)]
pub enum QueryCommand {
    /// The saved questions with their titles and parameters.
    List,
    /// Run a saved question.
    Run {
        /// The saved question's name (`query list`).
        name: String,
        /// NAME=VALUE (repeatable); bound, never pasted into the SQL.
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
    },
    /// Run one ad-hoc SELECT statement.
    Sql {
        /// One SELECT statement.
        sql: String,
        /// NAME=VALUE (repeatable), bound as text to :NAME.
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
    },
}

/// `FIELD=COLUMN` of `--map`.
/// The flags of `locate`.
#[derive(Debug, Args)]
pub struct LocateArgs {
    /// An address register: GeoJSON, Shapefile, GeoPackage, CSV, … or a
    /// ZIP of one (repeatable; an earlier register wins a tie).
    #[arg(long = "register", value_name = "FILE", required = true)]
    pub registers: Vec<PathBuf>,
    /// The least quality applied: address, address_fuzzy, street, postcode.
    #[arg(long, value_name = "QUALITY", default_value = "address_fuzzy", value_parser = parse_quality)]
    pub min_quality: stadtatlas::model::MatchQuality,
    /// Show every match with its quality and candidates, change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// CRS of the register's coordinates (EPSG:25832, …); a GeoJSON `crs`
    /// member and a Shapefile `.prj` are honoured.
    #[arg(long)]
    pub crs: Option<String>,
    /// Text encoding of a CSV register: utf-8 or windows-1252 (default: detected).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Sheet, GeoPackage layer or ZIP member of the register.
    #[arg(long, visible_alias = "layer")]
    pub sheet: Option<String>,
    /// The street column (default: street, strname, strasse, addr:street, …).
    #[arg(long, value_name = "COLUMN")]
    pub street_column: Option<String>,
    /// The house number column (default: housenumber, hsnr, hausnummer, …).
    #[arg(long, value_name = "COLUMN")]
    pub number_column: Option<String>,
    /// The house-number suffix column (default: suffix, hsnrzus, zusatz, …).
    #[arg(long, value_name = "COLUMN")]
    pub suffix_column: Option<String>,
    /// The postcode column (default: postcode, plz, …).
    #[arg(long, value_name = "COLUMN")]
    pub postcode_column: Option<String>,
    /// The place column (default: place, ort, gemeinde, …).
    #[arg(long, value_name = "COLUMN")]
    pub place_column: Option<String>,
    /// Read a register field from a column: `--map lon=OSTWERT` (fields:
    /// street, housenumber, suffix, postcode, place, lon, lat).
    #[arg(long = "map", value_name = "FIELD=COLUMN", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,
}

fn parse_quality(s: &str) -> Result<stadtatlas::model::MatchQuality, String> {
    s.parse()
}

fn parse_mapping(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((field, column)) if !field.trim().is_empty() && !column.trim().is_empty() => {
            Ok((field.trim().to_lowercase(), column.trim().to_string()))
        }
        _ => Err(format!("\"{s}\" is not FIELD=COLUMN (e.g. name=STT_NAME)")),
    }
}

//! A page in headless Chromium (Debian's `/usr/bin/chromium`; .ci/run
//! installs it): its DOM after the scripts ran, and its console.

use std::path::Path;

/// What Chromium saw of a page.
pub struct Seen {
    /// The DOM after the page's scripts ran (`--dump-dom`).
    pub dom: String,
    /// The attributes of `<body>` in it.
    pub body: String,
    /// Console lines: the pages log nothing, so each is an error or a
    /// warning (a script or style the page's policy blocked, say).
    pub console: Vec<String>,
}

impl Seen {
    /// The whole number in `attribute="…"` of the DOM, if there.
    pub fn number(&self, attribute: &str) -> Option<usize> {
        self.dom
            .split(&format!("{attribute}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|n| n.parse().ok())
    }
}

/// Opens `url` (a `file://` or loopback address); `None` without Chromium.
pub fn open(url: &str, extra: &[String]) -> Option<Seen> {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("SKIPPED: chromium is not installed; .ci/run installs it");
        return None;
    }
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).to_string();
    let log = String::from_utf8_lossy(&out.stderr);
    let body = dom
        .split("<body")
        .nth(1)
        .and_then(|b| b.split('>').next())
        .unwrap_or_default()
        .to_string();
    let console = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Some(Seen { dom, body, console })
}

//! A running `stadtatlas serve` on loopback and a plain HTTP client, for
//! the tests of the server (tests/serve.rs, tests/moderation.rs).

use super::cli::store_arg;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

/// A running `stadtatlas serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    /// Its stderr, line by line (the access log and events).
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start(store: &Path) -> Self {
        Self::start_with(store, &[])
    }

    /// With more arguments of `serve` (`--read-only`).
    pub fn start_with(store: &Path, args: &[&str]) -> Self {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stadtatlas"))
            .env_remove("STADTATLAS_STORE")
            .env_remove("LANG")
            .arg("--store")
            .arg(store_arg(store))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("serve says where it listens").unwrap();
        let addr = first
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        Server {
            child,
            base: format!("http://{addr}"),
            log,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn get(url: &str) -> Answer {
    let mut r = agent().get(url).call().expect("the server answers");
    Answer {
        status: r.status().as_u16(),
        content_type: r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
        body: r
            .body_mut()
            .with_config()
            .limit(100 << 20)
            .read_to_string()
            .unwrap(),
    }
}

pub fn ok_json(url: &str, content_type: &str) -> Value {
    let a = get(url);
    assert_eq!(a.status, 200, "{url}: {}", a.body);
    assert_eq!(a.content_type, content_type, "{url}");
    a.json()
}

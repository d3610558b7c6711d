//! A bounded load test of an OGC API – Features server on this machine:
//! a fixed number of `items?bbox=…` requests from C concurrent clients
//! (threads, one connection each), boxes drawn with a seed inside the
//! collection's extent. Prints one JSON object: requests, errors, seconds,
//! requests per second, latency percentiles (ms), features returned.
//!
//! cargo run --release --example bench_load -- http://127.0.0.1:8080 entities \
//!     --requests 20000 --concurrency 64 --box-deg 0.01 --limit 100 [--extent W,S,E,N]
//!
//! Only loopback addresses are accepted: this is not a tool to load others'
//! servers.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde_json::Value;
use std::time::{Duration, Instant};

struct Options {
    base: String,
    collection: String,
    requests: usize,
    concurrency: usize,
    box_deg: f64,
    limit: usize,
    seed: u64,
    /// Boxes are drawn in this extent instead of the collection's (so that
    /// two servers get the same requests).
    extent: Option<Vec<f64>>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Options {
        base: String::new(),
        collection: "entities".into(),
        requests: 10_000,
        concurrency: 64,
        box_deg: 0.01,
        limit: 100,
        seed: 42,
        extent: None,
    };
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| args.get(i + 1).expect("a value after the flag").clone();
        match args[i].as_str() {
            "--requests" => o.requests = value(i).parse().expect("--requests N"),
            "--concurrency" => o.concurrency = value(i).parse().expect("--concurrency C"),
            "--box-deg" => o.box_deg = value(i).parse().expect("--box-deg DEGREES"),
            "--limit" => o.limit = value(i).parse().expect("--limit N"),
            "--seed" => o.seed = value(i).parse().expect("--seed N"),
            "--extent" => {
                let e: Vec<f64> = value(i)
                    .split(',')
                    .map(|x| x.parse().expect("--extent W,S,E,N"))
                    .collect();
                assert_eq!(e.len(), 4, "--extent W,S,E,N");
                o.extent = Some(e);
            }
            other => {
                positional.push(other.to_string());
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o.base = positional
        .first()
        .expect("usage: bench_load BASE_URL [COLLECTION] [--requests N] …")
        .trim_end_matches('/')
        .to_string();
    if let Some(c) = positional.get(1) {
        o.collection = c.clone();
    }
    let host = o.base.trim_start_matches("http://");
    assert!(
        host.starts_with("127.0.0.1:")
            || host.starts_with("localhost:")
            || host.starts_with("[::1]:"),
        "only servers on this machine (127.0.0.1) are load-tested"
    );
    o
}

fn main() {
    let o = options();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(o.concurrency)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    let extent = o
        .extent
        .clone()
        .unwrap_or_else(|| collection_extent(&agent, &o));
    let mut rng = Pcg64::seed_from_u64(o.seed);
    let urls: Vec<String> = (0..o.requests)
        .map(|_| {
            let w = rng.random_range(extent[0]..(extent[2] - o.box_deg).max(extent[0] + 1e-9));
            let s = rng.random_range(extent[1]..(extent[3] - o.box_deg).max(extent[1] + 1e-9));
            format!(
                "{}/collections/{}/items?f=json&limit={}&bbox={w:.6},{s:.6},{:.6},{:.6}",
                o.base,
                o.collection,
                o.limit,
                w + o.box_deg,
                s + o.box_deg
            )
        })
        .collect();
    let started = Instant::now();
    let results: Vec<(f64, bool, usize)> = std::thread::scope(|scope| {
        let chunks: Vec<&[String]> = urls.chunks(o.requests.div_ceil(o.concurrency)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let agent = agent.clone();
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|url| {
                            let t = Instant::now();
                            let r = agent.get(url).call();
                            let (ok, n) = match r {
                                Ok(mut r) if r.status() == 200 => {
                                    let body = r
                                        .body_mut()
                                        .with_config()
                                        .limit(256 << 20)
                                        .read_to_string()
                                        .unwrap_or_default();
                                    (true, body.matches("\"Feature\"").count())
                                }
                                _ => (false, 0),
                            };
                            (t.elapsed().as_secs_f64() * 1000.0, ok, n)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a client thread"))
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut ms: Vec<f64> = results.iter().map(|r| r.0).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1];
    let errors = results.iter().filter(|r| !r.1).count();
    let features: usize = results.iter().map(|r| r.2).sum();
    println!(
        "{}",
        serde_json::json!({
            "requests": o.requests, "concurrency": o.concurrency, "errors": errors,
            "seconds": seconds, "requests_per_s": o.requests as f64 / seconds,
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
            "features_per_request": features as f64 / o.requests as f64,
            "box_deg": o.box_deg, "limit": o.limit,
        })
    );
}

/// The collection's extent, as the server describes it.
fn collection_extent(agent: &ureq::Agent, o: &Options) -> Vec<f64> {
    let collection: Value = serde_json::from_str(
        &agent
            .get(&format!("{}/collections/{}?f=json", o.base, o.collection))
            .call()
            .expect("the collection")
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .expect("collection JSON");
    let e = &collection["extent"]["spatial"]["bbox"][0];
    (0..4).map(|k| e[k].as_f64().expect("an extent")).collect()
}

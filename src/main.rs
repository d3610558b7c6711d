//! The `stadtatlas` binary: parses flags, runs the command, maps errors to exit codes.
//!
//! Exit codes: 0 ok (also when stdout is closed early, e.g. by `head`);
//! 1 `in`/`near` found nothing; 2 usage or input error.

mod cli;

use clap::{CommandFactory, FromArgMatches, Parser};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc.h (`mi_option_e`, just before
/// `use_numa_nodes`; the binding does not name it for the mimalloc v3 it
/// builds); `tests::purge_delay_is_mimallocs` checks it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc give freed memory back after 10 ms, not a second later
/// (its default in the mimalloc v3 the binding builds). Memory freed by
/// another thread than the one that took it (records parsed on the pool,
/// dropped on the main thread) otherwise stays resident: `near` at the
/// Marktplatz on PostGIS peaked at 92–107 MB, now 66–71 MB; a 10^6 import
/// at 1.50–1.54 GB, now 1.41 GB, in the same time. At 0 ms both were a
/// little lower, but every free cost system time (`near` at an ordinary
/// place +6–8 ms). BENCHMARKS.md, "Eighteenth round".
fn purge_soon() {
    // SAFETY: `mi_option_set` stores an option's value (a plain store in
    // mimalloc's option table); the option exists in the mimalloc this
    // binding builds (checked by the test below).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) }
}

fn main() -> ExitCode {
    purge_soon();
    stadtatlas::import::run::without_huge_pages();
    // Where messages are German, so are `--help` and usage errors.
    let german = cli::asked_german(std::env::args_os());
    let parsed = if german {
        cli::help_de::germanize(cli::args::Cli::command())
            .try_get_matches()
            .and_then(|m| cli::args::Cli::from_arg_matches(&m))
    } else {
        cli::args::Cli::try_parse()
    };
    let args = match parsed {
        Ok(args) => args,
        Err(e) => {
            if german && let Some(text) = cli::german::usage_error(&e) {
                eprintln!("Fehler: {text}");
                return ExitCode::from(2);
            }
            e.exit()
        }
    };
    let german = cli::message_lang(args.lang) == stadtatlas::model::Lang::De;
    match cli::run(args) {
        Ok(cli::Outcome::Ok) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Nothing) => ExitCode::from(1),
        Err(err) => {
            let broken_pipe = err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            if german {
                eprintln!("Fehler: {}", cli::german::chain(&err));
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// Option 15 is the purge delay: it comes just before the one the
    /// binding names `use_numa_nodes`, and has the purge delay's default
    /// in mimalloc v3's options.c, 1000 ms.
    #[test]
    fn purge_delay_is_mimallocs() {
        use libmimalloc_sys as mi;
        assert_eq!(
            mi::mi_option_use_numa_nodes - 1,
            super::MI_OPTION_PURGE_DELAY
        );
        // SAFETY: reads an option's value.
        let delay = unsafe { mi::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000, "mimalloc's default purge delay");
    }
}

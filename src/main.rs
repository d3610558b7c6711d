//! The `stadtatlas` binary: parses flags, runs the command, maps errors to exit codes.
//!
//! Exit codes: 0 ok (also when stdout is closed early, e.g. by `head`);
//! 1 `in`/`near` found nothing; 2 usage or input error.

mod cli;

use clap::{CommandFactory, FromArgMatches, Parser};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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

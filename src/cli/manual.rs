//! `completions SHELL` and `man`: generated from the clap definition, so they
//! cannot drift from the flags.

use super::args::{Cli, ShellArg};
use super::german::Saying;
use super::output::Out;
use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;
use stadtatlas::model::Lang;
use stadtatlas::text;
use std::io::Write;
use std::path::Path;

/// Writes the completion script for a shell to stdout.
pub fn completions(shell: ShellArg) -> Result<()> {
    let shell = match shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
        ShellArg::Elvish => Shell::Elvish,
    };
    let mut stdout = std::io::stdout().lock();
    clap_complete::generate(shell, &mut Cli::command(), "stadtatlas", &mut stdout);
    stdout.flush()?;
    Ok(())
}

/// Writes the manual page to stdout, or with `dir` the page of every
/// (sub)command into that folder (`stadtatlas-board-propose.1`, …).
/// In German where messages are (`--lang de`, `LANG=de…`): the same help
/// texts as German `--help` (clap_mangen's section titles stay English).
pub fn man(dir: Option<&Path>, out: &Out) -> Result<()> {
    let command = match out.lang {
        Lang::De => super::help_de::germanize(Cli::command()),
        Lang::En => Cli::command(),
    };
    match dir {
        None => {
            let mut stdout = std::io::stdout().lock();
            clap_mangen::Man::new(command).render(&mut stdout)?;
            stdout.flush()?;
        }
        Some(dir) => {
            let shown = dir.display();
            std::fs::create_dir_all(dir)
                .said(|| text!("creating {shown}", "beim Anlegen von {shown}"))?;
            clap_mangen::generate_to(command, dir).said(|| {
                text!(
                    "writing manual pages into {shown}",
                    "beim Schreiben der Handbuchseiten nach {shown}"
                )
            })?;
            out.say(
                format_args!("Handbuchseiten nach {} geschrieben", dir.display()),
                format_args!("wrote the manual pages into {}", dir.display()),
            );
        }
    }
    Ok(())
}

//! `drm-sim`: a simulated device on the host, run against the simulated servers over HTTP, and
//! tools for firmware engineers to look inside licenses, certificate chains, flash images and
//! Secure Delete challenges.
//!
//! Every error is one line on standard error and a nonzero exit status (2 for a bad command
//! line, 1 for anything else); nothing here panics on input. All keys are test material.

mod bcert_inspect;
mod cli;
mod demo;
mod device;
mod hds_format;
mod hds_inspect;
mod kx;
mod record;
mod report;
mod securedelete_cmd;
mod serve;
mod state;
mod xmr_inspect;

use std::io::Write as _;
use std::process::ExitCode;

use cli::Args;
use report::{CliError, Report};
use serde_json::json;

const HELP: &str = "\
drm-sim: a simulated PlayReady Key Exchange / Secure Delete device and tools (test material only)

USAGE:
  drm-sim demo [--state DIR] [--server URL]     run the device against the simulated servers
                                                over HTTP: servers it starts on loopback, or
                                                those at URL (`drm-sim serve`, same --state)
  drm-sim serve [--state DIR] [--port N] [--seconds N]
                                                run the simulated license and Secure Delete
                                                servers on 127.0.0.1 (port N, default: one the
                                                OS chooses; printed), records in the state
                                                directory; until Ctrl-C or for N seconds
  drm-sim provision [--state DIR]               provision the state directory, list its files
  drm-sim xmr inspect FILE [--device-key FILE]  show an XMR license; with the device's
                                                encryption key (file or device directory):
                                                binding, signature and key unwrap
  drm-sim bcert inspect FILE [--root FILE]      show a BCert chain; verify it to a root key
  drm-sim hds inspect IMAGE [--device DIR]      show a flash image's store (read only):
                                                integrity, namespaces, space, sessions
  drm-sim hds format [--state DIR] [--force]    format the device's store: a blank image as
                                                is; a store that mounts, or one that does
                                                not (a cut format, damage), only with --force
                                                (its licenses and sessions are lost)
  drm-sim securedelete challenge [--state DIR] [--session GUID] [--out FILE]
                                                (re)generate the challenge of a pending
                                                Secure Delete session of the device
  drm-sim securedelete verify FILE --server-key FILE [--root FILE] [--state DIR]
                                                check a challenge as the server does

OPTIONS:
  --state DIR   the state directory (default: drm-sim-state in the build output directory)
  --json        machine-readable output on standard output
  -h, --help    this help

Key files are raw bytes: public keys X||Y (64 bytes), private keys (32 bytes). `drm-sim
provision` lists the ones the simulation exports. Exit status: 0 ok, 1 failure, 2 bad usage.
";

fn run(args: &Args) -> Result<Report, CliError> {
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] if args.help => Ok(help()),
        [] => Err(CliError::usage("no command given (try --help)")),
        _ if args.help => Ok(help()),
        ["help", ..] => Ok(help()),
        ["demo", ..] => {
            args.allow_only("demo", &["state", "server"])?;
            args.positionals("demo", 1, [])?;
            demo::run(
                state::StatePaths::new(args.path("state"))?,
                args.json,
                args.option("server"),
            )
        }
        ["serve", ..] => {
            args.allow_only("serve", &["state", "port", "seconds"])?;
            args.positionals("serve", 1, [])?;
            serve::run(
                state::StatePaths::new(args.path("state"))?,
                serve::port(args.option("port"))?,
                serve::seconds(args.option("seconds"))?,
                args.json,
            )
        }
        ["provision", ..] => {
            args.allow_only("provision", &["state"])?;
            args.positionals("provision", 1, [])?;
            provision(state::StatePaths::new(args.path("state"))?)
        }
        ["xmr", "inspect", ..] => {
            args.allow_only("xmr inspect", &["device-key"])?;
            let [file] = args.positionals("xmr inspect", 2, ["FILE"])?;
            xmr_inspect::run(file.as_ref(), args.path("device-key").as_deref())
        }
        ["bcert", "inspect", ..] => {
            args.allow_only("bcert inspect", &["root"])?;
            let [file] = args.positionals("bcert inspect", 2, ["FILE"])?;
            bcert_inspect::run(file.as_ref(), args.path("root").as_deref())
        }
        ["hds", "inspect", ..] => {
            args.allow_only("hds inspect", &["device"])?;
            let [file] = args.positionals("hds inspect", 2, ["IMAGE"])?;
            hds_inspect::run(file.as_ref(), args.path("device").as_deref())
        }
        ["hds", "format", ..] => {
            args.allow_only("hds format", &["state", "force"])?;
            args.positionals("hds format", 2, [])?;
            hds_format::run(state::StatePaths::new(args.path("state"))?, args.force)
        }
        ["securedelete", "challenge", ..] => {
            args.allow_only("securedelete challenge", &["state", "session", "out"])?;
            args.positionals("securedelete challenge", 2, [])?;
            securedelete_cmd::challenge(
                state::StatePaths::new(args.path("state"))?,
                args.option("session"),
                args.path("out").as_deref(),
            )
        }
        ["securedelete", "verify", ..] => {
            args.allow_only("securedelete verify", &["server-key", "root", "state"])?;
            let [file] = args.positionals("securedelete verify", 2, ["FILE"])?;
            let key = args.path("server-key").ok_or_else(|| {
                CliError::usage("usage: drm-sim securedelete verify FILE --server-key FILE")
            })?;
            let root = match args.path("root") {
                Some(r) => r,
                None => state::StatePaths::new(args.path("state"))?.root_pub(),
            };
            securedelete_cmd::verify(file.as_ref(), &key, &root)
        }
        ["securedelete", ..] => Err(CliError::usage(
            "usage: drm-sim securedelete challenge|verify ... (try --help)",
        )),
        [cmd @ ("xmr" | "bcert" | "hds"), ..] => Err(CliError::usage(format!(
            "usage: drm-sim {cmd} inspect FILE, or drm-sim hds format (try --help)"
        ))),
        [other, ..] => Err(CliError::usage(format!(
            "unknown command `{other}` (try --help)"
        ))),
    }
}

fn help() -> Report {
    Report {
        text: HELP.to_owned(),
        json: json!({ "help": HELP }),
        failure: None,
    }
}

fn provision(paths: state::StatePaths) -> Result<Report, CliError> {
    let state = state::open_or_provision(paths)?;
    let mut text = format!(
        "state directory {} ({})\n",
        state.paths.root.display(),
        if state.fresh {
            "provisioned now"
        } else {
            "already provisioned"
        }
    );
    let mut files = Vec::new();
    for (path, what) in state.paths.exported() {
        let present = path.exists();
        text.push_str(&format!(
            "  {:<60} {what}{}\n",
            path.display(),
            if present { "" } else { " (not created yet)" }
        ));
        files.push(json!({ "path": path.display().to_string(), "what": what, "present": present }));
    }
    Ok(Report {
        text,
        json: json!({
            "state": state.paths.root.display().to_string(),
            "provisioned_now": state.fresh,
            "files": files,
        }),
        failure: None,
    })
}

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => return fail(&e),
    };
    match run(&args) {
        Ok(report) => {
            let out = if args.json {
                let mut s = serde_json::to_string_pretty(&report.json).unwrap_or_default();
                s.push('\n');
                s
            } else {
                report.text
            };
            // A closed pipe (`drm-sim ... | head`) is not an error worth a message.
            let _ = std::io::stdout().write_all(out.as_bytes());
            match report.failure {
                Some(message) => fail(&CliError::fail(message)),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => fail(&e),
    }
}

fn fail(e: &CliError) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "drm-sim: error: {}", e.one_line());
    ExitCode::from(e.status)
}

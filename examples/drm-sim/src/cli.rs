//! A small hand-written command line parser (no dependency, fast to build).
//!
//! Grammar: `drm-sim [OPTIONS] COMMAND [SUBCOMMAND] [ARGS] [OPTIONS]`; options may come anywhere,
//! as `--name VALUE` or `--name=VALUE`; `--json`, `--help` and `--force` take no value.

use std::path::PathBuf;

use crate::report::CliError;

/// Options that take a value (each command says which of them it accepts).
const VALUE_OPTIONS: &[&str] = &[
    "state",
    "device-key",
    "device",
    "root",
    "server-key",
    "session",
    "out",
    "server",
    "port",
    "seconds",
];

/// The parsed command line.
#[derive(Debug, Default)]
pub struct Args {
    /// Positional words: the command path and its arguments.
    pub words: Vec<String>,
    /// `--json`.
    pub json: bool,
    /// `--help` / `-h`.
    pub help: bool,
    /// `--force` (only `hds format` takes it).
    pub force: bool,
    /// Options with a value, in order.
    options: Vec<(String, String)>,
}

impl Args {
    /// Parses the arguments after the program name.
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Self, CliError> {
        let mut out = Self::default();
        let mut it = args.into_iter();
        let mut only_words = false;
        while let Some(arg) = it.next() {
            if only_words {
                out.words.push(arg);
                continue;
            }
            match arg.as_str() {
                "--" => only_words = true,
                "--json" => out.json = true,
                "-h" | "--help" => out.help = true,
                "--force" => out.force = true,
                _ if arg.starts_with("--") => {
                    let body = arg.get(2..).unwrap_or_default();
                    let (name, value) = match body.split_once('=') {
                        Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                        None => (body.to_owned(), None),
                    };
                    if !VALUE_OPTIONS.contains(&name.as_str()) {
                        return Err(CliError::usage(format!("unknown option --{name}")));
                    }
                    let value = match value {
                        Some(v) => v,
                        None => it.next().ok_or_else(|| {
                            CliError::usage(format!("option --{name} needs a value"))
                        })?,
                    };
                    if value.is_empty() {
                        return Err(CliError::usage(format!(
                            "option --{name} has an empty value"
                        )));
                    }
                    if out.options.iter().any(|(n, _)| *n == name) {
                        return Err(CliError::usage(format!("option --{name} given twice")));
                    }
                    out.options.push((name, value));
                }
                _ if arg.starts_with('-') && arg.len() > 1 => {
                    return Err(CliError::usage(format!("unknown option {arg}")));
                }
                _ => out.words.push(arg),
            }
        }
        Ok(out)
    }

    /// The value of `--name`, if given.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `--name` as a path, if given.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.option(name).map(PathBuf::from)
    }

    /// Refuses options that `command` does not take.
    pub fn allow_only(&self, command: &str, allowed: &[&str]) -> Result<(), CliError> {
        if self.force && !allowed.contains(&"force") {
            return Err(CliError::usage(format!(
                "`{command}` does not take --force"
            )));
        }
        match self
            .options
            .iter()
            .find(|(n, _)| !allowed.contains(&n.as_str()))
        {
            Some((name, _)) => Err(CliError::usage(format!(
                "`{command}` does not take --{name}"
            ))),
            None => Ok(()),
        }
    }

    /// The positional arguments after a command path of `depth` words: exactly `N` of them.
    pub fn positionals<const N: usize>(
        &self,
        command: &str,
        depth: usize,
        names: [&str; N],
    ) -> Result<[&str; N], CliError> {
        let rest = self.words.get(depth..).unwrap_or_default();
        if rest.len() != N {
            let wanted = names.join(" ");
            let usage = if wanted.is_empty() {
                format!("`{command}` takes no arguments")
            } else {
                format!("usage: drm-sim {command} {wanted}")
            };
            return Err(CliError::usage(usage));
        }
        let mut out = [""; N];
        for (o, w) in out.iter_mut().zip(rest) {
            *o = w.as_str();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, CliError> {
        Args::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn options_anywhere_in_both_forms() {
        let a = parse(&["--json", "xmr", "inspect", "f.xmr", "--device-key=k"]).unwrap();
        assert!(a.json);
        assert_eq!(a.words, ["xmr", "inspect", "f.xmr"]);
        assert_eq!(a.option("device-key"), Some("k"));
        let a = parse(&["demo", "--state", "dir"]).unwrap();
        assert_eq!(a.path("state"), Some(PathBuf::from("dir")));
        assert_eq!(a.positionals("demo", 1, []).unwrap(), [""; 0]);
    }

    #[test]
    fn refuses_unknown_missing_empty_and_repeated_options() {
        assert!(parse(&["demo", "--bogus"]).is_err());
        assert!(parse(&["demo", "-x"]).is_err());
        assert!(parse(&["demo", "--state"]).is_err());
        assert!(parse(&["demo", "--state="]).is_err());
        assert!(parse(&["demo", "--state", "a", "--state", "b"]).is_err());
        let a = parse(&["demo", "--root", "r"]).unwrap();
        assert!(a.allow_only("demo", &["state"]).is_err());
        assert!(a.allow_only("demo", &["root"]).is_ok());
    }

    #[test]
    fn positional_count_is_exact() {
        let a = parse(&["xmr", "inspect"]).unwrap();
        assert!(a.positionals("xmr inspect", 2, ["FILE"]).is_err());
        let a = parse(&["xmr", "inspect", "a", "b"]).unwrap();
        assert!(a.positionals("xmr inspect", 2, ["FILE"]).is_err());
        let a = parse(&["xmr", "inspect", "--", "-weird"]).unwrap();
        assert_eq!(
            a.positionals("xmr inspect", 2, ["FILE"]).unwrap(),
            ["-weird"]
        );
    }
}

//! The user's configuration: `ready.toml`, else `[workspace.metadata.ready]` /
//! `[package.metadata.ready]` in the root Cargo.toml; never two of them silently.

use std::path::Path;

use super::{Origin, State, dig};
use crate::config::policy::PolicyFile;
use crate::config::read;
use crate::diag::{ConfigError, Source, from_value, key_path};

impl State {
    /// Finds `ready.toml`, else `[workspace.metadata.ready]` / `[package.metadata.ready]` in the
    /// root Cargo.toml. A `ready.toml` that cannot be read (a directory, FIFO, device, dangling
    /// link, a link out of the workspace, too large) is an error, and so is a second
    /// configuration that would be ignored.
    pub(super) fn find_user_config(&mut self, root: &Path) -> Option<(Origin, PolicyFile)> {
        let ready = read::read_ready_toml(root);
        let mut taken = match &ready {
            Ok(None) => None,
            _ => Some("ready.toml".to_string()),
        };
        let mut found: Option<(Origin, PolicyFile)> = match ready {
            Ok(Some(text)) => {
                let source = self.add_source(Source::new("ready.toml", text));
                self.parse_policy(Origin {
                    source,
                    path: Vec::new(),
                })
            }
            Ok(None) => None,
            Err(why) => {
                self.file_error("ready.toml", format!("cannot read ready.toml: {why}"));
                None
            }
        };
        for (origin, value) in self.manifest_configs(root) {
            let table = format!("`[{}]`", crate::diag::display_path(&origin.path));
            if let Some(first) = &taken {
                let msg = format!(
                    "{table} is ignored: {first} already configures cargo-ready; keep only one"
                );
                self.err(&origin, true, msg);
                continue;
            }
            let (parsed, errors) =
                from_value::<PolicyFile>(&self.sources[origin.source], &origin.path, value);
            self.errors.extend(errors);
            found = parsed.map(|pf| (origin, pf));
            taken = Some(table);
        }
        found
    }

    /// The `[workspace.metadata.ready]` and `[package.metadata.ready]` tables of the root
    /// Cargo.toml, in that order.
    fn manifest_configs(&mut self, root: &Path) -> Vec<(Origin, toml::Value)> {
        let Ok(text) = read::read_file(&root.join("Cargo.toml")) else {
            return Vec::new();
        };
        let Ok(table) = text.parse::<toml::Table>() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut source = None;
        for key in [
            ["workspace", "metadata", "ready"],
            ["package", "metadata", "ready"],
        ] {
            if let Some(v) = dig(&table, &key) {
                let source = *source.get_or_insert_with(|| {
                    self.add_source(Source::new("Cargo.toml", text.clone()))
                });
                let origin = Origin {
                    source,
                    path: key_path(&key),
                };
                out.push((origin, v.clone()));
            }
        }
        out
    }

    fn file_error(&mut self, file: &str, message: String) {
        self.errors.push(ConfigError {
            file: file.into(),
            line: 1,
            column: 1,
            message,
        });
    }
}

//! Vendored and generated files, judged by path: `.gitattributes` `linguist-vendored` /
//! `linguist-generated` (the attributes GitHub's linguist uses, with git's pattern rules and
//! "last matching line wins"), minified files, and well-known vendor directories.

use globset::{GlobBuilder, GlobMatcher};

/// Largest `.gitattributes` read, in bytes.
const MAX_ATTRIBUTES_FILE: u64 = 1 << 20;

/// Directory names whose contents are third-party code copied into the repository.
const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "third_party",
    "third-party",
    "thirdparty",
    "node_modules",
    "bower_components",
];

/// Asset directories under which `external/` or `lib/` holds copied libraries.
const ASSET_DIRS: &[&str] = &["static", "assets", "public", "www", "web"];

/// The linguist rules of every `.gitattributes` of the file set, in order.
#[derive(Debug, Default)]
pub struct Attributes {
    rules: Vec<Rule>,
}

#[derive(Debug)]
struct Rule {
    glob: GlobMatcher,
    /// Set (true) or unset (false) by this line.
    vendored: bool,
    /// The `.gitattributes` file and its line, for the reason.
    origin: String,
}

impl Attributes {
    /// Reads each `.gitattributes` (workspace-relative paths, shallowest first) under `root`.
    pub fn load(root: &std::path::Path, files: &[&str]) -> Attributes {
        let mut paths: Vec<&str> = files
            .iter()
            .copied()
            .filter(|p| *p == ".gitattributes" || p.ends_with("/.gitattributes"))
            .collect();
        paths.sort_by_key(|p| (p.matches('/').count(), *p));
        let mut rules = Vec::new();
        for path in paths {
            let abs = root.join(path);
            let regular = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_file());
            let read = || crate::guard::read_regular_text(&abs, MAX_ATTRIBUTES_FILE).ok();
            let Some(text) = regular.then(read).flatten() else {
                continue;
            };
            let dir = path
                .trim_end_matches(".gitattributes")
                .trim_end_matches('/');
            rules.extend(parse(dir, path, &text));
        }
        Attributes { rules }
    }

    /// Why `path` is vendored or generated, if it is.
    pub fn vendored(&self, path: &str) -> Option<String> {
        let by_attr = self
            .rules
            .iter()
            .rev()
            .find(|r| r.glob.is_match(path))
            .filter(|r| r.vendored)
            .map(|r| format!("marked vendored or generated in {}", r.origin));
        by_attr.or_else(|| by_path(path))
    }
}

/// The linguist rules of one `.gitattributes` in directory `dir` ("" for the root).
fn parse(dir: &str, file: &str, text: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next().filter(|p| !p.starts_with('#')) else {
            continue;
        };
        let Some(vendored) = words.filter_map(linguist_value).next_back() else {
            continue;
        };
        if let Some(glob) = glob_for(dir, pattern) {
            rules.push(Rule {
                glob,
                vendored,
                origin: format!("{file}:{}", n + 1),
            });
        }
    }
    rules
}

/// `linguist-vendored` / `linguist-generated` set (true) or unset (false); None for others.
fn linguist_value(attr: &str) -> Option<bool> {
    let (negated, name) = match attr.strip_prefix(['-', '!']) {
        Some(rest) => (true, rest),
        None => (false, attr),
    };
    let (name, value) = name.split_once('=').unwrap_or((name, "true"));
    if !matches!(name, "linguist-vendored" | "linguist-generated") {
        return None;
    }
    Some(!negated && !matches!(value, "false" | "0"))
}

/// git's pattern rules: a pattern without `/` matches a name at any depth below `dir`; one
/// with `/` is relative to `dir`.
fn glob_for(dir: &str, pattern: &str) -> Option<GlobMatcher> {
    let pattern = pattern.trim_end_matches('/');
    let rel = if pattern.contains('/') {
        pattern.trim_start_matches('/').to_string()
    } else {
        format!("**/{pattern}")
    };
    let full = if dir.is_empty() {
        rel
    } else {
        format!("{dir}/{rel}")
    };
    GlobBuilder::new(&full)
        .literal_separator(true)
        .build()
        .ok()
        .map(|g| g.compile_matcher())
}

/// Minified files, vendored library names and vendor directories.
fn by_path(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.contains(".min.") {
        return Some("a minified file".into());
    }
    if name.starts_with("jquery") && name.ends_with(".js") {
        return Some("a copy of jQuery".into());
    }
    if is_hashed_bundle(name) {
        return Some("a built bundle (content hash in its name)".into());
    }
    let segs: Vec<&str> = path.split('/').collect();
    let dirs = segs.get(..segs.len().saturating_sub(1)).unwrap_or(&[]);
    if let Some(d) = dirs.iter().find(|d| VENDOR_DIRS.contains(d)) {
        return Some(format!("under a `{d}/` directory"));
    }
    dirs.windows(2)
        .find(|w| ASSET_DIRS.contains(&w[0]) && matches!(w[1], "external" | "vendor" | "lib"))
        .map(|w| format!("under `{}/{}/`", w[0], w[1]))
}

/// How much of a JS or CSS file the minified test reads.
const MINIFIED_SAMPLE: u64 = 64 * 1024;

/// A JS or CSS file minified without `.min.` in its name (`swagger-ui-bundle.js`): its lines
/// average over 110 characters, linguist's rule, judged on the first 64 KiB. Links are not
/// followed (the file may point outside the workspace).
pub fn minified_by_content(abs: &std::path::Path, path: &str) -> Option<String> {
    use std::io::Read;
    let ext = path.rsplit_once('.').map(|(_, e)| e)?;
    if !matches!(ext, "js" | "mjs" | "cjs" | "css") {
        return None;
    }
    if !std::fs::symlink_metadata(abs).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut sample = Vec::new();
    std::fs::File::open(abs)
        .ok()?
        .take(MINIFIED_SAMPLE)
        .read_to_end(&mut sample)
        .ok()?;
    let lines = sample.split(|&b| b == b'\n').count().max(1);
    (sample.len() / lines > 110)
        .then(|| "a minified file (lines average over 110 characters)".into())
}

/// `index-4f3a9c2e.js`, `app.BfX3aQ2c.css`: a bundler's output, named by a content hash.
fn is_hashed_bundle(name: &str) -> bool {
    let Some(stem) = [".js", ".mjs", ".css"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
    else {
        return false;
    };
    let Some(hash) = stem
        .rsplit(['-', '.'])
        .next()
        .filter(|h| h.len() < stem.len())
    else {
        return false;
    };
    let hex = hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit());
    let mixed = hash.len() == 8
        && hash.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && hash.chars().any(|c| c.is_ascii_digit())
        && hash.chars().any(|c| c.is_ascii_uppercase());
    hex || mixed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitattributes_last_match_wins_and_patterns_follow_git() {
        let mut rules = parse(
            "",
            ".gitattributes",
            "*.js linguist-vendored\nsrc/gen/** linguist-generated=true\napp/*.js -linguist-vendored\n",
        );
        rules.extend(parse(
            "web",
            "web/.gitattributes",
            "api.ts linguist-generated\n",
        ));
        let attrs = Attributes { rules };
        assert!(attrs.vendored("lib/x.js").is_some());
        assert!(attrs.vendored("app/main.js").is_none());
        assert!(attrs.vendored("src/gen/deep/a.rs").is_some());
        assert!(attrs.vendored("web/client/api.ts").is_some());
        assert!(attrs.vendored("api.ts").is_none());
        assert!(attrs.vendored("src/main.rs").is_none());
    }

    #[test]
    fn minified_by_its_line_length() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let abs = dir.path().join(name);
            std::fs::write(&abs, text).unwrap();
            minified_by_content(&abs, name)
        };
        let long = format!("!function(e){{{}}}();\n", "var a=1;".repeat(40));
        assert!(write("swagger-ui-bundle.js", &long).is_some());
        assert!(write("theme.css", &long).is_some());
        let source = "function f() {\n  try { g(); } catch (e) {}\n}\n".repeat(40);
        assert!(write("main.js", &source).is_none());
        assert!(write("lib.rs", &long).is_none());
        assert!(minified_by_content(&dir.path().join("absent.js"), "absent.js").is_none());
    }

    #[test]
    fn vendor_paths_and_minified_files() {
        let attrs = Attributes::default();
        for p in [
            "static/js/app.min.js",
            "static/jquery-3.6.0.js",
            "third_party/x/y.py",
            "crates/web/static/external/chart.js",
            "vendor/a.rs",
        ] {
            assert!(attrs.vendored(p).is_some(), "{p}");
        }
        for p in [
            "src/vendors.rs",
            "static/app.js",
            "src/external/mod.rs",
            "src/lib.rs",
        ] {
            assert!(attrs.vendored(p).is_none(), "{p}");
        }
    }
}

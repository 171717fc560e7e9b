#!/usr/bin/env bash
# Speed benchmark: cargo-ready's whole default catalogue against ripgrep's one regex and
# ast-grep's one rule, over the same files, in the same run (interleaved, medians of N).
#
#   scripts/bench.sh [--runs N] [--sizes small,medium,large] [--dir LABEL=PATH ...]
#                    [--baseline PATH-TO-AN-EARLIER-cargo-ready] [--bin PATH]
#
# The corpus is built once from registry crates (scripts/bench/crates.txt, resolved in
# scripts/bench/Cargo.lock): `cargo fetch` into the cargo cache, then the listed crates are
# copied into three workspaces under $BENCH_CACHE (default ~/.cache/cargo-ready-bench), the
# first 30 crates, the first 70, and all. `--dir LABEL=PATH` adds any other workspace (a
# checkout of a real project, say). Installs what it needs if missing: ripgrep (apt or cargo),
# ast-grep (`ast-grep-cli` from PyPI into a venv under $BENCH_CACHE). Builds cargo-ready in
# release mode. Prints files, lines, MB, wall, CPU, core utilisation, MB/s, peak RSS and the
# ratios (cargo-ready's wall over each reference's; below 1 means cargo-ready is faster).
# `--baseline` adds an earlier build of cargo-ready as one more reference (before/after);
# `--bin` measures that binary instead of building this checkout.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cargo-ready-bench}
runs=5
sizes=small,medium,large
extra=()
baseline=
ready=
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --dir) extra+=("$2"); shift 2 ;;
        --baseline) baseline=$2; shift 2 ;;
        --bin) ready=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$cache"

need_rg() {
    command -v rg >/dev/null && return
    echo "installing ripgrep" >&2
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get install -y -q ripgrep >&2
    else
        cargo install --locked --root "$cache/tools" ripgrep >&2
        export PATH="$cache/tools/bin:$PATH"
    fi
}

need_ast_grep() {
    local venv=$cache/venv
    if [ ! -x "$venv/bin/ast-grep" ]; then
        echo "installing ast-grep-cli into $venv" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q ast-grep-cli >&2
    fi
    ast_grep=$venv/bin/ast-grep
    rule=$cache/unwrap-rule.yml
    cat > "$rule" <<'EOF'
id: unwrap-or-expect
language: rust
severity: warning
message: unwrap or expect
rule:
  any:
    - pattern: $X.unwrap()
    - pattern: $X.expect($$$)
EOF
}

# The three corpus workspaces, built once from the locked manifest.
build_corpus() {
    local man=$cache/manifest stamp=$cache/corpus.stamp
    local want
    want=$(cat "$repo/scripts/bench/crates.txt" "$repo/scripts/bench/Cargo.lock" | cksum)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    echo "building the corpus in $cache" >&2
    mkdir -p "$man/src"
    : > "$man/src/lib.rs"
    {
        printf '[package]\nname = "bench-corpus"\nversion = "0.0.0"\nedition = "2021"\n'
        printf 'publish = false\n\n[workspace]\n\n[dependencies]\n'
        grep -v '^#' "$repo/scripts/bench/crates.txt" | awk 'NF == 2 { printf "%s = \"%s\"\n", $1, $2 }'
    } > "$man/Cargo.toml"
    cp "$repo/scripts/bench/Cargo.lock" "$man/Cargo.lock"
    cargo fetch --locked --manifest-path "$man/Cargo.toml" >&2
    cargo metadata --locked --format-version 1 --manifest-path "$man/Cargo.toml" > "$cache/metadata.json"
    python3 - "$repo/scripts/bench/crates.txt" "$cache/metadata.json" "$cache" <<'EOF'
import json, os, shutil, sys
names = [l.split()[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
meta = json.load(open(sys.argv[2]))
root = next(p for p in meta["packages"] if p["name"] == "bench-corpus")
wanted = {d["name"]: d["req"] for d in root["dependencies"]}
by_name = {}
for dep in meta["resolve"]["nodes"]:
    if dep["id"] == meta["resolve"]["root"]:
        direct = {d["name"]: d["pkg"] for d in dep["deps"]}
pkgs = {p["id"]: p for p in meta["packages"]}
sizes = {"small": 30, "medium": 70, "large": len(names)}
for label, count in sizes.items():
    out = os.path.join(sys.argv[3], "corpus-" + label)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "crates"))
    members = []
    for name in names[:count]:
        key = name.replace("-", "_")
        pkg = pkgs[direct[key]] if key in direct else pkgs[direct[name]]
        src = os.path.dirname(pkg["manifest_path"])
        dst = os.path.join(out, "crates", name)
        shutil.copytree(src, dst, symlinks=True)
        # A nested package (a test fixture, an example workspace) is no member: drop it so
        # every tool sees the same files.
        for base, dirs, files in os.walk(dst):
            if base != dst and "Cargo.toml" in files:
                shutil.rmtree(base)
                dirs[:] = []
        members.append("crates/" + name)
    with open(os.path.join(out, "Cargo.toml"), "w") as f:
        f.write('[workspace]\nresolver = "2"\nmembers = [\n')
        f.writelines(f'    "{m}",\n' for m in members)
        f.write("]\n")
EOF
    echo "$want" > "$stamp"
}

need_rg
need_ast_grep
build_corpus
if [ -z "$ready" ]; then
    (cd "$repo" && cargo build --release --locked -q)
    ready=$repo/target/release/cargo-ready
fi

labels=()
dirs=()
IFS=, read -r -a chosen <<< "$sizes"
for s in "${chosen[@]}"; do
    labels+=("$s")
    dirs+=("$cache/corpus-$s")
done
for e in "${extra[@]+"${extra[@]}"}"; do
    labels+=("${e%%=*}")
    dirs+=("${e#*=}")
done
args=()
for i in "${!labels[@]}"; do
    args+=(--label "${labels[$i]}" --dir "${dirs[$i]}")
done

echo "cargo-ready $("$ready" --version), $(rg --version | head -1), ast-grep $("$ast_grep" --version | awk '{print $2}')"
uptime
tools=(
    "cargo-ready=$ready ready --manifest-path {dir}/Cargo.toml --format json -q"
    "ast-grep=$ast_grep scan --rule $rule --json=compact {dir}"
    "rg=rg -c '\\.(unwrap|expect)\\(' --type rust {dir}"
)
if [ -n "$baseline" ]; then
    tools+=("before=$baseline ready --manifest-path {dir}/Cargo.toml --format json -q")
fi
python3 "$repo/scripts/bench/measure.py" --runs "$runs" "${args[@]}" -- "${tools[@]}"

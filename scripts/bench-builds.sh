# Shared by the bench scripts: builds to measure, this checkout's and optionally an earlier
# revision's ("before"), so one run prints both. Sourced after common.sh, with `work` set to a
# scratch directory the caller removes.
#
# Options understood by `builds_from_args`: --before REV. Environment: BENCH_BUILT names a
# directory with a release `pilothouse`, its `hash.txt` and its `site/` to measure instead of
# building this checkout; BENCH_BEFORE_BUILT, one to measure first as "before".

# Builds the checkout at $1 (release) and copies its binary and site to $2.
build_into() {
  local src=$1 out=$2
  mkdir -p "$out"
  # Two checkouts share one target directory: make cargo see this one's sources as changed.
  find "$src"/*/src -name '*.rs' -exec touch {} +
  # An earlier revision builds the way its own scripts did.
  (cd "$src" && unset -f build_release && source scripts/common.sh && if declare -f build_release >/dev/null; then
    build_release >/dev/null 2>&1 || build_release
  else
    cargo leptos build --release >/dev/null 2>&1 || cargo leptos build --release
  fi)
  cp "$CARGO_TARGET_DIR/release/pilothouse" "$CARGO_TARGET_DIR/release/hash.txt" "$out/"
  cp -r "$src/target/site" "$out/site"
}

# Fills $work/before (with --before REV or BENCH_BEFORE_BUILT) and $work/after.
builds_from_args() {
  local before_rev=""
  if [ "${1:-}" = "--before" ]; then before_rev=${2:?--before needs a revision}; fi
  if [ -n "${BENCH_BEFORE_BUILT:-}" ]; then
    mkdir -p "$work/before" && cp "$BENCH_BEFORE_BUILT"/{pilothouse,hash.txt} "$work/before/"
    cp -r "$BENCH_BEFORE_BUILT/site" "$work/before/site"
  elif [ -n "$before_rev" ]; then
    git worktree add --detach "$work/before-src" "$before_rev" >/dev/null
    echo "building $before_rev …"
    build_into "$work/before-src" "$work/before"
    git worktree remove --force "$work/before-src"
  fi
  if [ -n "${BENCH_BUILT:-}" ]; then
    mkdir -p "$work/after" && cp "$BENCH_BUILT"/{pilothouse,hash.txt} "$work/after/"
    cp -r "$BENCH_BUILT/site" "$work/after/site"
  else
    echo "building this checkout …"
    build_into "$repo_root" "$work/after"
  fi
}

# Shared environment for the project's scripts: `source scripts/env.sh`.
# One cargo target directory for every build, so CI reuses what is already built.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tributary-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
# The debug node binary the scripts build and run.
export TRIBUTARY_BIN="${TRIBUTARY_BIN:-$CARGO_TARGET_DIR/debug/tributary}"
# The runtime's wasm build looks for the workspace's Cargo.lock from the target directory;
# with the target directory outside the repository it must be told where the workspace is.
export WASM_BUILD_WORKSPACE_HINT="${WASM_BUILD_WORKSPACE_HINT:-$REPO_ROOT}"

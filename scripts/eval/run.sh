#!/usr/bin/env bash
# Full evaluation of the attribution engine against retraining: LOO correlations for
# exact / CG / projected (k = 512) / grad-dot at l2 = 0.1 and 0.01 on UCI Wine
# (standardised) and synthetic data, agreement with an independent exact computation,
# LDS over 100 random halves, mislabeled-example detection AUC. Prints Markdown tables.
# The asserting subset runs in `cargo test -p tributary-attribution --test eval`.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/engine-target}
cargo run --release -q -p tributary-attribution --example evaluate

//! Synthetic projected and subspace indexes and matching queries, for the benchmarks (criterion,
//! `examples/bench_engine.rs`, `scripts/bench/wasm-query`): random θ and `u` from fixed seeds,
//! contributors `1:0 … 1:(g-1)`, and a one-row query over all `d` features.

use crate::{projection::SplitMix64, Family, Index, Method};

/// A logistic index with `d` features projected to `k` dimensions over `g` contributions, and
/// a query CSV for it.
pub fn projected_index(d: usize, g: usize, k: u32) -> (Index, Vec<u8>) {
	let mut r = SplitMix64(5);
	let theta = (0..d + 1).map(|_| r.next_f64() - 0.5).collect();
	let mut r = SplitMix64(6);
	let u = (0..g * k as usize).map(|_| (r.next_f64() - 0.5) as f32).collect();
	let index = Index {
		family: Family::Logistic,
		method: Method::Projected,
		features: (0..d).map(|j| format!("f{j}")).collect(),
		classes: 1,
		n_train: 100_000,
		l2: 0.01,
		theta,
		projection: Some((9, k)),
		basis: None,
		baseline: None,
		contributors: (0..g).map(|c| format!("1:{c}").into_bytes()).collect(),
		u,
		examples: None,
	};
	let header: Vec<String> = (0..d).map(|j| format!("f{j}")).collect();
	let row: Vec<String> = (0..d).map(|j| format!("{:.6}", (j as f64 * 0.37).sin())).collect();
	(index, format!("{}\n{}\n", header.join(","), row.join(",")).into_bytes())
}

/// A logistic subspace index with `d` features, a random `k × (d + 1)` basis and `g`
/// contributions, and a query CSV for it (the same θ, `u` and query as [`projected_index`]).
pub fn subspace_index(d: usize, g: usize, k: u32) -> (Index, Vec<u8>) {
	let (mut index, query) = projected_index(d, g, k);
	let mut r = SplitMix64(7);
	index.method = Method::Subspace;
	index.basis = Some((0..k as usize * (d + 1)).map(|_| (r.next_f64() - 0.5) as f32).collect());
	(index, query)
}

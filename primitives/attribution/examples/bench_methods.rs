//! Where exact stops paying: index build time and memory of `exact` against `subspace`
//! (K = 512) as p grows, printed as a Markdown table (`scripts/bench/methods.sh`).
//!
//! Data: external per-example gradients, n = 2p rows (decaying spectrum), G = 100
//! contributions, l2 = 0.01; both methods form the same p × p Hessian, so the difference is
//! the solver: Cholesky, `H⁻¹` and `H⁻¹ G` (≈ 4p³/3 + G·p²) against the subspace's
//! `4·K·p²`. Usage: `bench_methods [p …]` (default 1000 2000 3000 5000).

use std::time::Instant;
use tributary_attribution::{
	build::{check_memory, BuildOptions},
	data::Dataset,
	projection::SplitMix64,
	Family, Index, Method,
};

fn gradients(n: usize, p: usize, seed: u64) -> Vec<f64> {
	let mut r = SplitMix64(seed);
	let scale: Vec<f64> = (0..p).map(|j| 1.0 / ((j + 1) as f64).sqrt()).collect();
	let mut x = Vec::with_capacity(n * p);
	for _ in 0..n {
		for s in &scale {
			x.push((r.next_f64() - 0.5) * s);
		}
	}
	x
}

fn main() {
	let ps: Vec<usize> = {
		let a: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
		if a.is_empty() {
			vec![1000, 2000, 3000, 5000]
		} else {
			a
		}
	};
	println!("| p | n | exact: build | exact: peak estimate | subspace K=512: build | subspace: peak estimate | ratio exact / subspace |");
	println!("|---|---|---|---|---|---|---|");
	for p in ps {
		let n = 2 * p;
		let g = 100;
		let ds = Dataset {
			features: (0..p).map(|j| format!("g{j}")).collect(),
			x: gradients(n, p, p as u64),
			y: Vec::new(),
			contribution: (0..n).map(|i| (i % g) as u32).collect(),
			contributors: (0..g).map(|c| format!("1:{c}")).collect(),
		};
		let mut row = Vec::new();
		for method in [Method::Exact, Method::Subspace] {
			let opts = BuildOptions {
				family: Family::External,
				l2: 0.01,
				method,
				projection: (7, 512.min(p as u32)),
				..Default::default()
			};
			let peak = check_memory(&ds, &opts, 1, false).map(|e| e.peak).unwrap_or(f64::NAN);
			let t = Instant::now();
			let (index, _) = Index::build(&ds, &opts).expect("builds");
			let secs = t.elapsed().as_secs_f64();
			std::hint::black_box(index.u.len());
			row.push((secs, peak));
		}
		println!(
			"| {p} | {n} | {:.2} s | {:.0} MiB | {:.2} s | {:.0} MiB | {:.2} |",
			row[0].0,
			row[0].1 / 1048576.0,
			row[1].0,
			row[1].1 / 1048576.0,
			row[0].0 / row[1].0
		);
	}
}

//! Index bytes and scores do not depend on the number of threads or on the run.

mod common;
mod eval_support;
use common::*;
use eval_support::synthetic;
use tributary_attribution::{build::BuildOptions, data::Dataset, Family, Index, Method};

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
	rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(f)
}

#[test]
fn index_bytes_independent_of_threads() {
	// Enough rows for several parallel chunks.
	let s = synthetic(Family::Logistic, 1, 5000, 1, 30, 0.01, 4);
	let ds = Dataset {
		features: (0..30).map(|j| format!("f{j}")).collect(),
		x: s.x.clone(),
		y: s.y.clone(),
		contribution: (0..5000).map(|i| (i % 37) as u32).collect(),
		contributors: (0..37).map(|c| format!("2:{c}")).collect(),
	};
	for method in [Method::Exact, Method::Projected, Method::Cg, Method::Subspace] {
		let opts = BuildOptions {
			family: Family::Logistic,
			l2: 0.01,
			method,
			projection: (5, 24),
			per_example: method != Method::Cg,
			..Default::default()
		};
		let one = in_pool(1, || Index::build(&ds, &opts).unwrap().0.encode());
		let two = in_pool(2, || Index::build(&ds, &opts).unwrap().0.encode());
		let again = in_pool(2, || Index::build(&ds, &opts).unwrap().0.encode());
		assert!(one == two, "{method:?}: 1 vs 2 threads differ");
		assert!(two == again, "{method:?}: runs differ");
	}
}

#[test]
fn wine_softmax_bytes_stable_across_pools() {
	let ds = wine_dataset();
	let opts =
		BuildOptions { family: Family::Softmax, l2: 0.01, per_example: true, ..Default::default() };
	let a = in_pool(1, || Index::build(&ds, &opts).unwrap().0.encode());
	let b = in_pool(2, || Index::build(&ds, &opts).unwrap().0.encode());
	assert!(a == b);
	let idx = Index::decode(&a).unwrap();
	let q = wine_query();
	let s1: Vec<u64> = idx.score_bytes(&q).unwrap().iter().map(|x| x.to_bits()).collect();
	let s2: Vec<u64> =
		in_pool(1, || idx.score_bytes(&q).unwrap()).iter().map(|x| x.to_bits()).collect();
	assert_eq!(s1, s2);
}

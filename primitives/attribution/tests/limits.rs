//! Inputs that would need more memory than the build's bound fail with
//! `BuildError::TooLarge` before anything large is allocated (never an allocation abort), and
//! the bound is exactly the documented estimate.

mod common;
use common::*;
use tributary_attribution::{
	build::{check_memory, example_vectors, BuildError, BuildOptions},
	data::Dataset,
	linalg::{chunked_sum_in_waves, CHUNK},
	memory::{self, bytes, gradient_rows, parse_bytes, reduction_wave, DEFAULT_MAX_MEMORY},
	projection::SplitMix64,
	Family, Index, Method,
};

fn dataset(rows: usize, d: usize, labels: &[f64]) -> Dataset {
	let mut r = SplitMix64(3);
	Dataset {
		features: (0..d).map(|j| format!("f{j}")).collect(),
		x: (0..rows * d).map(|_| r.next_f64()).collect(),
		y: (0..rows).map(|i| labels[i % labels.len()]).collect(),
		contribution: vec![0; rows],
		contributors: vec!["1:0".into()],
	}
}

fn too_large(r: Result<(Index, tributary_attribution::build::BuildReport), BuildError>) -> String {
	match r {
		Err(BuildError::TooLarge(e)) => {
			assert!(e.need > e.limit as f64, "{e}");
			assert!(e.part_bytes <= e.need, "{e}");
			e.to_string()
		}
		Err(e) => panic!("expected TooLarge, got {e}"),
		Ok(_) => panic!("expected TooLarge, the build succeeded"),
	}
}

#[test]
fn softmax_with_label_99999_is_an_error() {
	let ds = dataset(4, 3, &[0.0, 1.0, 99_999.0, 2.0]);
	let opts = BuildOptions { family: Family::Softmax, ..Default::default() };
	let msg = too_large(Index::build(&ds, &opts));
	assert!(msg.contains("softmax with 100000 classes and 3 features"), "{msg}");
	assert!(msg.contains("p = 400000"), "{msg}");
	assert!(msg.contains("above the limit of 4.0 GiB"), "{msg}");
	// Every method needs Newton's p × p Hessian to train.
	for method in [Method::Cg, Method::Projected, Method::GradDot] {
		let opts = BuildOptions { family: Family::Softmax, method, ..Default::default() };
		too_large(Index::build(&ds, &opts));
	}
}

#[test]
fn twenty_thousand_columns_is_an_error() {
	let ds = dataset(5, 20_000, &[0.0, 1.0]);
	for method in [Method::Exact, Method::Cg, Method::Projected, Method::GradDot] {
		let opts = BuildOptions { family: Family::Logistic, method, ..Default::default() };
		let msg = too_large(Index::build(&ds, &opts));
		assert!(msg.contains("logistic with 20000 features"), "{msg}");
		assert!(msg.contains("Hessian"), "{msg}");
	}
}

#[test]
fn external_gradients_with_many_columns_are_an_error() {
	let mut ds = dataset(3, 30_000, &[0.0]);
	ds.y.clear();
	let opts = BuildOptions { family: Family::External, ..Default::default() };
	let msg = too_large(Index::build(&ds, &opts));
	assert!(msg.contains("external gradients with 30000 columns"), "{msg}");
	// Grad-dot forms no Hessian: 30 000 columns of 3 rows are small.
	let opts =
		BuildOptions { family: Family::External, method: Method::GradDot, ..Default::default() };
	assert!(Index::build(&ds, &opts).is_ok());
}

#[test]
fn the_bound_is_the_estimate() {
	let ds = wine_dataset();
	for method in [Method::Exact, Method::Cg, Method::Projected, Method::GradDot] {
		let opts = BuildOptions {
			family: Family::Softmax,
			method,
			projection: (3, 16),
			per_example: true,
			..Default::default()
		};
		let classes = 3;
		let need = check_memory(&ds, &opts, classes, true).unwrap().peak.ceil() as u64;
		assert!(need > 0 && need < DEFAULT_MAX_MEMORY);
		let at = BuildOptions { max_memory: need, ..opts.clone() };
		assert!(Index::build(&ds, &at).is_ok(), "{method:?} at its estimate");
		let below = BuildOptions { max_memory: need - 1, ..opts.clone() };
		too_large(Index::build(&ds, &below));
	}
}

#[test]
fn a_large_projection_counts() {
	let ds = wine_dataset();
	let opts = BuildOptions {
		family: Family::Softmax,
		method: Method::Projected,
		projection: (1, 65_536),
		..Default::default()
	};
	let msg = too_large(Index::build(&ds, &opts));
	assert!(msg.contains("k × k"), "{msg}");
}

#[test]
fn recomputing_per_example_vectors_checks_memory() {
	let ds = wine_dataset();
	let index = wine_index(Method::Exact, false);
	assert!(example_vectors(&index, &ds, DEFAULT_MAX_MEMORY).is_ok());
	match example_vectors(&index, &ds, 1 << 10) {
		Err(BuildError::TooLarge(e)) => assert!(e.to_string().contains("1.0 KiB")),
		other => panic!("expected TooLarge, got {other:?}"),
	}
}

#[test]
fn sizes_parse_and_print() {
	assert_eq!(parse_bytes("4GiB"), Some(4 << 30));
	assert_eq!(parse_bytes("512M"), Some(512 << 20));
	assert_eq!(parse_bytes("1.5 g"), Some(3 << 29));
	assert_eq!(parse_bytes("1000"), Some(1000));
	assert_eq!(parse_bytes("2 tb"), Some(2 << 40));
	for bad in ["", "GiB", "-1G", "4 parsecs", "1e999", "nan"] {
		assert_eq!(parse_bytes(bad), None, "{bad}");
	}
	assert_eq!(bytes(512.0), "512 B");
	assert_eq!(bytes(3.0 * 1024.0), "3.0 KiB");
	assert_eq!(bytes(2.5 * (1u64 << 30) as f64), "2.5 GiB");
	assert_eq!(bytes(DEFAULT_MAX_MEMORY as f64), "4.0 GiB");
}

#[test]
fn waves_keep_their_contract() {
	for p in [1usize, 14, 1000, 1501, 20_001, 400_000, usize::MAX / 4] {
		for k in [1usize, 16, 512, p] {
			let rows = gradient_rows(p, k);
			assert!(
				rows.is_multiple_of(256) && (256..=16 * CHUNK).contains(&rows),
				"{p} {k}: {rows}"
			);
			if rows > 256 {
				assert!(rows * (p + 2 * k) * 8 <= memory::WAVE_BYTES, "{p} {k}: {rows}");
			}
		}
		for threads in [1usize, 2, 64] {
			let w = reduction_wave(p.saturating_mul(p), threads);
			assert!((1..=16).contains(&w) && w >= threads.min(16), "{p} {threads}: {w}");
		}
	}
	assert_eq!(reduction_wave(1_000_000, 2), 16);
	assert_eq!(reduction_wave(20_001 * 20_001, 2), 2);
}

#[test]
fn reductions_do_not_depend_on_the_wave() {
	let n = 7 * CHUNK + 13;
	let f = |r: core::ops::Range<usize>| -> Vec<f64> {
		let mut rng = SplitMix64(r.start as u64);
		(0..64).map(|_| (rng.next_f64() - 0.5) * 10f64.powi((r.start % 17) as i32)).collect()
	};
	let one = chunked_sum_in_waves(n, 64, 1, f);
	for wave in [2, 3, 5, 16] {
		let other = chunked_sum_in_waves(n, 64, wave, f);
		assert!(one.iter().zip(&other).all(|(a, b)| a.to_bits() == b.to_bits()), "wave {wave}");
	}
}

//! Newton's stopping rule as documented: target `‖∇F‖₂ < 1e-10`; a fit that rounding stops
//! above it is accepted below `1e-6` (with a note on the command line), else an error.

mod cli_support;
use cli_support::*;
use tributary_attribution::{
	build::{BuildError, BuildOptions},
	data::Dataset,
	projection::SplitMix64,
	train::{TrainError, ACCEPT_TOL, NEWTON_TOL},
	Family, Index, Method,
};

/// A linear problem whose features and labels are of size `scale`.
fn scaled(scale: f64) -> Dataset {
	let mut r = SplitMix64(5);
	let mut ds = Dataset {
		features: vec!["a".into(), "b".into()],
		contributors: vec!["1:0".into()],
		..Default::default()
	};
	for _ in 0..200 {
		let (a, b) = (r.next_f64() * scale, r.next_f64() * scale);
		ds.x.extend_from_slice(&[a, b]);
		ds.y.push(0.3 * a - 0.2 * b + r.next_f64() * scale);
		ds.contribution.push(0);
	}
	ds
}

fn build(scale: f64) -> Result<f64, BuildError> {
	let opts =
		BuildOptions { family: Family::Linear, method: Method::GradDot, ..Default::default() };
	Index::build(&scaled(scale), &opts).map(|(_, r)| r.grad_norm)
}

#[test]
fn the_rule_is_the_documented_one() {
	assert_eq!(BuildOptions::default().tol, NEWTON_TOL);
	assert_eq!((NEWTON_TOL, ACCEPT_TOL), (1e-10, 1e-6));
	let small = build(1.0).unwrap();
	assert!(small < NEWTON_TOL, "{small:e}");
	let stalled = build(1e4).unwrap();
	assert!((NEWTON_TOL..ACCEPT_TOL).contains(&stalled), "{stalled:e}");
	match build(1e6) {
		Err(BuildError::Train(TrainError::NotConverged { grad_norm })) => {
			assert!(grad_norm >= ACCEPT_TOL)
		}
		other => panic!("expected NotConverged, got {other:?}"),
	}
}

#[test]
fn the_command_line_notes_a_stalled_fit() {
	let d = Dir::new("newton");
	let csv = |scale: f64| {
		let ds = scaled(scale);
		let mut s = String::from("label,a,b\n");
		for i in 0..ds.n() {
			s.push_str(&format!("{:?},{:?},{:?}\n", ds.y[i], ds.x[2 * i], ds.x[2 * i + 1]));
		}
		s
	};
	let idx = d.path("m.idx");
	for (scale, code, needle) in [
		(1.0, 0, ""),
		(1e4, 0, "note: Newton stopped at ‖∇F‖₂ ="),
		(1e6, 1, "error: training did not converge"),
	] {
		let data = d.file("s.csv", csv(scale).as_bytes());
		let (c, _, err) = run(&[
			"train", "--data", &data, "--family", "linear", "--method", "grad-dot", "--out", &idx,
		]);
		assert_eq!(c, code, "{scale}: {err}");
		if needle.is_empty() {
			assert!(err.is_empty(), "{err}");
		} else {
			assert!(err.contains(needle), "{scale}: {err}");
		}
	}
}

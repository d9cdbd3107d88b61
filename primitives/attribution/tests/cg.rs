//! Conjugate gradient reports solves that stop at the iteration cap (library report and a
//! warning on the command line), and `train --method cg` says when exact is the better choice.

mod cli_support;
mod common;
use cli_support::*;
use common::*;
use tributary_attribution::{build::BuildOptions, influence::CG_TOL, Family, Index, Method};

fn cg(l2: f64, per_example: bool) -> tributary_attribution::influence::CgStats {
	let ds = wine_dataset();
	let opts = BuildOptions {
		family: Family::Softmax,
		l2,
		method: Method::Cg,
		per_example,
		..Default::default()
	};
	Index::build(&ds, &opts).unwrap().1.cg.expect("a cg build reports its solves")
}

#[test]
fn well_conditioned_solves_converge() {
	let st = cg(0.01, true);
	assert_eq!(st.solves, 10 + 178);
	assert_eq!(st.unconverged, 0, "{st:?}");
	assert!(st.max_iterations > 0 && st.max_iterations <= 2 * 42 + 10);
	let ds = wine_dataset();
	let opts = BuildOptions { family: Family::Softmax, ..Default::default() };
	assert_eq!(Index::build(&ds, &opts).unwrap().1.cg, None);
}

#[test]
fn ill_conditioned_solves_are_reported() {
	let st = cg(1e-9, false);
	assert_eq!(st.solves, 10);
	assert!(st.unconverged > 0, "{st:?}");
	assert_eq!(st.max_iterations, 2 * 42 + 10);
	assert!(st.worst_residual > CG_TOL && st.worst_residual.is_finite(), "{st:?}");
}

#[test]
fn the_command_line_warns() {
	let d = Dir::new("cg");
	let data = d.file("wine.csv", WINE.as_bytes());
	let idx = d.path("m.idx");
	let train = |l2: &str| {
		run(&[
			"train", "--data", &data, "--family", "softmax", "--method", "cg", "--l2", l2, "--out",
			&idx,
		])
	};
	let (code, out, err) = train("1e-9");
	assert_eq!(code, 0, "{err}");
	assert!(out.starts_with("0x"));
	assert!(err.contains("warning: conjugate gradient did not converge in"), "{err}");
	assert!(err.contains("of 10 solves") && err.contains("residual"), "{err}");
	assert!(err.contains("--method exact"), "{err}");
	let (code, _, err) = train("0.01");
	assert_eq!(code, 0, "{err}");
	assert!(!err.contains("warning"), "{err}");
	let (_, _, err) =
		run(&["train", "--data", &data, "--family", "softmax", "--l2", "0.01", "--out", &idx]);
	assert!(err.is_empty(), "{err}");
	let (code, help, _) = run(&["train", "--help"]);
	assert_eq!(code, 0);
	assert!(help.contains("wrong choice"), "{help}");
}

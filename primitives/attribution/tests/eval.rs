//! Acceptance: influence scores against real leave-one-out retraining (UCI Wine, l2 = 0.1,
//! standardised features), against an independent exact computation, and mislabeled-
//! example detection. The full table (l2 = 0.01, LDS, synthetic data with p > k) is
//! `scripts/eval/run.sh`.

mod eval_support;
use eval_support::{self as eval, mean_pearson};
use tributary_attribution::{Family, Method};

fn check(s: eval::Setup, name: &str) {
	let theta = s.fit();
	let exact = s.scores(&theta, Method::Exact, (0, 0));
	let cg = s.scores(&theta, Method::Cg, (0, 0));
	let proj = s.scores(&theta, Method::Projected, (7, 512));
	let gd = s.scores(&theta, Method::GradDot, (0, 0));
	let ind = s.independent_exact(&theta);
	let loo = s.loo(&theta);
	let (e_i, c_i) = (mean_pearson(&exact, &ind), mean_pearson(&cg, &ind));
	let (e, c, p, g) = (
		mean_pearson(&exact, &loo),
		mean_pearson(&cg, &loo),
		mean_pearson(&proj, &loo),
		mean_pearson(&gd, &loo),
	);
	eprintln!("{name}: vs independent exact {e_i:.6}/{c_i:.6}; vs LOO exact {e:.4} cg {c:.4} projected {p:.4} grad-dot {g:.4}");
	assert!(e_i >= 0.999 && c_i >= 0.999, "{name}: exact/CG vs independent exact");
	assert!(e >= 0.98 && c >= 0.98, "{name}: exact/CG vs LOO");
	assert!(p >= 0.9, "{name}: projected vs LOO");
	assert!(g < e - 0.05 && g < p - 0.05, "{name}: grad-dot should be clearly worse");
	// LDS on a few subsets (the full 100 are in scripts/eval/run.sh).
	let lds = s.lds(&theta, &[&exact, &gd], 20, 3);
	eprintln!("{name}: LDS(20 halves) exact {:.3} grad-dot {:.3}", lds[0], lds[1]);
	assert!(lds[0] > lds[1]);
}

#[test]
fn wine_logistic_matches_leave_one_out() {
	check(eval::wine_setup(Family::Logistic, 0.1, |y| (y == 0.0) as u8 as f64), "wine logistic");
}

#[test]
fn wine_softmax_matches_leave_one_out() {
	check(eval::wine_setup(Family::Softmax, 0.1, |y| y), "wine softmax");
}

#[test]
fn projected_tracks_exact_when_p_exceeds_k() {
	// p = 601 > k = 512: the projection is a real sketch here.
	let s = eval::synthetic(Family::Logistic, 1, 400, 5, 600, 0.1, 3);
	let theta = s.fit();
	let exact = s.scores(&theta, Method::Exact, (0, 0));
	let proj = s.scores(&theta, Method::Projected, (7, 512));
	let gd = s.scores(&theta, Method::GradDot, (0, 0));
	let (p, g) = (mean_pearson(&proj, &exact), mean_pearson(&gd, &exact));
	eprintln!("synthetic p=601: projected vs exact {p:.4}, grad-dot vs exact {g:.4}");
	assert!(p >= 0.9);
}

#[test]
fn subspace_tracks_exact_at_half_p_on_both_spectra() {
	// p = 301, k = 150 = p/2, n = 140 training rows: the training gradients have rank 140
	// ≤ k, so the subspace holds them all; the random projection does not.
	for decay in [0.0, 1.0] {
		let s = eval::synthetic_decay(Family::Logistic, 1, 140, 5, 300, 0.01, 3, decay);
		let theta = s.fit();
		let exact = s.scores(&theta, Method::Exact, (0, 0));
		let sub = s.scores(&theta, Method::Subspace, (7, 150));
		let proj = s.scores(&theta, Method::Projected, (7, 150));
		let (a, b) = (mean_pearson(&sub, &exact), mean_pearson(&proj, &exact));
		eprintln!("decay {decay}: k/p = 0.5: subspace vs exact {a:.4}, projected {b:.4}");
		assert!(a >= 0.95, "decay {decay}: subspace {a}");
		assert!(a > b + 0.1, "decay {decay}: subspace {a} vs projected {b}");
	}
	// Above the data's rank the subspace keeps the directions of most curvature: on a
	// decaying spectrum with n = 600 > p, k = p/2 still tracks exact, better than the
	// random projection.
	let s = eval::synthetic_decay(Family::Logistic, 1, 600, 5, 300, 0.01, 3, 1.0);
	let theta = s.fit();
	let exact = s.scores(&theta, Method::Exact, (0, 0));
	let sub = mean_pearson(&s.scores(&theta, Method::Subspace, (7, 150)), &exact);
	let proj = mean_pearson(&s.scores(&theta, Method::Projected, (7, 150)), &exact);
	eprintln!("n = 600 > p: subspace {sub:.4}, projected {proj:.4}");
	assert!(sub > proj, "subspace {sub} vs projected {proj}");
}

/// An unlabelled query to a linear model scores against the stored baseline (the mean
/// training label), so where `0` is on the label scale does not matter: shifting every label
/// by 100 leaves the contribution scores (nearly: the intercept is regularised too) as they
/// were, while scoring against the origin would rank by how much each example raised the
/// prediction.
#[test]
fn unlabelled_linear_scores_do_not_depend_on_the_label_origin() {
	use tributary_attribution::{build::BuildOptions, data::Dataset, Index};
	let s = eval::synthetic(Family::Linear, 1, 400, 1, 6, 1e-4, 5);
	let dataset = |shift: f64| Dataset {
		features: (0..6).map(|j| format!("f{j}")).collect(),
		x: s.x.clone(),
		y: s.y.iter().map(|y| y + shift).collect(),
		contribution: (0..400).map(|i| (i % 40) as u32).collect(),
		contributors: (0..40).map(|c| format!("1:{c}")).collect(),
	};
	let opts = BuildOptions { family: Family::Linear, l2: 1e-4, ..Default::default() };
	let query = b"f0,f1,f2,f3,f4,f5\n0.9,-0.4,1.2,0.3,-1.1,0.5\n";
	let scores = |shift: f64| {
		let (index, _) = Index::build(&dataset(shift), &opts).unwrap();
		assert_eq!(index.baseline.map(|b| b > shift - 1.0 && b < shift + 1.0), Some(true));
		let mut origin = index.clone();
		origin.baseline = None;
		let decoded = Index::decode(&index.encode()).unwrap();
		assert_eq!(decoded, index);
		(index.score_bytes(query).unwrap(), origin.score_bytes(query).unwrap())
	};
	let (centred, origin) = scores(0.0);
	let (shifted, shifted_origin) = scores(100.0);
	let same = eval::pearson(&centred, &shifted);
	let moved = eval::pearson(&origin, &shifted_origin);
	eprintln!("label shift 100: baseline scores {same:.6}, origin scores {moved:.6}");
	assert!(same > 0.999, "{same}");
	assert!(moved < 0.9, "{moved}");
}

#[test]
fn mislabeled_examples_have_high_self_influence() {
	for (fam, label) in [
		(Family::Logistic, (|y: f64| (y == 0.0) as u8 as f64) as fn(f64) -> f64),
		(Family::Softmax, (|y: f64| y) as fn(f64) -> f64),
	] {
		let mut s = eval::wine_setup(fam, 0.01, label);
		let mask = eval::flip_labels(&mut s, 0.1, 5);
		let theta = s.fit();
		let auc = eval::auc(&s.self_influence(&theta), &mask);
		eprintln!("{fam} mislabel AUC {auc:.4}");
		assert!(auc >= 0.95, "{fam}: AUC {auc}");
	}
}

#[test]
#[allow(clippy::needless_range_loop)]
fn linear_reaches_the_closed_form_optimum_and_scores_labelled_queries() {
	// (X̃ᵀX̃/n + l2 I) θ = X̃ᵀy/n for F = (1/n) Σ ½(y − θᵀx̃)² + (l2/2)‖θ‖².
	let s = eval::synthetic(Family::Linear, 1, 200, 5, 6, 0.05, 8);
	let theta = s.fit();
	let (n, d, p) = (s.n(), s.d, s.d + 1);
	let mut a = vec![0.0; p * p];
	let mut b = vec![0.0; p];
	for i in 0..n {
		let mut x = s.x[i * d..(i + 1) * d].to_vec();
		x.push(1.0);
		for r in 0..p {
			b[r] += x[r] * s.y[i] / n as f64;
			for c in 0..p {
				a[r * p + c] += x[r] * x[c] / n as f64;
			}
		}
	}
	for r in 0..p {
		a[r * p + r] += 0.05;
	}
	let inv = eval::gauss_jordan_inverse(&a, p);
	for r in 0..p {
		let t: f64 = (0..p).map(|c| inv[r * p + c] * b[c]).sum();
		assert!((t - theta[r]).abs() < 1e-9, "θ[{r}] = {} vs {t}", theta[r]);
	}
	// With labelled queries, exact influence tracks leave-one-out.
	let pr = s.problem();
	let targets: Vec<f64> = (0..s.m()).map(|q| q as f64 * 0.3 - 0.5).collect();
	let qg = s.query_grads(&theta, &targets);
	let tg = pr.example_gradients(&theta, 0..n);
	let solver = tributary_attribution::influence::Solver::new(
		Method::Exact,
		tributary_attribution::influence::Curvature::Model { problem: pr, theta: &theta },
		(0, 0),
	)
	.unwrap();
	let inf = tributary_attribution::influence::influence_matrix(&solver, &tg, &qg, p, n);
	let base = s.query_losses(&theta, &targets);
	let mut loo = vec![vec![0.0; n]; s.m()];
	for i in 0..n {
		let rows: Vec<usize> = (0..n).filter(|&j| j != i).collect();
		let t = s.fit_subset(&rows, &theta);
		let l = s.query_losses(&t, &targets);
		for q in 0..s.m() {
			loo[q][i] = l[q] - base[q];
		}
	}
	let r = mean_pearson(&inf, &loo);
	eprintln!("linear: exact vs LOO {r:.4}");
	assert!(r >= 0.98);
}

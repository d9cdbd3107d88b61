//! Evaluation of the influence methods against retraining (see `scripts/eval/run.sh`).
//!
//! Prints, per data set and l2: mean Pearson correlation of per-example scores with the
//! true leave-one-out loss changes for exact, CG, projected (k = 512) and grad-dot; the
//! agreement of exact/CG with an independent exact computation; the linear datamodeling
//! score over 100 random halves; mislabeled-example detection AUC; and, at p = 1001, every
//! method's accuracy at k/p ∈ {0.05, 0.1, 0.25, 0.5} (vs exact, vs LOO, LDS).

#[path = "../tests/eval_support/mod.rs"]
mod eval;

use eval::{mean_pearson, Setup};
use std::time::Instant;
use tributary_attribution::{Family, Method};

fn report(name: &str, s: &Setup, lds: bool, independent: bool, with_cg: bool) {
	let t0 = Instant::now();
	let theta = s.fit();
	let exact = s.scores(&theta, Method::Exact, (0, 0));
	// CG per example is n solves; on the large-p rows it is left out (same math as exact).
	let cg = if with_cg { s.scores(&theta, Method::Cg, (0, 0)) } else { exact.clone() };
	let proj = s.scores(&theta, Method::Projected, (7, 512));
	let gd = s.scores(&theta, Method::GradDot, (0, 0));
	let loo = s.loo(&theta);
	let p = s.problem().p();
	print!(
		"| {name} | {} | {} | {p} | {} | {:.4} | {} | {:.4} | {:.4} |",
		s.n(),
		s.m(),
		s.l2,
		mean_pearson(&exact, &loo),
		if with_cg { format!("{:.4}", mean_pearson(&cg, &loo)) } else { "–".into() },
		mean_pearson(&proj, &loo),
		mean_pearson(&gd, &loo),
	);
	if independent {
		let ind = s.independent_exact(&theta);
		print!(" {:.6} / {:.6} |", mean_pearson(&exact, &ind), mean_pearson(&cg, &ind));
	} else {
		print!(" – |");
	}
	print!(" {:.4} |", mean_pearson(&proj, &exact));
	if lds {
		let l = s.lds(&theta, &[&exact, &cg, &proj, &gd], 100, 11);
		print!(" {:.3} / {:.3} / {:.3} / {:.3} |", l[0], l[1], l[2], l[3]);
	} else {
		print!(" – |");
	}
	println!(" {:.1}s |", t0.elapsed().as_secs_f64());
}

fn mislabel(name: &str, mut s: Setup) {
	let mask = eval::flip_labels(&mut s, 0.1, 5);
	let theta = s.fit();
	let si = s.self_influence(&theta);
	println!(
		"| {name} | {} | {} | {:.4} |",
		s.n(),
		mask.iter().filter(|&&m| m).count(),
		eval::auc(&si, &mask)
	);
}

fn main() {
	println!("## Influence vs leave-one-out retraining\n");
	println!("Pearson of per-example scores with true LOO loss change, mean over queries.\n");
	println!("| data | n | queries | p | l2 | exact | cg | projected k=512 | grad-dot | exact / cg vs independent exact | projected vs exact | LDS exact / cg / proj / grad-dot | time |");
	println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
	for l2 in [0.1, 0.01] {
		let wine_bin = |y: f64| (y == 0.0) as u8 as f64;
		let rows: Vec<(&str, Setup, bool, bool, bool)> = vec![
			(
				"wine logistic (class 0 vs rest)",
				eval::wine_setup(Family::Logistic, l2, wine_bin),
				true,
				true,
				true,
			),
			("wine softmax", eval::wine_setup(Family::Softmax, l2, |y| y), true, true, true),
			(
				"synthetic logistic d=20",
				eval::synthetic(Family::Logistic, 1, 300, 20, 20, l2, 1),
				true,
				true,
				true,
			),
			(
				"synthetic softmax d=20 C=4",
				eval::synthetic(Family::Softmax, 4, 300, 20, 20, l2, 2),
				true,
				false,
				true,
			),
		];
		for (name, s, lds, ind, cg) in rows {
			report(name, &s, lds, ind, cg);
		}
	}
	below_p();
	println!("\n## Mislabeled-example detection (10% labels flipped, ranked by self-influence)\n");
	println!("| data | n | flipped | AUC |");
	println!("|---|---|---|---|");
	mislabel(
		"wine logistic l2=0.1",
		eval::wine_setup(Family::Logistic, 0.1, |y| (y == 0.0) as u8 as f64),
	);
	mislabel(
		"wine logistic l2=0.01",
		eval::wine_setup(Family::Logistic, 0.01, |y| (y == 0.0) as u8 as f64),
	);
	mislabel("wine softmax l2=0.1", eval::wine_setup(Family::Softmax, 0.1, |y| y));
	mislabel("wine softmax l2=0.01", eval::wine_setup(Family::Softmax, 0.01, |y| y));
	mislabel(
		"synthetic logistic d=20 l2=0.01",
		eval::synthetic(Family::Logistic, 1, 300, 20, 20, 0.01, 1),
	);
}

/// The `k/p` ratios of the accuracy table.
const RATIOS: [f64; 4] = [0.05, 0.1, 0.25, 0.5];

/// Every method against exact influence, true LOO and LDS at `k < p` (p = 1001).
fn below_p() {
	println!("\n## Accuracy at k < p\n");
	println!("Logistic, d = 1000 Gaussian features (p = 1001), l2 = 0.01, 10 queries; seed 7 for the projection and the subspace's start block. vs exact / vs LOO: mean Pearson over queries; LDS: 100 random halves.\n");
	println!("| data | n | method | k | k/p | vs exact | vs LOO | LDS |");
	println!("|---|---|---|---|---|---|---|---|");
	for (name, decay, n, with_loo) in [
		("isotropic", 0.0, 500, true),
		("spectrum 1/j", 1.0, 500, true),
		("isotropic", 0.0, 2000, false),
		("spectrum 1/j", 1.0, 2000, false),
	] {
		let s = eval::synthetic_decay(Family::Logistic, 1, n, 10, 1000, 0.01, 3, decay);
		let theta = s.fit();
		let p = s.problem().p();
		let mut rows: Vec<(&str, usize, Vec<Vec<f64>>)> =
			vec![("exact", p, s.scores(&theta, Method::Exact, (0, 0)))];
		if with_loo {
			rows.push(("cg", p, s.scores(&theta, Method::Cg, (0, 0))));
		}
		rows.push(("grad-dot", p, s.scores(&theta, Method::GradDot, (0, 0))));
		for r in RATIOS {
			let k = (r * p as f64).round() as usize;
			rows.push(("subspace", k, s.scores(&theta, Method::Subspace, (7, k))));
			rows.push(("projected", k, s.scores(&theta, Method::Projected, (7, k))));
		}
		let (loo, lds) = if with_loo {
			let refs: Vec<&Vec<Vec<f64>>> = rows.iter().map(|r| &r.2).collect();
			(Some(s.loo(&theta)), Some(s.lds(&theta, &refs, 100, 11)))
		} else {
			(None, None)
		};
		for (i, (method, k, scores)) in rows.iter().enumerate() {
			let cell = |v: Option<f64>, digits: usize| {
				v.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "–".into())
			};
			println!(
				"| {name} | {n} | {method} | {k} | {:.2} | {:.4} | {} | {} |",
				*k as f64 / p as f64,
				mean_pearson(scores, &rows[0].2),
				cell(loo.as_ref().map(|l| mean_pearson(scores, l)), 4),
				cell(lds.as_ref().map(|l| l[i]), 3),
			);
		}
	}
}

//! Evaluation against retraining: leave-one-out, linear datamodeling score,
//! mislabeled-example detection, and an independent exact influence computation.
//!
//! Not part of the library: compiled into the acceptance tests (`tests/eval.rs`, `mod
//! eval_support;`), the other tests that use its synthetic data, and `examples/evaluate.rs`
//! (`#[path = "../tests/eval_support/mod.rs"] mod eval;`), with the Wine data
//! (`data/wine.csv`) it includes.
#![allow(dead_code)]

use tributary_attribution::{
	family::{self, Family},
	index::Method,
	influence::{influence_matrix, Curvature, Solver},
	projection::SplitMix64,
	train::Problem,
};

/// An evaluation problem: training set, query points, objective.
#[derive(Clone, Debug)]
pub struct Setup {
	/// Family.
	pub family: Family,
	/// Classes (softmax) or 1.
	pub classes: u32,
	/// Features.
	pub d: usize,
	/// Training features, row-major.
	pub x: Vec<f64>,
	/// Training labels.
	pub y: Vec<f64>,
	/// Query features, row-major.
	pub xq: Vec<f64>,
	/// L2 strength.
	pub l2: f64,
}

/// Training tolerance used for all retraining.
pub const TOL: f64 = 1e-11;

impl Setup {
	/// The training problem.
	pub fn problem(&self) -> Problem<'_> {
		Problem {
			family: self.family,
			classes: self.classes,
			d: self.d,
			x: &self.x,
			y: &self.y,
			l2: self.l2,
		}
	}
	/// Number of training rows.
	pub fn n(&self) -> usize {
		self.y.len()
	}
	/// Number of queries.
	pub fn m(&self) -> usize {
		self.xq.len() / self.d
	}
	/// θ*.
	pub fn fit(&self) -> Vec<f64> {
		self.problem().fit(None, TOL).expect("training converges").theta
	}
	/// Query targets: the model's own predicted labels (for `linear`: ŷ itself).
	pub fn query_targets(&self, theta: &[f64]) -> Vec<f64> {
		(0..self.m())
			.map(|q| {
				family::predict(
					self.family,
					theta,
					&self.xq[q * self.d..(q + 1) * self.d],
					self.classes,
				)
			})
			.collect()
	}
	/// Query losses at θ with the given targets.
	pub fn query_losses(&self, theta: &[f64], targets: &[f64]) -> Vec<f64> {
		(0..self.m())
			.map(|q| {
				family::loss(
					self.family,
					theta,
					&self.xq[q * self.d..(q + 1) * self.d],
					targets[q],
					self.classes,
				)
			})
			.collect()
	}
	/// Query gradients (row-major `m × p`) with the given targets.
	pub fn query_grads(&self, theta: &[f64], targets: &[f64]) -> Vec<f64> {
		let p = self.problem().p();
		let mut g = vec![0.0; self.m() * p];
		for q in 0..self.m() {
			family::gradient(
				self.family,
				theta,
				&self.xq[q * self.d..(q + 1) * self.d],
				targets[q],
				self.classes,
				&mut g[q * p..(q + 1) * p],
			);
		}
		g
	}
	/// Training on a subset of rows (warm start from `init`).
	pub fn fit_subset(&self, rows: &[usize], init: &[f64]) -> Vec<f64> {
		let mut x = Vec::with_capacity(rows.len() * self.d);
		let mut y = Vec::with_capacity(rows.len());
		for &i in rows {
			x.extend_from_slice(&self.x[i * self.d..(i + 1) * self.d]);
			y.push(self.y[i]);
		}
		let pr = Problem {
			family: self.family,
			classes: self.classes,
			d: self.d,
			x: &x,
			y: &y,
			l2: self.l2,
		};
		pr.fit(Some(init), TOL).expect("retraining converges").theta
	}

	/// Influence scores `[query][example]` by `method`.
	pub fn scores(&self, theta: &[f64], method: Method, projection: (u64, usize)) -> Vec<Vec<f64>> {
		let pr = self.problem();
		let targets = self.query_targets(theta);
		let tg = pr.example_gradients(theta, 0..self.n());
		let qg = self.query_grads(theta, &targets);
		let solver = Solver::new(method, Curvature::Model { problem: pr, theta }, projection)
			.expect("Hessian is positive definite");
		influence_matrix(&solver, &tg, &qg, pr.p(), self.n())
	}

	/// True leave-one-out loss changes `[query][example]`: `ℓ_q(θ_{−i}) − ℓ_q(θ*)`.
	pub fn loo(&self, theta: &[f64]) -> Vec<Vec<f64>> {
		let targets = self.query_targets(theta);
		let base = self.query_losses(theta, &targets);
		let n = self.n();
		use rayon::prelude::*;
		let per_i: Vec<Vec<f64>> = (0..n)
			.into_par_iter()
			.map(|i| {
				let rows: Vec<usize> = (0..n).filter(|&j| j != i).collect();
				let t = self.fit_subset(&rows, theta);
				self.query_losses(&t, &targets)
			})
			.collect();
		(0..self.m()).map(|q| per_i.iter().map(|l| l[q] - base[q]).collect()).collect()
	}

	/// Linear datamodeling score (Park et al. 2023): for `subsets` random halves `S`,
	/// retrain on `S`; the Spearman correlation over subsets between the actual query loss
	/// and the predicted `ℓ_q(θ*) + Σ_{i∉S} I(i, q)`, averaged over queries.
	/// Returns one LDS per score matrix in `methods`.
	pub fn lds(
		&self,
		theta: &[f64],
		methods: &[&Vec<Vec<f64>>],
		subsets: usize,
		seed: u64,
	) -> Vec<f64> {
		let n = self.n();
		let targets = self.query_targets(theta);
		let mut rng = SplitMix64(seed);
		let mut actual = vec![vec![0.0; subsets]; self.m()];
		let mut pred = vec![vec![vec![0.0; subsets]; self.m()]; methods.len()];
		for s in 0..subsets {
			// Random half: shuffle (Fisher-Yates) and take the first n/2.
			let mut perm: Vec<usize> = (0..n).collect();
			for i in (1..n).rev() {
				let j = (rng.next_u64() % (i as u64 + 1)) as usize;
				perm.swap(i, j);
			}
			let mut keep = perm[..n / 2].to_vec();
			keep.sort_unstable();
			let out: Vec<usize> = perm[n / 2..].to_vec();
			let t = self.fit_subset(&keep, theta);
			let l = self.query_losses(&t, &targets);
			for q in 0..self.m() {
				actual[q][s] = l[q];
				for (mi, m) in methods.iter().enumerate() {
					pred[mi][q][s] = out.iter().map(|&i| m[q][i]).sum();
				}
			}
		}
		pred.iter()
			.map(|pm| {
				(0..self.m()).map(|q| spearman(&pm[q], &actual[q])).sum::<f64>() / self.m() as f64
			})
			.collect()
	}

	/// An independent exact influence computation: per-example gradients and the Hessian
	/// by central finite differences of the losses and of the full gradient (no shared
	/// derivative code), `H⁻¹` by Gauss-Jordan elimination with partial pivoting (no
	/// Cholesky). `[query][example]`.
	pub fn independent_exact(&self, theta: &[f64]) -> Vec<Vec<f64>> {
		let pr = self.problem();
		let p = pr.p();
		let n = self.n();
		let targets = self.query_targets(theta);
		let eps = 1e-5;
		let fd_grad = |x: &[f64], y: f64| -> Vec<f64> {
			let mut g = vec![0.0; p];
			let mut t = theta.to_vec();
			for j in 0..p {
				let o = t[j];
				t[j] = o + eps;
				let a = family::loss(self.family, &t, x, y, self.classes);
				t[j] = o - eps;
				let b = family::loss(self.family, &t, x, y, self.classes);
				t[j] = o;
				g[j] = (a - b) / (2.0 * eps);
			}
			g
		};
		// Full objective gradient by finite differences of per-example losses is too noisy
		// for a second difference; differentiate the analytic-free gradient below instead.
		let full_grad = |t: &[f64]| -> Vec<f64> {
			let mut g = vec![0.0; p];
			for i in 0..n {
				let x = &self.x[i * self.d..(i + 1) * self.d];
				let mut tt = t.to_vec();
				for j in 0..p {
					let o = tt[j];
					tt[j] = o + eps;
					let a = family::loss(self.family, &tt, x, self.y[i], self.classes);
					tt[j] = o - eps;
					let b = family::loss(self.family, &tt, x, self.y[i], self.classes);
					tt[j] = o;
					g[j] += (a - b) / (2.0 * eps);
				}
			}
			for j in 0..p {
				g[j] = g[j] / n as f64 + self.l2 * t[j];
			}
			g
		};
		let h_eps = 1e-4;
		let mut h = vec![0.0; p * p];
		let mut t = theta.to_vec();
		for j in 0..p {
			let o = t[j];
			t[j] = o + h_eps;
			let a = full_grad(&t);
			t[j] = o - h_eps;
			let b = full_grad(&t);
			t[j] = o;
			for i in 0..p {
				h[i * p + j] = (a[i] - b[i]) / (2.0 * h_eps);
			}
		}
		let hinv = gauss_jordan_inverse(&h, p);
		let tg: Vec<Vec<f64>> = (0..n)
			.map(|i| {
				let g = fd_grad(&self.x[i * self.d..(i + 1) * self.d], self.y[i]);
				(0..p).map(|r| (0..p).map(|c| hinv[r * p + c] * g[c]).sum()).collect()
			})
			.collect();
		(0..self.m())
			.map(|q| {
				let gq = fd_grad(&self.xq[q * self.d..(q + 1) * self.d], targets[q]);
				tg.iter()
					.map(|v| gq.iter().zip(v).map(|(a, b)| a * b).sum::<f64>() / n as f64)
					.collect()
			})
			.collect()
	}

	/// Self-influence `I(i, i) = ∇ℓ(i)ᵀ H⁻¹ ∇ℓ(i) / n` (exact) of every training example.
	pub fn self_influence(&self, theta: &[f64]) -> Vec<f64> {
		let pr = self.problem();
		let p = pr.p();
		let tg = pr.example_gradients(theta, 0..self.n());
		let solver = Solver::new(Method::Exact, Curvature::Model { problem: pr, theta }, (0, 0))
			.expect("Hessian is positive definite");
		let v = solver.apply(&tg);
		tg.chunks(p)
			.zip(v.chunks(p))
			.map(|(g, v)| g.iter().zip(v).map(|(a, b)| a * b).sum::<f64>() / self.n() as f64)
			.collect()
	}
}

/// `H⁻¹` by Gauss-Jordan elimination with partial pivoting.
pub fn gauss_jordan_inverse(h: &[f64], p: usize) -> Vec<f64> {
	let w = 2 * p;
	let mut a = vec![0.0; p * w];
	for i in 0..p {
		a[i * w..i * w + p].copy_from_slice(&h[i * p..(i + 1) * p]);
		a[i * w + p + i] = 1.0;
	}
	for c in 0..p {
		let piv =
			(c..p).max_by(|&x, &y| a[x * w + c].abs().total_cmp(&a[y * w + c].abs())).unwrap_or(c);
		if piv != c {
			for j in 0..w {
				a.swap(c * w + j, piv * w + j);
			}
		}
		let d = a[c * w + c];
		for j in 0..w {
			a[c * w + j] /= d;
		}
		for r in 0..p {
			if r != c {
				let f = a[r * w + c];
				if f != 0.0 {
					for j in 0..w {
						a[r * w + j] -= f * a[c * w + j];
					}
				}
			}
		}
	}
	let mut inv = vec![0.0; p * p];
	for i in 0..p {
		inv[i * p..(i + 1) * p].copy_from_slice(&a[i * w + p..(i + 1) * w]);
	}
	inv
}

/// Pearson correlation.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
	let n = a.len() as f64;
	let ma = a.iter().sum::<f64>() / n;
	let mb = b.iter().sum::<f64>() / n;
	let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
	for (x, y) in a.iter().zip(b) {
		sab += (x - ma) * (y - mb);
		saa += (x - ma) * (x - ma);
		sbb += (y - mb) * (y - mb);
	}
	if saa == 0.0 || sbb == 0.0 {
		return 0.0;
	}
	sab / (saa * sbb).sqrt()
}

/// Ranks (average ranks for ties).
pub fn ranks(a: &[f64]) -> Vec<f64> {
	let mut idx: Vec<usize> = (0..a.len()).collect();
	idx.sort_by(|&x, &y| a[x].total_cmp(&a[y]));
	let mut r = vec![0.0; a.len()];
	let mut i = 0;
	while i < idx.len() {
		let mut j = i;
		while j + 1 < idx.len() && a[idx[j + 1]] == a[idx[i]] {
			j += 1;
		}
		let avg = (i + j) as f64 / 2.0;
		for t in i..=j {
			r[idx[t]] = avg;
		}
		i = j + 1;
	}
	r
}

/// Spearman rank correlation.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
	pearson(&ranks(a), &ranks(b))
}

/// Mean over queries of the Pearson correlation between two `[query][example]` matrices.
pub fn mean_pearson(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
	a.iter().zip(b).map(|(x, y)| pearson(x, y)).sum::<f64>() / a.len() as f64
}

/// Area under the ROC curve of `scores` for the positives `labels[i] == true`.
pub fn auc(scores: &[f64], labels: &[bool]) -> f64 {
	let r = ranks(scores);
	let pos = labels.iter().filter(|&&l| l).count() as f64;
	let neg = labels.len() as f64 - pos;
	let sum: f64 = r.iter().zip(labels).filter(|(_, &l)| l).map(|(r, _)| r + 1.0).sum();
	(sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Standardises columns of `x` (row-major, `d` columns) with the mean and standard
/// deviation of `train`, in place.
pub fn standardise(train: &mut [f64], others: &mut [&mut Vec<f64>], d: usize) {
	let n = train.len() / d;
	for j in 0..d {
		let m = (0..n).map(|i| train[i * d + j]).sum::<f64>() / n as f64;
		let v = (0..n).map(|i| (train[i * d + j] - m).powi(2)).sum::<f64>() / n as f64;
		let s = if v > 0.0 { v.sqrt() } else { 1.0 };
		for i in 0..n {
			train[i * d + j] = (train[i * d + j] - m) / s;
		}
		for o in others.iter_mut() {
			let k = o.len() / d;
			for i in 0..k {
				o[i * d + j] = (o[i * d + j] - m) / s;
			}
		}
	}
}

/// The UCI Wine data shipped in `data/wine.csv`: (features 178×13, labels).
pub fn wine() -> (Vec<f64>, Vec<f64>) {
	let text = include_str!("../../data/wine.csv");
	let mut ds = tributary_attribution::data::Dataset::default();
	let mut map = std::collections::HashMap::new();
	ds.add_csv(text, "wine.csv", true, &mut map).expect("wine.csv parses");
	(ds.x, ds.y)
}

/// Wine split: training rows `i mod 5 ≠ 0`, queries `i mod 5 = 0`, standardised, with
/// labels mapped by `label` (e.g. class 0 vs rest).
pub fn wine_setup(family: Family, l2: f64, label: impl Fn(f64) -> f64) -> Setup {
	let (x, y) = wine();
	let d = 13;
	let (mut xt, mut yt, mut xq) = (Vec::new(), Vec::new(), Vec::new());
	for i in 0..y.len() {
		if i % 5 == 0 {
			xq.extend_from_slice(&x[i * d..(i + 1) * d]);
		} else {
			xt.extend_from_slice(&x[i * d..(i + 1) * d]);
			yt.push(label(y[i]));
		}
	}
	standardise(&mut xt, &mut [&mut xq], d);
	let classes = if family == Family::Softmax { 3 } else { 1 };
	Setup { family, classes, d, x: xt, y: yt, xq, l2 }
}

/// Synthetic data: `n` training and `m` query points, `d` Gaussian features, labels from a
/// random linear model with noise (logistic: Bernoulli; softmax: Gumbel-max over `classes`).
pub fn synthetic(
	family: Family,
	classes: u32,
	n: usize,
	m: usize,
	d: usize,
	l2: f64,
	seed: u64,
) -> Setup {
	synthetic_decay(family, classes, n, m, d, l2, seed, 0.0)
}

/// [`synthetic`] with feature `j` scaled by `(j+1)^(−decay/2)`: the feature covariance has
/// eigenvalues `∝ (j+1)^(−decay)`, the decaying spectrum of real embeddings (`0.0` =
/// isotropic, the worst case for a k-dimensional sketch).
#[allow(clippy::too_many_arguments)]
pub fn synthetic_decay(
	family: Family,
	classes: u32,
	n: usize,
	m: usize,
	d: usize,
	l2: f64,
	seed: u64,
	decay: f64,
) -> Setup {
	let scales: Vec<f64> = (0..d).map(|j| ((j + 1) as f64).powf(-decay / 2.0)).collect();
	let norm = (scales.iter().map(|s| s * s).sum::<f64>() / d as f64).sqrt();
	let mut rng = SplitMix64(seed);
	let mut gauss = move || {
		// Box-Muller.
		let u1 = rng.next_f64().max(1e-300);
		let u2 = rng.next_f64();
		(-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
	};
	let outs = family.outputs(classes);
	let w: Vec<f64> = (0..outs * d).map(|_| gauss() / (d as f64).sqrt() * 2.0).collect();
	let mut gen = |count: usize| {
		let mut x = Vec::with_capacity(count * d);
		let mut y = Vec::with_capacity(count);
		for _ in 0..count {
			let row: Vec<f64> = (0..d).map(|j| gauss() * scales[j] / norm).collect();
			let z: Vec<f64> =
				(0..outs).map(|a| (0..d).map(|j| w[a * d + j] * row[j]).sum()).collect();
			let label = match family {
				Family::Linear => z[0] + 0.5 * gauss(),
				Family::Logistic => {
					let u = gauss();
					if z[0] + 0.5 * u > 0.0 {
						1.0
					} else {
						0.0
					}
				}
				_ => {
					let noisy: Vec<f64> = z.iter().map(|v| v + 0.5 * gauss()).collect();
					family::argmax(&noisy) as f64
				}
			};
			x.extend(row);
			y.push(label);
		}
		(x, y)
	};
	let (x, y) = gen(n);
	let (xq, _) = gen(m);
	Setup { family, classes: if family == Family::Softmax { classes } else { 1 }, d, x, y, xq, l2 }
}

/// Flips the labels of a random `fraction` of the rows; returns the flipped mask.
pub fn flip_labels(setup: &mut Setup, fraction: f64, seed: u64) -> Vec<bool> {
	let n = setup.n();
	let mut rng = SplitMix64(seed);
	let mut perm: Vec<usize> = (0..n).collect();
	for i in (1..n).rev() {
		let j = (rng.next_u64() % (i as u64 + 1)) as usize;
		perm.swap(i, j);
	}
	let k = (n as f64 * fraction).round() as usize;
	let mut mask = vec![false; n];
	for &i in &perm[..k] {
		mask[i] = true;
		setup.y[i] = match setup.family {
			Family::Logistic => 1.0 - setup.y[i],
			Family::Softmax => {
				((setup.y[i] as u64 + 1 + rng.next_u64() % (setup.classes as u64 - 1))
					% setup.classes as u64) as f64
			}
			_ => -setup.y[i],
		};
	}
	mask
}

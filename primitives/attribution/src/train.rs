//! Training to the optimum (std): Newton's method with a backtracking line search on
//!
//! ```text
//! F(θ) = (1/n) Σ_i ℓ(i; θ) + (l2/2)·‖θ‖²          (intercepts regularised too)
//! ```
//!
//! `F` is strictly convex for `l2 > 0`, so Newton converges to the unique θ*. It iterates
//! until `‖∇F(θ)‖₂ < tol` ([`NEWTON_TOL`] = `1e-10`, what the command line and
//! `BuildOptions::default()` use), at most [`MAX_NEWTON_ITERATIONS`] times. When the line
//! search can make no more progress above `tol` (F is flat to rounding there), the fit is
//! accepted if `‖∇F‖₂ < ACCEPT_TOL` (`1e-6`; the reached norm is in `Fit::grad_norm`) and
//! fails with [`TrainError::NotConverged`] otherwise. Gradient, Hessian and Hessian-vector products are
//! evaluated over fixed row chunks in parallel and reduced in chunk order, so θ* is the
//! same bit for bit for any number of threads.
//!
//! The Hessian of every built-in family (canonical-link GLM) equals its Gauss-Newton
//! matrix: `H = (1/n) Σ_i Λ_i ⊗ x̃_i x̃_iᵀ + l2·I` with `Λ_i = 1` (linear), `σ(1−σ)`
//! (logistic), `diag(π) − ππᵀ` (softmax).

use crate::{
	family::{self, Family},
	linalg::{self, chunked_sum},
};
use core::fmt;
use rayon::prelude::*;

/// Newton's target: `‖∇F(θ)‖₂ < 1e-10`.
pub const NEWTON_TOL: f64 = 1e-10;

/// The largest `‖∇F‖₂` accepted when Newton stalls above its target (rounding): `1e-6`.
pub const ACCEPT_TOL: f64 = 1e-6;

/// Newton iterations at most.
pub const MAX_NEWTON_ITERATIONS: usize = 100;

/// A training problem: features `x` (row-major `n × d`), labels `y`, objective settings.
#[derive(Clone, Copy, Debug)]
pub struct Problem<'a> {
	/// Model family (not `External`).
	pub family: Family,
	/// Classes (softmax), else 1.
	pub classes: u32,
	/// Number of features.
	pub d: usize,
	/// Row-major `n × d` features.
	pub x: &'a [f64],
	/// Labels, length `n`.
	pub y: &'a [f64],
	/// L2 strength.
	pub l2: f64,
}

/// Training failure.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
	/// No training rows.
	Empty,
	/// `l2` must be > 0 (the objective must be strictly convex) and finite.
	BadL2(f64),
	/// A label that the family does not accept.
	BadLabel { row: usize, value: f64 },
	/// Newton did not reach the tolerance.
	NotConverged { grad_norm: f64 },
	/// The Hessian is not positive definite (numerically).
	NotPositiveDefinite,
	/// The family cannot be trained here.
	NotTrainable(Family),
}

impl fmt::Display for TrainError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			TrainError::Empty => write!(f, "empty data: no training rows"),
			TrainError::BadL2(v) => write!(f, "--l2 must be a finite number > 0, got {v}"),
			TrainError::BadLabel { row, value } => {
				write!(f, "row {row}: label {value} is not valid for the model family")
			}
			TrainError::NotConverged { grad_norm } => {
				write!(f, "training did not converge (gradient norm {grad_norm:e})")
			}
			TrainError::NotPositiveDefinite => write!(f, "Hessian is not positive definite"),
			TrainError::NotTrainable(fam) => {
				write!(f, "family `{fam}` is not trained by the engine")
			}
		}
	}
}

impl std::error::Error for TrainError {}

/// A trained model.
#[derive(Clone, Debug)]
pub struct Fit {
	/// θ*.
	pub theta: Vec<f64>,
	/// Newton iterations used.
	pub iterations: usize,
	/// Final `‖∇F(θ*)‖₂`.
	pub grad_norm: f64,
}

impl<'a> Problem<'a> {
	/// Number of examples.
	pub fn n(&self) -> usize {
		self.y.len()
	}
	/// Number of outputs.
	pub fn outputs(&self) -> usize {
		self.family.outputs(self.classes)
	}
	/// Number of parameters.
	pub fn p(&self) -> usize {
		self.outputs() * (self.d + 1)
	}
	/// Row `i`.
	pub fn row(&self, i: usize) -> &'a [f64] {
		&self.x[i * self.d..(i + 1) * self.d]
	}

	/// Checks the problem.
	pub fn validate(&self) -> Result<(), TrainError> {
		if self.family == Family::External {
			return Err(TrainError::NotTrainable(self.family));
		}
		if self.n() == 0 {
			return Err(TrainError::Empty);
		}
		if !(self.l2 > 0.0 && self.l2.is_finite()) {
			return Err(TrainError::BadL2(self.l2));
		}
		for (i, &y) in self.y.iter().enumerate() {
			if !family::valid_label(self.family, y, self.classes) {
				return Err(TrainError::BadLabel { row: i, value: y });
			}
		}
		Ok(())
	}

	/// `F(θ)`.
	pub fn objective(&self, theta: &[f64]) -> f64 {
		let n = self.n();
		let s = chunked_sum(n, 1, |r| {
			let mut s = 0.0;
			for i in r {
				s += family::loss(self.family, theta, self.row(i), self.y[i], self.classes);
			}
			vec![s]
		});
		s[0] / n as f64 + 0.5 * self.l2 * linalg::dot(theta, theta)
	}

	/// `∇F(θ)`.
	pub fn gradient(&self, theta: &[f64]) -> Vec<f64> {
		let n = self.n();
		let (p, q, d) = (self.p(), self.outputs(), self.d);
		let mut g = chunked_sum(n, p, |r| {
			let mut acc = vec![0.0; p];
			let mut res = vec![0.0; q];
			for i in r {
				let x = self.row(i);
				family::residual(self.family, theta, x, self.y[i], &mut res);
				for a in 0..q {
					let ga = &mut acc[a * (d + 1)..(a + 1) * (d + 1)];
					for j in 0..d {
						ga[j] += res[a] * x[j];
					}
					ga[d] += res[a];
				}
			}
			acc
		});
		for (gi, t) in g.iter_mut().zip(theta) {
			*gi = *gi / n as f64 + self.l2 * t;
		}
		g
	}

	/// Per-example curvature into `out` (length = outputs): `Λ_i` itself for a single-output
	/// family, the probabilities `π` for softmax, whose `Λ_i = diag(π) − ππᵀ` is formed
	/// entry by entry by [`lambda`] (never as a `q × q` matrix per row).
	fn curvature(&self, theta: &[f64], x: &[f64], out: &mut [f64]) {
		match self.family {
			Family::Linear => out[0] = 1.0,
			Family::Logistic => {
				let mut z = [0.0];
				family::logits(theta, x, &mut z);
				let s = family::sigmoid(z[0]);
				out[0] = s * (1.0 - s);
			}
			Family::Softmax => {
				family::logits(theta, x, out);
				family::softmax_in_place(out);
			}
			Family::External => out[0] = 0.0,
		}
	}

	/// The Hessian `∇²F(θ)` (row-major `p × p`).
	pub fn hessian(&self, theta: &[f64]) -> Vec<f64> {
		let n = self.n();
		let (p, q, d1) = (self.p(), self.outputs(), self.d + 1);
		let mut h = chunked_sum(n, p * p, |r| {
			let rows = r.len();
			let mut xa = vec![0.0; rows * d1];
			let mut lam = vec![0.0; rows * q];
			for (t, i) in r.clone().enumerate() {
				let x = self.row(i);
				xa[t * d1..t * d1 + self.d].copy_from_slice(x);
				xa[t * d1 + self.d] = 1.0;
				self.curvature(theta, x, &mut lam[t * q..(t + 1) * q]);
			}
			let mut out = vec![0.0; p * p];
			if q == 1 {
				// Λ_i ≥ 0: H-part = (√Λ x̃)ᵀ(√Λ x̃), lower block triangle only.
				for t in 0..rows {
					let w = lam[t].max(0.0).sqrt();
					for v in &mut xa[t * d1..(t + 1) * d1] {
						*v *= w;
					}
				}
				linalg::syrk_lower(&xa, rows, d1, &mut out, p);
				return out;
			}
			let mut blk = vec![0.0; d1 * d1];
			let mut xw = vec![0.0; rows * d1];
			for a in 0..q {
				for b in a..q {
					for t in 0..rows {
						let w = lambda(&lam[t * q..(t + 1) * q], a, b);
						for j in 0..d1 {
							xw[t * d1 + j] = w * xa[t * d1 + j];
						}
					}
					linalg::gemm_tn(1.0, &xa, rows, d1, &xw, d1, 0.0, &mut blk);
					for i in 0..d1 {
						for j in 0..d1 {
							let v = blk[i * d1 + j];
							out[(a * d1 + i) * p + b * d1 + j] = v;
							out[(b * d1 + j) * p + a * d1 + i] = v;
						}
					}
				}
			}
			out
		});
		if q == 1 {
			linalg::mirror_lower(&mut h, p);
		}
		for v in h.iter_mut() {
			*v /= n as f64;
		}
		for i in 0..p {
			h[i * p + i] += self.l2;
		}
		h
	}

	/// Hessian-vector product `∇²F(θ) v` without forming the `p × p` matrix.
	pub fn hvp(&self, theta: &[f64], v: &[f64]) -> Vec<f64> {
		let n = self.n();
		let (p, q, d) = (self.p(), self.outputs(), self.d);
		let mut out = chunked_sum(n, p, |r| {
			let mut acc = vec![0.0; p];
			let mut lam = vec![0.0; q];
			let mut zv = vec![0.0; q];
			let mut w = vec![0.0; q];
			for i in r {
				let x = self.row(i);
				self.curvature(theta, x, &mut lam);
				family::logits(v, x, &mut zv);
				for (a, wa) in w.iter_mut().enumerate() {
					let mut s = 0.0;
					for (b, zb) in zv.iter().enumerate() {
						s += lambda(&lam, a, b) * zb;
					}
					*wa = s;
				}
				for a in 0..q {
					let ga = &mut acc[a * (d + 1)..(a + 1) * (d + 1)];
					for j in 0..d {
						ga[j] += w[a] * x[j];
					}
					ga[d] += w[a];
				}
			}
			acc
		});
		for (o, vi) in out.iter_mut().zip(v) {
			*o = *o / n as f64 + self.l2 * vi;
		}
		out
	}

	/// Per-example gradients `∇ℓ(i; θ)` for rows `range`, row-major `len × p`.
	pub fn example_gradients(&self, theta: &[f64], range: core::ops::Range<usize>) -> Vec<f64> {
		let p = self.p();
		let mut g = vec![0.0; range.len() * p];
		g.par_chunks_mut(p.max(1)).zip(range.into_par_iter()).for_each(|(gi, i)| {
			family::gradient(self.family, theta, self.row(i), self.y[i], self.classes, gi);
		});
		g
	}

	/// Trains to `‖∇F‖ < tol` by Newton's method, from `init` (or zero); a fit that stalls
	/// above `tol` is accepted below `max(tol, ACCEPT_TOL)` (module docs).
	pub fn fit(&self, init: Option<&[f64]>, tol: f64) -> Result<Fit, TrainError> {
		self.validate()?;
		let p = self.p();
		let mut theta = init.map(|t| t.to_vec()).unwrap_or_else(|| vec![0.0; p]);
		let mut f = self.objective(&theta);
		let mut g = self.gradient(&theta);
		let mut gn = linalg::norm(&g);
		let mut it = 0;
		while gn >= tol && it < MAX_NEWTON_ITERATIONS {
			it += 1;
			let mut h = self.hessian(&theta);
			linalg::cholesky(&mut h, p).map_err(|_| TrainError::NotPositiveDefinite)?;
			let mut step = g.clone();
			linalg::cholesky_solve(&h, p, &mut step);
			let slope = -linalg::dot(&g, &step);
			let mut t = 1.0;
			let mut accepted = false;
			for _ in 0..40 {
				let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
				let fc = self.objective(&cand);
				let gc = self.gradient(&cand);
				let gcn = linalg::norm(&gc);
				// Armijo, or (near the optimum, where F is flat to rounding) a smaller gradient.
				if fc <= f + 1e-4 * t * slope || (fc <= f + 1e-12 * f.abs() && gcn < gn) {
					theta = cand;
					f = fc;
					g = gc;
					gn = gcn;
					accepted = true;
					break;
				}
				t *= 0.5;
			}
			if !accepted {
				break;
			}
		}
		if gn.is_nan() || gn >= tol.max(ACCEPT_TOL) {
			return Err(TrainError::NotConverged { grad_norm: gn });
		}
		Ok(Fit { theta, iterations: it, grad_norm: gn })
	}
}

/// Entry `(a, b)` of a row's curvature `Λ_i` from [`Problem`]'s per-row `curvature` output
/// `c`: `c[0]` for a single output, else `[a = b]·π_a − π_a π_b` with `π = c` (softmax).
#[inline]
fn lambda(c: &[f64], a: usize, b: usize) -> f64 {
	if c.len() == 1 {
		return c[0];
	}
	(if a == b { c[a] } else { 0.0 }) - c[a] * c[b]
}

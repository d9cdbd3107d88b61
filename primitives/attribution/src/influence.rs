//! Influence functions (std): the four Hessian treatments.
//!
//! ```text
//! I(i, q) = φ(q)ᵀ · A · ψ(i) / n
//! ```
//!
//! | method      | φ(q)      | A ψ(i)                       | cost to prepare           |
//! |-------------|-----------|------------------------------|---------------------------|
//! | `exact`     | `∇ℓ(q)`   | `H⁻¹ ∇ℓ(i)` (Cholesky)       | `n·p²` + `p³/3`           |
//! | `cg`        | `∇ℓ(q)`   | `H⁻¹ ∇ℓ(i)` by CG on `Hv`    | per solve: iterations · `n·p` |
//! | `projected` | `P∇ℓ(q)`  | `H̃⁻¹ P ∇ℓ(i)`, `H̃ = PHPᵀ+λI` | `n·p²` + `k·p²` + `k³/3`  |
//! | `grad-dot`  | `∇ℓ(q)`   | `∇ℓ(i)` (`A = I`)            | none                      |
//! | `subspace`  | `B∇ℓ(q)`  | `B ∇ℓ(i)`, `B = L⁻¹Q`, `LLᵀ = QHQᵀ` | `n·p²` + `4·k·p²` + `8·k²·p` |
//!
//! Exact and CG: Koh & Liang 2017 (CG with Hessian-vector products: Martens 2010,
//! Pearlmutter 1994). Projected Gauss-Newton: TRAK (Park et al. 2023): for these GLMs the
//! Gauss-Newton matrix equals `H`, and `PHPᵀ = (1/n) ΦᵀΦ + l2·PPᵀ` where `Φ`'s rows are
//! the projected Gauss-Newton factors `P(Λ_i^{1/2} ⊗ x̃_i)`. The damping `λ` is
//! `1e-9·tr(PHPᵀ)/k` (it only matters when `k > p`, where `PHPᵀ` is singular on the
//! complement of `P`'s range, which `P∇ℓ` never touches). Grad-dot: TracIn (Pruthi et al.
//! 2020) at the final checkpoint.
//!
//! Subspace: `Q` (`k × p`, orthonormal rows) spans the dominant subspace of `H − l2·I`
//! (the data's curvature), found by subspace iteration from a seeded block; influence is
//! then exact on that subspace (Galerkin), and exact everywhere when the training
//! gradients lie in it ([`crate::subspace`]).
//!
//! For external models (`.npy` gradients, no θ) `H` is the Gauss-Newton estimate from the
//! gradients themselves (empirical Fisher): `H = (1/n) Σ g_i g_iᵀ + l2·I`.

use crate::{index::Method, linalg, projection, subspace, train::Problem};
use rayon::prelude::*;
use std::sync::Mutex;

/// Where the Hessian comes from.
#[derive(Clone, Copy, Debug)]
pub enum Curvature<'a> {
	/// A trained built-in family at θ.
	Model { problem: Problem<'a>, theta: &'a [f64] },
	/// External gradients (row-major `n × p`) with L2 `l2`.
	External { grads: &'a [f64], p: usize, l2: f64 },
}

impl<'a> Curvature<'a> {
	/// Gradient dimension.
	pub fn p(&self) -> usize {
		match self {
			Curvature::Model { problem, .. } => problem.p(),
			Curvature::External { p, .. } => *p,
		}
	}
	/// Training set size.
	pub fn n(&self) -> usize {
		match self {
			Curvature::Model { problem, .. } => problem.n(),
			Curvature::External { grads, p, .. } => grads.len() / (*p).max(1),
		}
	}
	/// `H` (row-major `p × p`).
	pub fn hessian(&self) -> Vec<f64> {
		match self {
			Curvature::Model { problem, theta } => problem.hessian(theta),
			Curvature::External { grads, p, l2 } => {
				let p = *p;
				let n = self.n();
				let mut h = linalg::chunked_sum(n, p * p, |r| {
					let mut out = vec![0.0; p * p];
					let g = &grads[r.start * p..r.end * p];
					linalg::syrk_lower(g, r.len(), p, &mut out, p);
					out
				});
				linalg::mirror_lower(&mut h, p);
				for v in h.iter_mut() {
					*v /= n as f64;
				}
				for i in 0..p {
					h[i * p + i] += l2;
				}
				h
			}
		}
	}
	/// The L2 strength: `H − l2·I` is the data's curvature (positive semi-definite).
	pub fn l2(&self) -> f64 {
		match self {
			Curvature::Model { problem, .. } => problem.l2,
			Curvature::External { l2, .. } => *l2,
		}
	}
	/// `H v` without forming `H`.
	pub fn hvp(&self, v: &[f64]) -> Vec<f64> {
		match self {
			Curvature::Model { problem, theta } => problem.hvp(theta, v),
			Curvature::External { grads, p, l2 } => {
				let p = *p;
				let n = self.n();
				let mut out = linalg::chunked_sum(n, p, |r| {
					let mut acc = vec![0.0; p];
					for i in r {
						let g = &grads[i * p..(i + 1) * p];
						let s = linalg::dot(g, v);
						for j in 0..p {
							acc[j] += s * g[j];
						}
					}
					acc
				});
				for (o, vi) in out.iter_mut().zip(v) {
					*o = *o / n as f64 + l2 * vi;
				}
				out
			}
		}
	}
}

/// A prepared Hessian treatment.
pub enum Solver<'a> {
	/// `H⁻¹` explicitly (from the Cholesky factor).
	Exact { hinv: Vec<f64>, p: usize },
	/// Conjugate gradient on Hessian-vector products, to `‖r‖ ≤ tol·‖b‖`; `stats` counts
	/// the solves and those that stopped at the iteration cap.
	Cg { curvature: Curvature<'a>, tol: f64, stats: Mutex<CgStats> },
	/// Projection `P` (`k × p`) and `H̃⁻¹` (`k × k`).
	Projected { seed: u64, k: usize, p: usize, pm: Vec<f64>, hinv: Vec<f64> },
	/// Identity.
	GradDot { p: usize },
	/// The subspace basis `B` (`k × p`, [`subspace::basis`]).
	Subspace { k: usize, p: usize, basis: Vec<f64> },
}

/// Solver failure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverError;

impl core::fmt::Display for SolverError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(f, "Hessian is not positive definite")
	}
}

impl std::error::Error for SolverError {}

impl<'a> Solver<'a> {
	/// Prepares `method` for `curvature`. `projection = (seed, k)` for `Method::Projected`.
	pub fn new(
		method: Method,
		curvature: Curvature<'a>,
		projection: (u64, usize),
	) -> Result<Solver<'a>, SolverError> {
		let p = curvature.p();
		Ok(match method {
			Method::Exact => {
				let mut h = curvature.hessian();
				linalg::cholesky(&mut h, p).map_err(|_| SolverError)?;
				Solver::Exact { hinv: linalg::cholesky_inverse(&h, p), p }
			}
			Method::Cg => Solver::Cg { curvature, tol: CG_TOL, stats: Mutex::default() },
			Method::Projected => {
				let (seed, k) = projection;
				let h = curvature.hessian();
				let pm = projection::matrix(seed, k, p);
				// PH (k×p), then PHPᵀ (k×k).
				let mut ph = vec![0.0; k * p];
				linalg::gemm_nn(1.0, &pm, k, p, &h, p, 0.0, &mut ph);
				let mut ht = vec![0.0; k * k];
				linalg::gemm_nt(&ph, k, p, &pm, k, &mut ht);
				linalg::symmetrise(&mut ht, k);
				let tr: f64 = (0..k).map(|i| ht[i * k + i]).sum();
				let lambda = 1e-9 * tr / k as f64;
				for i in 0..k {
					ht[i * k + i] += lambda;
				}
				linalg::cholesky(&mut ht, k).map_err(|_| SolverError)?;
				Solver::Projected { seed, k, p, pm, hinv: linalg::cholesky_inverse(&ht, k) }
			}
			Method::GradDot => Solver::GradDot { p },
			Method::Subspace => {
				let (seed, k) = projection;
				let h = curvature.hessian();
				let basis =
					subspace::basis(&h, p, curvature.l2(), seed, k).map_err(|_| SolverError)?;
				Solver::Subspace { k, p, basis }
			}
		})
	}

	/// Length of the score-space vectors.
	pub fn dim(&self) -> usize {
		match self {
			Solver::Exact { p, .. } | Solver::GradDot { p } => *p,
			Solver::Cg { curvature, .. } => curvature.p(),
			Solver::Projected { k, .. } | Solver::Subspace { k, .. } => *k,
		}
	}

	/// The basis of a subspace solver as the index stores it (f32, exactly the values the
	/// solver applies); `None` for the other methods.
	pub fn basis(&self) -> Option<Vec<f32>> {
		match self {
			Solver::Subspace { basis, .. } => Some(basis.iter().map(|&v| v as f32).collect()),
			_ => None,
		}
	}

	/// What the CG solves so far did (`None` for the other methods).
	pub fn cg_stats(&self) -> Option<CgStats> {
		match self {
			Solver::Cg { stats, .. } => stats.lock().ok().map(|s| *s),
			_ => None,
		}
	}

	/// `φ(q)` from the query gradient (projects with the no_std routine the index uses).
	pub fn query_map(&self, g: &[f64]) -> Vec<f64> {
		match self {
			Solver::Projected { seed, k, .. } => {
				let mut out = vec![0.0; *k];
				projection::project(*seed, g, &mut out);
				out
			}
			Solver::Subspace { k, p, basis } => {
				let mut out = vec![0.0; *k];
				linalg::gemm_nt(g, 1, *p, basis, *k, &mut out);
				out
			}
			_ => g.to_vec(),
		}
	}

	/// `A ψ` for each row of `g` (row-major `rows × p`), as row-major `rows × dim`.
	pub fn apply(&self, g: &[f64]) -> Vec<f64> {
		match self {
			Solver::Exact { hinv, p } => map_row_blocks(g, *p, *p, |gi, r, o| {
				linalg::gemm_nn(1.0, gi, r, *p, hinv, *p, 0.0, o);
			}),
			Solver::Cg { curvature, tol, stats } => {
				let p = curvature.p();
				let rows: Vec<CgSolve> =
					g.par_chunks(p.max(1)).map(|b| cg_solve(curvature, b, *tol)).collect();
				if let Ok(mut st) = stats.lock() {
					for r in &rows {
						st.add(r);
					}
				}
				rows.into_iter().flat_map(|r| r.x).collect()
			}
			Solver::Projected { k, p, pm, hinv, .. } => map_row_blocks(g, *p, *k, |gi, r, o| {
				let mut pg = vec![0.0; r * k];
				linalg::gemm_nt(gi, r, *p, pm, *k, &mut pg);
				linalg::gemm_nn(1.0, &pg, r, *k, hinv, *k, 0.0, o);
			}),
			Solver::GradDot { .. } => g.to_vec(),
			Solver::Subspace { k, p, basis } => map_row_blocks(g, *p, *k, |gi, r, o| {
				linalg::gemm_nt(gi, r, *p, basis, *k, o);
			}),
		}
	}
}

/// Rows per block of [`Solver::apply`]'s parallel passes. Fixed, and the build's waves of
/// gradient rows are multiples of it ([`crate::memory::gradient_rows`]), so the vectors do
/// not depend on the split.
pub const APPLY_BLOCK: usize = 256;

/// `f(block of g, its row count, its block of the result)` over fixed blocks of
/// [`APPLY_BLOCK`] rows, in parallel: `g` is row-major `rows × p`, the result `rows × dim`.
/// Each block's product is independent of the others.
fn map_row_blocks<F>(g: &[f64], p: usize, dim: usize, f: F) -> Vec<f64>
where
	F: Fn(&[f64], usize, &mut [f64]) + Sync,
{
	let rows = g.len() / p.max(1);
	let mut out = vec![0.0; rows * dim];
	out.par_chunks_mut(APPLY_BLOCK * dim)
		.zip(g.par_chunks(APPLY_BLOCK * p))
		.for_each(|(o, gi)| f(gi, gi.len() / p, o));
	out
}

/// CG's relative tolerance `‖r‖ ≤ CG_TOL·‖b‖`.
pub const CG_TOL: f64 = 1e-12;

/// One CG solve: the solution, its iterations, whether it met the tolerance, and (when it
/// did not) its true relative residual `‖b − Hx‖ / ‖b‖`.
#[derive(Clone, Debug, PartialEq)]
pub struct CgSolve {
	/// The solution `x ≈ H⁻¹ b`.
	pub x: Vec<f64>,
	/// Iterations run.
	pub iterations: usize,
	/// Whether `‖r‖ ≤ tol·‖b‖` was reached before the `2p + 10` cap.
	pub converged: bool,
	/// `‖b − Hx‖ / ‖b‖` of an unconverged solve (0 when converged; one extra `Hv`).
	pub residual: f64,
}

/// Counts over the CG solves of a build.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CgStats {
	/// Solves run.
	pub solves: usize,
	/// Solves that stopped at the `2p + 10` iteration cap above the tolerance.
	pub unconverged: usize,
	/// Largest true relative residual `‖b − Hx‖ / ‖b‖` among them.
	pub worst_residual: f64,
	/// Most iterations of one solve.
	pub max_iterations: usize,
}

impl CgStats {
	fn add(&mut self, s: &CgSolve) {
		self.solves += 1;
		self.max_iterations = self.max_iterations.max(s.iterations);
		if !s.converged {
			self.unconverged += 1;
			self.worst_residual = self.worst_residual.max(s.residual);
		}
	}
}

/// Solves `H x = b` by conjugate gradient (Hestenes & Stiefel 1952) with Hessian-vector
/// products, to `‖r‖ ≤ tol·‖b‖` or `2p + 10` iterations; a solve that stops at the cap is
/// reported (`converged: false`, with its true residual), not hidden.
pub fn cg_solve(curvature: &Curvature<'_>, b: &[f64], tol: f64) -> CgSolve {
	let p = b.len();
	let mut x = vec![0.0; p];
	let mut r = b.to_vec();
	let mut d = r.clone();
	let mut rr = linalg::dot(&r, &r);
	let stop = tol * tol * rr;
	let mut converged = false;
	let mut iterations = 0;
	for _ in 0..2 * p + 10 {
		if rr <= stop || rr == 0.0 {
			converged = true;
			break;
		}
		iterations += 1;
		let hd = curvature.hvp(&d);
		let alpha = rr / linalg::dot(&d, &hd);
		for j in 0..p {
			x[j] += alpha * d[j];
			r[j] -= alpha * hd[j];
		}
		let rr2 = linalg::dot(&r, &r);
		let beta = rr2 / rr;
		for j in 0..p {
			d[j] = r[j] + beta * d[j];
		}
		rr = rr2;
	}
	converged |= rr <= stop || rr == 0.0;
	let residual = if converged {
		0.0
	} else {
		let hx = curvature.hvp(&x);
		let res: Vec<f64> = b.iter().zip(&hx).map(|(bi, hi)| bi - hi).collect();
		linalg::norm(&res) / linalg::norm(b)
	};
	CgSolve { x, iterations, converged, residual }
}

/// Per-example influence of every training example on each query:
/// `out[q][i] = φ(q)ᵀ A ∇ℓ(i) / n`. `query_grads` is row-major `m × p`.
pub fn influence_matrix(
	solver: &Solver<'_>,
	train_grads: &[f64],
	query_grads: &[f64],
	p: usize,
	n: usize,
) -> Vec<Vec<f64>> {
	let v = solver.apply(train_grads);
	let k = solver.dim();
	query_grads
		.chunks(p.max(1))
		.map(|gq| {
			let phi = solver.query_map(gq);
			v.chunks(k.max(1)).map(|vi| linalg::dot(&phi, vi) / n as f64).collect()
		})
		.collect()
}

//! Dense linear algebra for the std side, with results that do not depend on the machine:
//! GEMM, the Hessian's symmetric rank-k update, Cholesky, solve and inverse, deterministic
//! parallel reductions. All matrices are row-major `Vec<f64>`.
//!
//! # Order guarantee
//!
//! Every output element of a product is one accumulator, advanced over the inner dimension
//! in order, `l = 0, 1, 2, …`, by one IEEE fused multiply-add per step
//! (`acc ← fma(a_l, b_l, acc)`, `f64::mul_add`: exactly one rounding). The order never
//! depends on the CPU, the vector width, the number of threads or run-time detection:
//! vectors run across output elements (register tiles of `C`, each lane its own
//! accumulator, [`micro`]), panels are packed for the caches, the inner dimension is
//! blocked only by storing an accumulator and continuing it ([`gemm`]), and rayon tasks
//! take whole rows of `C`. The AVX2 + FMA kernel (chosen when the CPU has both) and the
//! portable scalar kernel give the same bits; `TRIBUTARY_ENGINE_KERNEL=portable` or
//! [`force_portable`] selects the portable one. Cholesky, its solve and inverse follow the
//! same rule ([`cholesky`]), and reductions over examples add fixed [`CHUNK`]s' partial
//! results in chunk order ([`chunked_sum`]). An index built from the same data and options
//! therefore has the same bytes on every machine (`tributary attribution verify`).

pub mod cholesky;
pub mod gemm;
pub mod micro;
#[cfg(test)]
mod tests;

pub use cholesky::{cholesky, cholesky_inverse, cholesky_solve, NotPositiveDefinite};
pub use micro::{available, force, force_portable, kernel, Kernel, KERNEL_ENV};

use gemm::{Part, View};
use rayon::prelude::*;

/// `C (m×n) = beta·C + alpha·Aᵀ B` with `A` row-major `r×m` and `B` row-major `r×n`.
///
/// Each element: `acc` = the ordered fused multiply-add chain of `Σ_l A[l][i]·B[l][j]`
/// (module docs), then `alpha·acc` when `beta = 0` (`C`'s old value is not read) and
/// `alpha·acc + beta·C` otherwise (two multiplies and an add, separately rounded).
#[allow(clippy::too_many_arguments)]
pub fn gemm_tn(
	alpha: f64,
	a: &[f64],
	r: usize,
	m: usize,
	b: &[f64],
	n: usize,
	beta: f64,
	c: &mut [f64],
) {
	assert!(a.len() >= r * m && b.len() >= r * n && c.len() >= m * n);
	let av = View { data: a, rs: 1, cs: m };
	let bv = View { data: b, rs: n, cs: 1 };
	scaled(alpha, beta, m, n, r, av, bv, c);
}

/// `C (m×n) = beta·C + alpha·A B` with `A` row-major `m×k`, `B` row-major `k×n`; each
/// element as in [`gemm_tn`].
#[allow(clippy::too_many_arguments)]
pub fn gemm_nn(
	alpha: f64,
	a: &[f64],
	m: usize,
	k: usize,
	b: &[f64],
	n: usize,
	beta: f64,
	c: &mut [f64],
) {
	assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
	let av = View { data: a, rs: k, cs: 1 };
	let bv = View { data: b, rs: n, cs: 1 };
	scaled(alpha, beta, m, n, k, av, bv, c);
}

/// `C (m×n) = A Bᵀ` with `A` row-major `m×k`, `B` row-major `n×k`; each element the
/// ordered chain of `Σ_l A[i][l]·B[j][l]`.
pub fn gemm_nt(a: &[f64], m: usize, k: usize, b: &[f64], n: usize, c: &mut [f64]) {
	assert!(a.len() >= m * k && b.len() >= n * k && c.len() >= m * n);
	let av = View { data: a, rs: k, cs: 1 };
	let bv = View { data: b, rs: 1, cs: k };
	scaled(1.0, 0.0, m, n, k, av, bv, c);
}

/// `C = beta·C + alpha·(A B)` through [`gemm::accumulate`] (`C` is `m × n`, dense).
#[allow(clippy::too_many_arguments)]
fn scaled(
	alpha: f64,
	beta: f64,
	m: usize,
	n: usize,
	k: usize,
	a: View<'_>,
	b: View<'_>,
	c: &mut [f64],
) {
	if m == 0 || n == 0 {
		return;
	}
	let c = &mut c[..m * n];
	if beta == 0.0 {
		c.fill(0.0);
		gemm::accumulate(m, n, k, a, b, false, c, n, Part::Full);
		if alpha != 1.0 {
			c.iter_mut().for_each(|v| *v *= alpha);
		}
	} else {
		let mut acc = vec![0.0; m * n];
		gemm::accumulate(m, n, k, a, b, false, &mut acc, n, Part::Full);
		for (v, s) in c.iter_mut().zip(&acc) {
			*v = alpha * s + beta * *v;
		}
	}
}

/// Lower triangle (diagonal included) of `C += Aᵀ A` for row-major `A` (`r × m`), written
/// into the row-major `C` (`m × m`, row stride `ldc`); the strict upper triangle is left
/// untouched (see [`mirror_lower`]). Each `C[i][j]` (`j ≤ i`) continues from its own value:
/// `c ← fma(A[l][i], A[l][j], c)` for `l = 0..r` in order. Half the flops of a full GEMM.
/// Callers reduce over fixed row chunks ([`chunked_sum`]), so results do not depend on the
/// thread count.
pub fn syrk_lower(a: &[f64], r: usize, m: usize, c: &mut [f64], ldc: usize) {
	assert!(a.len() >= r * m && ldc >= m && c.len() >= (m.max(1) - 1) * ldc + m);
	let av = View { data: a, rs: 1, cs: m };
	let bv = View { data: a, rs: m, cs: 1 };
	gemm::accumulate(m, m, r, av, bv, false, c, ldc, Part::Lower);
}

/// Copies the lower triangle written by [`syrk_lower`] to the upper one, making the
/// `m × m` row-major matrix symmetric.
pub fn mirror_lower(c: &mut [f64], m: usize) {
	for i in 0..m {
		for j in i + 1..m {
			c[i * m + j] = c[j * m + i];
		}
	}
}

/// Replaces both `c[i][j]` and `c[j][i]` of the `m × m` row-major matrix by their mean
/// `0.5·(c[i][j] + c[j][i])`: the symmetric part of a product that is symmetric in exact
/// arithmetic (`PHPᵀ`, `QHQᵀ`).
pub fn symmetrise(c: &mut [f64], m: usize) {
	for i in 0..m {
		for j in i + 1..m {
			let v = 0.5 * (c[i * m + j] + c[j * m + i]);
			c[i * m + j] = v;
			c[j * m + i] = v;
		}
	}
}

/// `Σ a_i b_i`, added in index order (separate multiply and add; one accumulator).
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
	a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Euclidean norm.
pub fn norm(a: &[f64]) -> f64 {
	dot(a, a).sqrt()
}

/// Rows per chunk of every parallel pass over examples. Fixed, so reductions do not
/// depend on the number of threads.
pub const CHUNK: usize = 1024;

/// Sums `f(range)` over fixed row chunks of `0..n`, in parallel, adding the partial
/// results in chunk order: the result is the same for any number of threads.
///
/// Memory: the sum and [`crate::memory::reduction_wave`] partial results of `len` f64s
/// (at most 16, fewer for large `len`, at least one per thread).
pub fn chunked_sum<F>(n: usize, len: usize, f: F) -> Vec<f64>
where
	F: Fn(core::ops::Range<usize>) -> Vec<f64> + Sync,
{
	let wave = crate::memory::reduction_wave(len, rayon::current_num_threads());
	chunked_sum_in_waves(n, len, wave, f)
}

/// [`chunked_sum`] evaluating `wave` chunks at a time. The partial results are added in
/// chunk order whatever the wave, so the result does not depend on it.
pub fn chunked_sum_in_waves<F>(n: usize, len: usize, wave: usize, f: F) -> Vec<f64>
where
	F: Fn(core::ops::Range<usize>) -> Vec<f64> + Sync,
{
	let chunks = n.div_ceil(CHUNK);
	let wave = wave.max(1);
	let mut acc = vec![0.0; len];
	let mut c0 = 0;
	while c0 < chunks {
		let c1 = (c0 + wave).min(chunks);
		let parts: Vec<Vec<f64>> =
			(c0..c1).into_par_iter().map(|c| f(c * CHUNK..((c + 1) * CHUNK).min(n))).collect();
		for part in parts {
			for (a, v) in acc.iter_mut().zip(part) {
				*a += v;
			}
		}
		c0 = c1;
	}
	acc
}

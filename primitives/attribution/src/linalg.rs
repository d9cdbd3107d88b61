//! Dense linear algebra for the std side: GEMM (`matrixmultiply`), the Hessian's symmetric
//! rank-k update, Cholesky and inverse (faer, which `examples/bench_linalg.rs` shows faster
//! here), deterministic parallel reductions. All matrices are row-major `Vec<f64>`.

use faer::{
	dyn_stack::{MemBuffer, MemStack},
	linalg::{
		cholesky::llt,
		matmul::triangular::{self, BlockStructure},
		triangular_inverse,
	},
	Accum, Mat, MatMut, MatRef, Par,
};
use rayon::prelude::*;

/// `C (m×n) = beta·C + alpha·Aᵀ B` with `A` row-major `r×m` and `B` row-major `r×n`.
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
	if m == 0 || n == 0 {
		return;
	}
	// SAFETY: the asserts above bound every index the strides address.
	unsafe {
		matrixmultiply::dgemm(
			m,
			r,
			n,
			alpha,
			a.as_ptr(),
			1,
			m as isize,
			b.as_ptr(),
			n as isize,
			1,
			beta,
			c.as_mut_ptr(),
			n as isize,
			1,
		);
	}
}

/// `C (m×n) = beta·C + alpha·A B` with `A` row-major `m×k`, `B` row-major `k×n`.
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
	if m == 0 || n == 0 {
		return;
	}
	// SAFETY: bounds asserted above.
	unsafe {
		matrixmultiply::dgemm(
			m,
			k,
			n,
			alpha,
			a.as_ptr(),
			k as isize,
			1,
			b.as_ptr(),
			n as isize,
			1,
			beta,
			c.as_mut_ptr(),
			n as isize,
			1,
		);
	}
}

/// `C (m×n) = A Bᵀ` with `A` row-major `m×k`, `B` row-major `n×k`.
pub fn gemm_nt(a: &[f64], m: usize, k: usize, b: &[f64], n: usize, c: &mut [f64]) {
	assert!(a.len() >= m * k && b.len() >= n * k && c.len() >= m * n);
	if m == 0 || n == 0 {
		return;
	}
	// SAFETY: bounds asserted above.
	unsafe {
		matrixmultiply::dgemm(
			m,
			k,
			n,
			1.0,
			a.as_ptr(),
			k as isize,
			1,
			b.as_ptr(),
			1,
			k as isize,
			0.0,
			c.as_mut_ptr(),
			n as isize,
			1,
		);
	}
}

/// Lower triangle (diagonal included) of `C += Aᵀ A` for row-major `A` (`r × m`), written
/// into the row-major `C` (`m × m`, row stride `ldc`); the strict upper triangle is left
/// untouched (see [`mirror_lower`]). Half the flops of a full GEMM, with faer's triangular
/// GEMM kernel on one thread: callers parallelise over fixed row chunks, so results do not
/// depend on the thread count. (`examples/bench_linalg.rs` measures it against
/// `matrixmultiply`.)
pub fn syrk_lower(a: &[f64], r: usize, m: usize, c: &mut [f64], ldc: usize) {
	assert!(a.len() >= r * m && ldc >= m && c.len() >= (m.max(1) - 1) * ldc + m);
	if r == 0 || m == 0 {
		return;
	}
	// Row-major A (r × m) is the column-major m × r matrix Aᵀ; row-major C is the
	// column-major Cᵀ, whose upper triangle is C's lower one.
	let at = MatRef::from_column_major_slice_with_stride(&a[..r * m], m, r, m);
	let ct =
		MatMut::from_column_major_slice_with_stride_mut(&mut c[..(m - 1) * ldc + m], m, m, ldc);
	triangular::matmul(
		ct,
		BlockStructure::TriangularUpper,
		Accum::Add,
		at,
		BlockStructure::Rectangular,
		at.transpose(),
		BlockStructure::Rectangular,
		1.0,
		Par::Seq,
	);
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

/// The matrix is not positive definite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NotPositiveDefinite;

/// In-place Cholesky `H = L Lᵀ` of the symmetric `p×p` matrix; the lower triangle holds
/// `L` afterwards (the strict upper triangle is zeroed). faer's blocked factorisation on one
/// thread, so the result does not depend on the thread count.
pub fn cholesky(h: &mut [f64], p: usize) -> Result<(), NotPositiveDefinite> {
	if h[..p * p].iter().any(|v| !v.is_finite()) {
		return Err(NotPositiveDefinite);
	}
	if p == 0 {
		return Ok(());
	}
	let mut buffer = MemBuffer::new(llt::factor::cholesky_in_place_scratch::<f64>(
		p,
		Par::Seq,
		Default::default(),
	));
	let stack = MemStack::new(&mut buffer);
	let view = MatMut::from_row_major_slice_mut(&mut h[..p * p], p, p);
	llt::factor::cholesky_in_place(view, Default::default(), Par::Seq, stack, Default::default())
		.map_err(|_| NotPositiveDefinite)?;
	for i in 0..p {
		if !(h[i * p + i] > 0.0 && h[i * p + i].is_finite()) {
			return Err(NotPositiveDefinite);
		}
		for j in i + 1..p {
			h[i * p + j] = 0.0;
		}
	}
	Ok(())
}

/// Solves `L Lᵀ x = b` in place.
pub fn cholesky_solve(l: &[f64], p: usize, b: &mut [f64]) {
	for i in 0..p {
		let mut s = b[i];
		for t in 0..i {
			s -= l[i * p + t] * b[t];
		}
		b[i] = s / l[i * p + i];
	}
	for i in (0..p).rev() {
		let mut s = b[i];
		for t in i + 1..p {
			s -= l[t * p + i] * b[t];
		}
		b[i] = s / l[i * p + i];
	}
}

/// `H⁻¹` from the Cholesky factor: `L⁻ᵀ L⁻¹` (faer's triangular inverse and triangular
/// GEMM on one thread), exactly symmetric.
pub fn cholesky_inverse(l: &[f64], p: usize) -> Vec<f64> {
	let mut linv = Mat::<f64>::zeros(p, p);
	let lref = MatRef::from_row_major_slice(&l[..p * p], p, p);
	triangular_inverse::invert_lower_triangular(linv.as_mut(), lref, Par::Seq);
	let mut out = Mat::<f64>::zeros(p, p);
	triangular::matmul(
		out.as_mut(),
		BlockStructure::Rectangular,
		Accum::Replace,
		linv.transpose(),
		BlockStructure::TriangularUpper,
		linv.as_ref(),
		BlockStructure::TriangularLower,
		1.0,
		Par::Seq,
	);
	let mut h = vec![0.0; p * p];
	for i in 0..p {
		for j in 0..p {
			h[i * p + j] = if j < i {
				0.5 * (out[(i, j)] + out[(j, i)])
			} else if j > i {
				0.5 * (out[(j, i)] + out[(i, j)])
			} else {
				out[(i, i)]
			};
		}
	}
	h
}

/// `Σ a_i b_i`.
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

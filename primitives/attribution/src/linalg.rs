//! Dense linear algebra for the std side: GEMM (via `matrixmultiply`), Cholesky,
//! deterministic parallel reductions. All matrices are row-major `Vec<f64>`.

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

/// Lower block triangle of `C += Aᵀ A` for row-major `A` (`r × m`), written into the
/// row-major `C` (`m × m`, row stride `ldc`). Blocks of 256 columns; blocks strictly
/// above the diagonal are left untouched (mirror them afterwards): about half the flops
/// of a full GEMM.
pub fn syrk_lower_blocks(a: &[f64], r: usize, m: usize, c: &mut [f64], ldc: usize) {
	assert!(a.len() >= r * m && c.len() >= (m.max(1) - 1) * ldc + m);
	let bs = 256;
	let mut i0 = 0;
	while i0 < m {
		let bi = bs.min(m - i0);
		let mut j0 = 0;
		while j0 <= i0 {
			let bj = bs.min(m - j0);
			// SAFETY: every addressed element lies inside `a` / `c` (asserted sizes, block
			// offsets below m).
			unsafe {
				matrixmultiply::dgemm(
					bi,
					r,
					bj,
					1.0,
					a.as_ptr().add(i0),
					1,
					m as isize,
					a.as_ptr().add(j0),
					m as isize,
					1,
					1.0,
					c.as_mut_ptr().add(i0 * ldc + j0),
					ldc as isize,
					1,
				);
			}
			j0 += bs;
		}
		i0 += bs;
	}
}

/// Copies the lower block triangle written by [`syrk_lower_blocks`] (blocks of 256) to
/// the upper one, making the `m × m` matrix symmetric.
pub fn mirror_lower_blocks(c: &mut [f64], m: usize) {
	let bs = 256;
	for i in 0..m {
		for j in i + 1..m {
			// (i, j) is above the diagonal; it was computed if its block is on the diagonal.
			if i / bs != j / bs {
				c[i * m + j] = c[j * m + i];
			}
		}
	}
}

/// The matrix is not positive definite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NotPositiveDefinite;

/// In-place Cholesky `H = L Lᵀ` of the symmetric `p×p` matrix; the lower triangle holds
/// `L` afterwards (the strict upper triangle is zeroed).
pub fn cholesky(h: &mut [f64], p: usize) -> Result<(), NotPositiveDefinite> {
	for j in 0..p {
		let mut s = h[j * p + j];
		for t in 0..j {
			s -= h[j * p + t] * h[j * p + t];
		}
		if s.is_nan() || s <= 0.0 || !s.is_finite() {
			return Err(NotPositiveDefinite);
		}
		let l = s.sqrt();
		h[j * p + j] = l;
		let (top, rest) = h.split_at_mut((j + 1) * p);
		let rowj = &top[j * p..j * p + j];
		rest.par_chunks_mut(p).with_min_len(64).for_each(|row| {
			let mut s = row[j];
			for t in 0..j {
				s -= row[t] * rowj[t];
			}
			row[j] = s / l;
		});
	}
	for i in 0..p {
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

/// `H⁻¹` from the Cholesky factor: `L⁻ᵀ L⁻¹`.
pub fn cholesky_inverse(l: &[f64], p: usize) -> Vec<f64> {
	// Columns of L⁻¹ by forward substitution, in parallel (independent columns).
	let cols: Vec<Vec<f64>> = (0..p)
		.into_par_iter()
		.map(|c| {
			let mut x = vec![0.0; p];
			x[c] = 1.0 / l[c * p + c];
			for i in c + 1..p {
				let mut s = 0.0;
				for t in c..i {
					s -= l[i * p + t] * x[t];
				}
				x[i] = s / l[i * p + i];
			}
			x
		})
		.collect();
	// linv row-major: linv[i][c] = cols[c][i]
	let mut linv = vec![0.0; p * p];
	for (c, col) in cols.iter().enumerate() {
		for i in 0..p {
			linv[i * p + c] = col[i];
		}
	}
	let mut out = vec![0.0; p * p];
	gemm_tn(1.0, &linv, p, p, &linv, p, 0.0, &mut out);
	// Exact symmetry.
	for i in 0..p {
		for j in i + 1..p {
			let v = 0.5 * (out[i * p + j] + out[j * p + i]);
			out[i * p + j] = v;
			out[j * p + i] = v;
		}
	}
	out
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
pub fn chunked_sum<F>(n: usize, len: usize, f: F) -> Vec<f64>
where
	F: Fn(core::ops::Range<usize>) -> Vec<f64> + Sync,
{
	let chunks = n.div_ceil(CHUNK);
	let mut acc = vec![0.0; len];
	// Bound memory: evaluate at most 16 chunks at a time.
	let wave = 16;
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

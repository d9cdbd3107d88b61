//! The scoring kernel: dot products in a fixed summation order (no_std).
//!
//! `dot(φ, u) = Σ_j φ_j·u_j` is defined as sixteen interleaved partial sums
//! `s_l = Σ_{j ≡ l (mod 16), j < 16⌊k/16⌋} φ_j·u_j` (each in increasing `j`), combined
//! pairwise (`t_i = s_{2i} + s_{2i+1}`, then again on `t`, … down to one value), then the
//! tail `j ≥ 16⌊k/16⌋` added in order. Products and sums are f64 (`u` is widened from f32
//! exactly); Rust never contracts `a*b+c` into a fused multiply-add, so the result is the
//! same bit for bit whatever vector width executes it (scalar, SSE, AVX2, wasm).

/// Lanes of the fixed summation order.
pub const LANES: usize = 16;

/// Pairwise sum of the sixteen lanes.
#[inline(always)]
fn tree(acc: &[f64; LANES]) -> f64 {
	let mut t = *acc;
	let mut w = LANES;
	while w > 1 {
		w /= 2;
		for i in 0..w {
			t[i] = t[2 * i] + t[2 * i + 1];
		}
	}
	t[0]
}

/// `Σ_j φ_j·u_j` in the fixed order above (portable code).
#[inline(always)]
pub fn dot(phi: &[f64], u: &[f32]) -> f64 {
	let n = phi.len().min(u.len());
	let body = n - n % LANES;
	let mut acc = [0.0f64; LANES];
	for (pc, uc) in phi[..body].chunks_exact(LANES).zip(u[..body].chunks_exact(LANES)) {
		for l in 0..LANES {
			acc[l] += pc[l] * uc[l] as f64;
		}
	}
	let mut s = tree(&acc);
	for j in body..n {
		s += phi[j] * u[j] as f64;
	}
	s
}

/// [`dot`] with AVX2 intrinsics: the same operations in the same order.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
pub unsafe fn dot_avx2(phi: &[f64], u: &[f32]) -> f64 {
	let n = phi.len().min(u.len());
	dot_avx2_ptr(&phi[..n], u.as_ptr())
}

/// [`dot_le`] with AVX2 intrinsics: the same operations in the same order.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
pub unsafe fn dot_le_avx2(phi: &[f64], u: &[u8]) -> f64 {
	let n = phi.len().min(u.len() / 4);
	// x86-64 is little-endian: the bytes are the f32s, read with unaligned loads.
	dot_avx2_ptr(&phi[..n], u.as_ptr() as *const f32)
}

/// `Σ_j φ_j·u_j` over `phi.len()` f32s at `up` (any alignment), in the order of [`dot`].
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
unsafe fn dot_avx2_ptr(phi: &[f64], up: *const f32) -> f64 {
	use core::arch::x86_64::*;
	let n = phi.len();
	let body = n - n % LANES;
	let pp = phi.as_ptr();
	let mut a0 = _mm256_setzero_pd();
	let mut a1 = _mm256_setzero_pd();
	let mut a2 = _mm256_setzero_pd();
	let mut a3 = _mm256_setzero_pd();
	let mut j = 0;
	while j < body {
		let v0 = _mm256_loadu_ps(up.add(j));
		let v1 = _mm256_loadu_ps(up.add(j + 8));
		let u0 = _mm256_cvtps_pd(_mm256_castps256_ps128(v0));
		let u1 = _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v0));
		let u2 = _mm256_cvtps_pd(_mm256_castps256_ps128(v1));
		let u3 = _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v1));
		a0 = _mm256_add_pd(a0, _mm256_mul_pd(_mm256_loadu_pd(pp.add(j)), u0));
		a1 = _mm256_add_pd(a1, _mm256_mul_pd(_mm256_loadu_pd(pp.add(j + 4)), u1));
		a2 = _mm256_add_pd(a2, _mm256_mul_pd(_mm256_loadu_pd(pp.add(j + 8)), u2));
		a3 = _mm256_add_pd(a3, _mm256_mul_pd(_mm256_loadu_pd(pp.add(j + 12)), u3));
		j += LANES;
	}
	let mut acc = [0.0f64; LANES];
	_mm256_storeu_pd(acc.as_mut_ptr(), a0);
	_mm256_storeu_pd(acc.as_mut_ptr().add(4), a1);
	_mm256_storeu_pd(acc.as_mut_ptr().add(8), a2);
	_mm256_storeu_pd(acc.as_mut_ptr().add(12), a3);
	let mut s = tree(&acc);
	for j in body..n {
		s += phi[j] * up.add(j).read_unaligned() as f64;
	}
	s
}

/// The `i`-th little-endian f32 of `b`.
#[inline(always)]
fn f32_le(b: &[u8], i: usize) -> f32 {
	f32::from_le_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]])
}

/// [`dot`] over little-endian f32 bytes (`u.len() / 4` values; any alignment): the same
/// operations in the same order, so the same result bit for bit.
#[inline(always)]
pub fn dot_le(phi: &[f64], u: &[u8]) -> f64 {
	let n = phi.len().min(u.len() / 4);
	let body = n - n % LANES;
	let mut acc = [0.0f64; LANES];
	for (pc, uc) in phi[..body].chunks_exact(LANES).zip(u[..body * 4].chunks_exact(LANES * 4)) {
		for l in 0..LANES {
			acc[l] += pc[l] * f32_le(uc, l) as f64;
		}
	}
	let mut s = tree(&acc);
	for j in body..n {
		s += phi[j] * f32_le(u, j) as f64;
	}
	s
}

/// [`score_rows`] over a row-major `m × k` matrix of little-endian f32 bytes (`k·4` bytes
/// per row, any alignment): `out[r] = dot_le(φ, row r)`, equal to [`score_rows`] on the
/// decoded f32s bit for bit (AVX2 picked at run time on x86-64 with `std`, as there).
pub fn score_rows_le(phi: &[f64], rows: &[u8], out: &mut [f64]) {
	let k = phi.len();
	if k == 0 {
		out.iter_mut().for_each(|o| *o = 0.0);
		return;
	}
	#[cfg(all(feature = "std", target_arch = "x86_64"))]
	if std::is_x86_feature_detected!("avx2") {
		for (o, row) in out.iter_mut().zip(rows.chunks_exact(k * 4)) {
			// SAFETY: AVX2 is present (checked above).
			*o = unsafe { dot_le_avx2(phi, row) };
		}
		return;
	}
	score_rows_le_portable(phi, rows, out)
}

/// [`score_rows_le`] without run-time feature selection.
#[inline(always)]
pub fn score_rows_le_portable(phi: &[f64], rows: &[u8], out: &mut [f64]) {
	let k = phi.len();
	if k == 0 {
		out.iter_mut().for_each(|o| *o = 0.0);
		return;
	}
	for (o, row) in out.iter_mut().zip(rows.chunks_exact(k * 4)) {
		*o = dot_le(phi, row);
	}
}

/// Scores every row of the row-major matrix `rows` (`m × k`) against `phi`: `out[r] = dot(φ, rows[r])`.
///
/// On x86-64 with `std`, the same code is compiled a second time with AVX2 enabled and
/// picked at run time: the operations and their order are identical (no FMA), so the
/// results are bit-identical to the portable build (and to wasm); only the speed differs.
pub fn score_rows(phi: &[f64], rows: &[f32], out: &mut [f64]) {
	#[cfg(all(feature = "std", target_arch = "x86_64"))]
	if std::is_x86_feature_detected!("avx2") {
		// SAFETY: AVX2 is present (checked above).
		unsafe { score_rows_avx2(phi, rows, out) };
		return;
	}
	score_rows_portable(phi, rows, out)
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
unsafe fn score_rows_avx2(phi: &[f64], rows: &[f32], out: &mut [f64]) {
	let k = phi.len();
	if k == 0 {
		out.iter_mut().for_each(|o| *o = 0.0);
		return;
	}
	for (o, row) in out.iter_mut().zip(rows.chunks_exact(k)) {
		*o = dot_avx2(phi, row);
	}
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
unsafe fn score_rows_batch_avx2(phis: &[f64], k: usize, rows: &[f32], out: &mut [f64]) {
	if k == 0 {
		out.iter_mut().for_each(|o| *o = 0.0);
		return;
	}
	let b = phis.len() / k;
	let m = rows.len() / k;
	for (r, row) in rows.chunks_exact(k).enumerate() {
		for q in 0..b {
			out[q * m + r] = dot_avx2(&phis[q * k..(q + 1) * k], row);
		}
	}
}

/// [`score_rows`] without run-time feature selection.
#[inline(always)]
pub fn score_rows_portable(phi: &[f64], rows: &[f32], out: &mut [f64]) {
	let k = phi.len();
	if k == 0 {
		out.iter_mut().for_each(|o| *o = 0.0);
		return;
	}
	for (o, row) in out.iter_mut().zip(rows.chunks_exact(k)) {
		*o = dot(phi, row);
	}
}

/// Batched scoring: `B` query vectors (row-major `B × k`) against the same rows, each row
/// read once. `out` is `B × m` row-major. Each score equals [`dot`] bit for bit.
pub fn score_rows_batch(phis: &[f64], k: usize, rows: &[f32], out: &mut [f64]) {
	#[cfg(all(feature = "std", target_arch = "x86_64"))]
	if std::is_x86_feature_detected!("avx2") {
		// SAFETY: AVX2 is present (checked above).
		unsafe { score_rows_batch_avx2(phis, k, rows, out) };
		return;
	}
	score_rows_batch_portable(phis, k, rows, out)
}

/// [`score_rows_batch`] without run-time feature selection.
#[inline(always)]
pub fn score_rows_batch_portable(phis: &[f64], k: usize, rows: &[f32], out: &mut [f64]) {
	if k == 0 {
		out.iter_mut().for_each(|o| *o = 0.0);
		return;
	}
	let b = phis.len() / k;
	let m = rows.len() / k;
	for (r, row) in rows.chunks_exact(k).enumerate() {
		for q in 0..b {
			out[q * m + r] = dot(&phis[q * k..(q + 1) * k], row);
		}
	}
}

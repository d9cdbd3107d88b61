//! The scoring kernel: dot products in a fixed summation order (no_std).
//!
//! `dot(φ, u) = Σ_j φ_j·u_j` is defined as eight interleaved partial sums
//! `s_l = Σ_{j ≡ l (mod 8), j < 8⌊k/8⌋} φ_j·u_j` (each in increasing `j`), combined as
//! `((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7))`, then the tail `j ≥ 8⌊k/8⌋` added in order.
//! Products and sums are f64 (`u` is widened from f32 exactly); Rust never contracts
//! `a*b+c` into a fused multiply-add, so the result is the same bit for bit whatever the
//! vector width the compiler picks (SSE, AVX, wasm simd or scalar).

/// Lanes of the fixed summation order.
pub const LANES: usize = 8;

/// `Σ_j φ_j·u_j` in the fixed order above.
#[inline]
pub fn dot(phi: &[f64], u: &[f32]) -> f64 {
	debug_assert_eq!(phi.len(), u.len());
	let n = phi.len().min(u.len());
	let body = n - n % LANES;
	let mut acc = [0.0f64; LANES];
	for (p8, u8) in phi[..body].chunks_exact(LANES).zip(u[..body].chunks_exact(LANES)) {
		for l in 0..LANES {
			acc[l] += p8[l] * u8[l] as f64;
		}
	}
	let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
	for j in body..n {
		s += phi[j] * u[j] as f64;
	}
	s
}

/// Scores every row of the row-major matrix `rows` (`m × k`) against `phi`: `out[r] = dot(φ, rows[r])`.
pub fn score_rows(phi: &[f64], rows: &[f32], out: &mut [f64]) {
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

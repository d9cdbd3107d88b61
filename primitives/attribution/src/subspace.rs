//! The Hessian-informed subspace of a `subspace` index (std): a `k`-dimensional basis on
//! which influence is computed exactly.
//!
//! Influence `∇ℓ(q)ᵀ H⁻¹ ∇ℓ(i)` restricted to the span of an orthonormal `Q` (`k × p`) is
//! the Galerkin approximation
//!
//! ```text
//! ∇ℓ(q)ᵀ Qᵀ (Q H Qᵀ)⁻¹ Q ∇ℓ(i) = (B ∇ℓ(q)) · (B ∇ℓ(i)),   B = L⁻¹ Q,  L Lᵀ = Q H Qᵀ,
//! ```
//!
//! exact whenever the training gradients lie in the span. `Q` spans the dominant subspace
//! of `H − l2·I`, the data's curvature (for these models and for external gradients the
//! training gradients span its range), found by subspace iteration (block power method;
//! Halko, Martinsson & Tropp 2011, "Finding structure with randomness", Alg. 4.4) from
//! the index's seeded Rademacher block ([`crate::projection::matrix`]): [`POWER_STEPS`]
//! products with `H − l2·I`, each followed by re-orthonormalisation (classical
//! Gram-Schmidt, twice). When the training gradients have rank `r ≤ k` (e.g. `n ≤ k`
//! rows), the first product already maps the block into their span; the rows it
//! annihilates are refilled with unit vectors, so the result is exact. Above
//! that, it keeps the `k` directions of most curvature: the role of the Arnoldi basis of
//! Schioppa et al. 2022 ("Scaling up influence functions").
//!
//! The index stores `B` (rounded to f32) and per-contribution `B Σ∇ℓ(i) / n`; a query
//! costs `k·p` multiply-adds for `B ∇ℓ(q)`, as a projected index costs `k·p` additions.
//! Every loop runs in a fixed order, so the basis is the same on every machine given the
//! same `H`.

use crate::{linalg, projection};

/// Products with `H` in the subspace iteration (`POWER_STEPS·k·p²` multiply-adds).
pub const POWER_STEPS: usize = 3;

/// Why no basis could be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubspaceError {
	/// `k` exceeds `p` (no `k`-dimensional subspace), or `k` is zero.
	BadDimension,
	/// The block lost rank (only possible when `H` is singular) or `QHQᵀ` is not positive
	/// definite.
	NotPositiveDefinite,
}

/// The basis `B = L⁻¹ Q` (row-major `k × p`, entries rounded to f32) for the symmetric
/// positive definite `h` (`p × p`), from the seeded start block `(seed, k)`.
///
/// Cost: `(POWER_STEPS + 1)·k·p²` for the products with `H`, `(POWER_STEPS + 1)·2·k²·p`
/// for the orthonormalisations, `k³/3` for `L` and `k²·p/2` for `L⁻¹ Q`. Memory: three
/// `k × p` blocks and one `k × k`.
pub fn basis(
	h: &[f64],
	p: usize,
	shift: f64,
	seed: u64,
	k: usize,
) -> Result<Vec<f64>, SubspaceError> {
	if k == 0 || k > p || h.len() != p * p {
		return Err(SubspaceError::BadDimension);
	}
	let mut q = projection::matrix(seed, k, p);
	orthonormalise_rows(&mut q, k, p)?;
	let mut qh = vec![0.0; k * p];
	for _ in 0..POWER_STEPS {
		// Rows of Q (H − shift·I) = ((H − shift·I) Qᵀ)ᵀ, as H is symmetric.
		linalg::gemm_nn(1.0, &q, k, p, h, p, 0.0, &mut qh);
		for (a, b) in qh.iter_mut().zip(&q) {
			*a -= shift * b;
		}
		core::mem::swap(&mut q, &mut qh);
		orthonormalise_rows(&mut q, k, p)?;
	}
	linalg::gemm_nn(1.0, &q, k, p, h, p, 0.0, &mut qh);
	let mut t = vec![0.0; k * k];
	linalg::gemm_nt(&qh, k, p, &q, k, &mut t);
	linalg::symmetrise(&mut t, k);
	linalg::cholesky(&mut t, k).map_err(|_| SubspaceError::NotPositiveDefinite)?;
	// B = L⁻¹ Q by forward substitution over rows: b_j = (q_j − Σ_{i<j} L_ji b_i) / L_jj.
	let mut b = q;
	for j in 0..k {
		let (done, rest) = b.split_at_mut(j * p);
		let row = &mut rest[..p];
		for i in 0..j {
			let l = t[j * k + i];
			if l != 0.0 {
				let bi = &done[i * p..(i + 1) * p];
				for (r, v) in row.iter_mut().zip(bi) {
					*r -= l * v;
				}
			}
		}
		let d = t[j * k + j];
		for r in row.iter_mut() {
			*r /= d;
		}
	}
	for v in b.iter_mut() {
		*v = *v as f32 as f64;
	}
	Ok(b)
}

/// A row is dependent on the rows before it when Gram-Schmidt leaves less than this
/// fraction of its norm.
const DEPENDENT: f64 = 1e-9;

/// Orthonormalises the rows of `y` (`k × p`) in place, in row order, by classical
/// Gram-Schmidt applied twice per row ("twice is enough": Giraud, Langou & Rozložník 2005).
/// A row dependent on the rows before it (the iteration annihilates the null space of
/// `H − shift·I` when the data have rank below `k`; the ±1 start block can repeat a row
/// when `k` is close to `p`) is replaced by the unit vector `e_m` with the largest part
/// outside the rows before it (`1 − Σ_{i<j} q_i[m]² ≥ (p − j)/p > 0`, the smallest such `m`
/// on ties) and orthogonalised again: independent whenever `k ≤ p`.
/// [`SubspaceError::NotPositiveDefinite`] reports a row still dependent after that
/// (non-finite input).
fn orthonormalise_rows(y: &mut [f64], k: usize, p: usize) -> Result<(), SubspaceError> {
	let mut c = vec![0.0; k];
	for j in 0..k {
		let (done, rest) = y.split_at_mut(j * p);
		let row = &mut rest[..p];
		let mut attempts = 0;
		loop {
			let before = linalg::norm(row);
			for _ in 0..2 {
				for (i, ci) in c.iter_mut().enumerate().take(j) {
					*ci = linalg::dot(&done[i * p..(i + 1) * p], row);
				}
				for (i, ci) in c.iter().enumerate().take(j) {
					let qi = &done[i * p..(i + 1) * p];
					for (r, v) in row.iter_mut().zip(qi) {
						*r -= ci * v;
					}
				}
			}
			let after = linalg::norm(row);
			if after > DEPENDENT * before && after.is_finite() {
				for r in row.iter_mut() {
					*r /= after;
				}
				break;
			}
			attempts += 1;
			if attempts > 1 {
				return Err(SubspaceError::NotPositiveDefinite);
			}
			let mut outside = vec![1.0; p];
			for i in 0..j {
				for (o, v) in outside.iter_mut().zip(&done[i * p..(i + 1) * p]) {
					*o -= v * v;
				}
			}
			let mut m = 0;
			for (l, o) in outside.iter().enumerate() {
				if *o > outside[m] {
					m = l;
				}
			}
			row.iter_mut().for_each(|r| *r = 0.0);
			row[m] = 1.0;
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	/// With `k = p` the subspace is everything: `BᵀB = H⁻¹`.
	#[test]
	fn full_subspace_gives_the_inverse() {
		let p = 7;
		let mut h = vec![0.0; p * p];
		for i in 0..p {
			for j in 0..p {
				h[i * p + j] = 1.0 / (1.0 + (i + j) as f64) + if i == j { 0.5 } else { 0.0 };
			}
		}
		let b = basis(&h, p, 0.25, 3, p).unwrap();
		// (BᵀB) H = I.
		for i in 0..p {
			for j in 0..p {
				let mut s = 0.0;
				for m in 0..p {
					let btb: f64 = (0..p).map(|r| b[r * p + i] * b[r * p + m]).sum();
					s += btb * h[m * p + j];
				}
				let want = if i == j { 1.0 } else { 0.0 };
				assert!((s - want).abs() < 1e-5, "({i},{j}) = {s}");
			}
		}
	}

	/// With `k = p` the ±1 start block has dependent rows for small `p` (seed 0: row 1 =
	/// −row 0 at p = 2, row 2 = row 0 at p = 3), and rank-deficient data annihilate rows:
	/// the refills keep the block independent for every seed.
	#[test]
	fn full_rank_for_every_small_p_and_seed() {
		for p in 1..=9 {
			for seed in 0..64 {
				// A diagonal H whose data part has rank p − 1 (one zero curvature).
				let mut h = vec![0.0; p * p];
				for i in 0..p {
					h[i * p + i] = 0.01 + if i + 1 < p { 1.0 + i as f64 } else { 0.0 };
				}
				let b = basis(&h, p, 0.01, seed, p)
					.unwrap_or_else(|e| panic!("p {p} seed {seed}: {e:?}"));
				// (BᵀB) H = I.
				for i in 0..p {
					for j in 0..p {
						let s: f64 = (0..p)
							.map(|m| {
								(0..p).map(|r| b[r * p + i] * b[r * p + m]).sum::<f64>()
									* h[m * p + j]
							})
							.sum();
						let want = if i == j { 1.0 } else { 0.0 };
						assert!((s - want).abs() < 1e-5, "p {p} seed {seed} ({i},{j}) = {s}");
					}
				}
			}
		}
	}

	#[test]
	fn rejects_k_above_p() {
		assert_eq!(basis(&[1.0], 1, 0.0, 0, 2), Err(SubspaceError::BadDimension));
		assert_eq!(basis(&[1.0], 1, 0.0, 0, 0), Err(SubspaceError::BadDimension));
	}
}

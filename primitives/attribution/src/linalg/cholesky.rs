//! Cholesky factorisation, solve and inverse with a fixed operation order.
//!
//! Every entry of the factor is one chain of fused multiply-adds in a fixed order,
//!
//! ```text
//! s ← H[i][j];  s ← fma(−L[i][t], L[j][t], s) for t = 0, 1, …, j − 1;
//! L[j][j] = √s,   L[i][j] = s / L[j][j]   (i > j)
//! ```
//!
//! computed right-looking in [`NB`]-column panels: the panel's own steps in scalar code, the
//! trailing steps by the deterministic GEMM ([`super::gemm`]), which continues the same
//! chains in the same order. The inverse is `X = L⁻¹` row block by row block
//! (`acc ← fma(L[i][t], X[t][j], acc)` for `t = 0, 1, …, i − 1`; `X[i][j] = −acc / L[i][i]`,
//! `X[i][i] = 1 / L[i][i]`), then `H⁻¹ = Xᵀ X` by the deterministic `syrk`, mirrored. The
//! terms with `t` outside the triangle are exact zeros (`fma(x, 0, s) = s` for finite `x`),
//! so the block sizes never change a bit.

use super::{
	gemm::{self, Part, View},
	micro::{self, fma_variant, Kernel},
};
use rayon::prelude::*;

/// Panel width of the blocked factorisation and inverse.
pub const NB: usize = 96;

/// The matrix is not positive definite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NotPositiveDefinite;

impl core::fmt::Display for NotPositiveDefinite {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("the matrix is not positive definite")
	}
}

impl std::error::Error for NotPositiveDefinite {}

/// In-place Cholesky `H = L Lᵀ` of the symmetric `p×p` row-major matrix (only its lower
/// triangle is read); the lower triangle holds `L` afterwards and the strict upper triangle
/// is zeroed. Fails on a non-finite entry or a pivot that is not `> 0`. The bits do not
/// depend on the CPU, the kernel or the thread count (module docs).
pub fn cholesky(h: &mut [f64], p: usize) -> Result<(), NotPositiveDefinite> {
	let Some(h) = h.get_mut(..p * p) else { return Err(NotPositiveDefinite) };
	if (0..p).any(|i| h[i * p..=i * p + i].iter().any(|v| !v.is_finite())) {
		return Err(NotPositiveDefinite);
	}
	let kernel = micro::kernel();
	let mut panel = Vec::new();
	for k0 in (0..p).step_by(NB) {
		let k1 = (k0 + NB).min(p);
		let nb = k1 - k0;
		let (top, below) = h.split_at_mut(k1 * p);
		if !diagonal_block(kernel, top, p, k0, k1) {
			return Err(NotPositiveDefinite);
		}
		let diag = &top[k0 * p..];
		below.par_chunks_mut(GROUP * p).for_each(|rows| panel_rows(kernel, rows, diag, p, k0, k1));
		let rest = p - k1;
		if rest == 0 {
			break;
		}
		// Trailing update: H[k1.., k1..] (lower) −= L[k1.., k0..k1] L[k1.., k0..k1]ᵀ.
		panel.clear();
		panel.extend(below.chunks_exact(p).flat_map(|r| r[k0..k1].iter().copied()));
		let a = View { data: &panel, rs: nb, cs: 1 };
		let b = View { data: &panel, rs: 1, cs: nb };
		gemm::accumulate(rest, rest, nb, a, b, true, &mut below[k1..], p, Part::Lower);
	}
	for i in 0..p {
		h[i * p + i + 1..(i + 1) * p].fill(0.0);
	}
	Ok(())
}

/// Factors the diagonal block `k0..k1` in place (its chains continue from the trailing
/// updates); `false` if a pivot is not `> 0` and finite.
fn diagonal_block(kernel: Kernel, h: &mut [f64], p: usize, k0: usize, k1: usize) -> bool {
	let mut ok = true;
	diagonal_block_in(kernel, h, p, k0, k1, &mut ok);
	ok
}

fma_variant! {
	fn diagonal_block_in => diagonal_block_body(h: &mut [f64], p: usize, k0: usize, k1: usize, ok: &mut bool)
}

#[inline(always)]
fn diagonal_block_body(h: &mut [f64], p: usize, k0: usize, k1: usize, ok: &mut bool) {
	for j in k0..k1 {
		let mut s = h[j * p + j];
		for t in k0..j {
			let l = h[j * p + t];
			s = (-l).mul_add(l, s);
		}
		if !(s > 0.0 && s.is_finite()) {
			*ok = false;
			return;
		}
		let d = s.sqrt();
		h[j * p + j] = d;
		for i in j + 1..k1 {
			let mut s = h[i * p + j];
			for t in k0..j {
				s = (-h[i * p + t]).mul_add(h[j * p + t], s);
			}
			h[i * p + j] = s / d;
		}
	}
}

/// Rows of the panel below the diagonal block solved together, each its own chains (so
/// the chains of one step run side by side in vector lanes).
const GROUP: usize = 32;

fma_variant! {
	fn panel_rows => panel_rows_body(rows: &mut [f64], diag: &[f64], p: usize, k0: usize, k1: usize)
}

/// Columns `k0..k1` of up to [`GROUP`] full rows below the diagonal block (`diag` starts
/// at row `k0`): for each column `j` in order, `s ← H[i][j]; s ← fma(L[i][t], −L[j][t], s)`
/// for `t = k0..j` (the same value as `fma(−L[i][t], L[j][t], s)`), `L[i][j] = s / L[j][j]`.
#[inline(always)]
fn panel_rows_body(rows: &mut [f64], diag: &[f64], p: usize, k0: usize, k1: usize) {
	let (nb, n) = (k1 - k0, rows.len() / p.max(1));
	// w[t·GROUP + r] = row r, column k0 + t: one step's values of every row side by side.
	let mut w = vec![0.0; nb * GROUP];
	for (r, row) in rows.chunks_exact(p).enumerate() {
		for (t, v) in row[k0..k1].iter().enumerate() {
			w[t * GROUP + r] = *v;
		}
	}
	for j in 0..nb {
		let lj = &diag[j * p + k0..j * p + k1];
		let (done, rest) = w.split_at_mut(j * GROUP);
		let s: &mut [f64] = &mut rest[..GROUP];
		for (t, &l) in lj[..j].iter().enumerate() {
			let nl = -l;
			for (acc, &x) in s.iter_mut().zip(&done[t * GROUP..(t + 1) * GROUP]) {
				*acc = x.mul_add(nl, *acc);
			}
		}
		let d = lj[j];
		for v in s.iter_mut() {
			*v /= d;
		}
	}
	for (r, row) in rows.chunks_exact_mut(p).enumerate().take(n) {
		for (t, v) in row[k0..k1].iter_mut().enumerate() {
			*v = w[t * GROUP + r];
		}
	}
}

/// Solves `L Lᵀ x = b` in place (`L` from [`cholesky`]): forward then back substitution,
/// each entry one chain in a fixed order (`s ← b_i; s ← s − l·x` for increasing `t`,
/// separate multiply and subtract; then `s / L[i][i]`).
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

/// `H⁻¹ = L⁻ᵀ L⁻¹` (row-major `p × p`, exactly symmetric) from the factor `L` of
/// [`cholesky`], in the fixed order of the module docs.
pub fn cholesky_inverse(l: &[f64], p: usize) -> Vec<f64> {
	let kernel = micro::kernel();
	let mut x = vec![0.0; p * p];
	for i0 in (0..p).step_by(NB) {
		let i1 = (i0 + NB).min(p);
		let (top, block) = x.split_at_mut(i0 * p);
		// X[i0..i1][0..i0] = L[i0..i1][0..i0] · X[0..i0][0..i0], chains from zero.
		let a = View { data: &l[i0 * p..], rs: p, cs: 1 };
		let b = View { data: top, rs: p, cs: 1 };
		gemm::accumulate(i1 - i0, i0, i0, a, b, false, block, p, Part::Full);
		inverse_rows(kernel, &mut block[..(i1 - i0) * p], l, p, i0);
	}
	let mut h = vec![0.0; p * p];
	let xv = View { data: &x, rs: 1, cs: p };
	let xt = View { data: &x, rs: p, cs: 1 };
	gemm::accumulate(p, p, p, xv, xt, false, &mut h, p, Part::Lower);
	super::mirror_lower(&mut h, p);
	h
}

fma_variant! {
	fn inverse_rows => inverse_rows_body(block: &mut [f64], l: &[f64], p: usize, i0: usize)
}

/// Finishes rows `i0..` of `X = L⁻¹` (`block`; columns `< i0` hold the GEMM's partial
/// chains): the steps `t = i0..i` in order, vectorised across `j` (each `j` its own chain).
#[inline(always)]
fn inverse_rows_body(block: &mut [f64], l: &[f64], p: usize, i0: usize) {
	let rows = block.len() / p.max(1);
	for r in 0..rows {
		let i = i0 + r;
		let (done, rest) = block.split_at_mut(r * p);
		let row = &mut rest[..p];
		for t in i0..i {
			let lit = l[i * p + t];
			let xt = &done[(t - i0) * p..(t - i0) * p + t + 1];
			for (acc, &x) in row[..=t].iter_mut().zip(xt) {
				*acc = lit.mul_add(x, *acc);
			}
		}
		let d = l[i * p + i];
		for v in &mut row[..i] {
			*v = -*v / d;
		}
		row[i] = 1.0 / d;
	}
}

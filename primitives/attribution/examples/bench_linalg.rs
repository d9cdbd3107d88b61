//! Side-by-side timing of the std linear algebra behind index building: the Hessian's
//! symmetric rank-k update of one row chunk, the Cholesky factorisation and the inverse, with
//! the engine's faer-based kernels against `matrixmultiply` blocks and plain loops (the
//! previous implementation, kept here as the baseline). One thread each, as the engine calls
//! them. Run: `cargo run --release -p tributary-attribution --example bench_linalg`.

use rayon::prelude::*;
use std::time::Instant;
use tributary_attribution::linalg;

/// Best of `runs` wall-clock seconds of `f`.
fn best(runs: usize, mut f: impl FnMut()) -> f64 {
	(0..runs)
		.map(|_| {
			let t = Instant::now();
			f();
			t.elapsed().as_secs_f64()
		})
		.fold(f64::INFINITY, f64::min)
}

fn main() {
	let p = 1000;
	let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
	pool.install(|| {
		println!("| kernel (one thread, p = {p}) | matrixmultiply / loops | faer | speed-up |");
		println!("|---|---|---|---|");
		for r in [1024usize, 8192] {
			let a: Vec<f64> =
				(0..r * p).map(|i| ((i * 2_654_435_761) % 1000) as f64 / 1000.0 - 0.5).collect();
			let mut c_old = vec![0.0; p * p];
			let mut c_new = vec![0.0; p * p];
			let t_old = best(3, || syrk_lower_blocks(&a, r, p, &mut c_old, p));
			let t_new = best(3, || linalg::syrk_lower(&a, r, p, &mut c_new, p));
			let diff = (0..p)
				.flat_map(|i| (0..=i).map(move |j| (i, j)))
				.map(|(i, j)| {
					(c_old[i * p + j] - c_new[i * p + j]).abs() / c_new[i * p + j].abs().max(1.0)
				})
				.fold(0.0, f64::max);
			assert!(diff < 1e-12, "kernels disagree: {diff}");
			println!(
				"| Hessian chunk Aᵀ A, lower triangle, {r} rows | {:.1} ms | {:.1} ms | {:.2}× |",
				t_old * 1e3,
				t_new * 1e3,
				t_old / t_new
			);
		}
		let r = 3 * p;
		let a: Vec<f64> =
			(0..r * p).map(|i| ((i * 2_654_435_761) % 1000) as f64 / 1000.0 - 0.5).collect();
		let mut h = vec![0.0; p * p];
		linalg::syrk_lower(&a, r, p, &mut h, p);
		linalg::mirror_lower(&mut h, p);
		for i in 0..p {
			h[i * p + i] += 1.0;
		}
		let mut l_old = h.clone();
		let mut l_new = h.clone();
		let t_old = best(3, || {
			l_old.copy_from_slice(&h);
			cholesky(&mut l_old, p).expect("positive definite");
		});
		let t_new = best(3, || {
			l_new.copy_from_slice(&h);
			linalg::cholesky(&mut l_new, p).expect("positive definite");
		});
		let diff = l_old.iter().zip(&l_new).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
		assert!(diff < 1e-9, "factors disagree: {diff}");
		println!(
			"| Cholesky | {:.1} ms | {:.1} ms | {:.2}× |",
			t_old * 1e3,
			t_new * 1e3,
			t_old / t_new
		);
		let mut i_old = Vec::new();
		let mut i_new = Vec::new();
		let t_old = best(3, || i_old = cholesky_inverse(&l_new, p));
		let t_new = best(3, || i_new = linalg::cholesky_inverse(&l_new, p));
		let diff = i_old.iter().zip(&i_new).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
		assert!(diff < 1e-9, "inverses disagree: {diff}");
		println!(
			"| inverse from the factor | {:.1} ms | {:.1} ms | {:.2}× |",
			t_old * 1e3,
			t_new * 1e3,
			t_old / t_new
		);
	});
}

// ---- the baseline: the previous implementation ----

/// Lower block triangle of `C += Aᵀ A` for row-major `A` (`r × m`), written into the
/// row-major `C` (`m × m`, row stride `ldc`). Blocks of 256 columns; blocks strictly
/// above the diagonal are left untouched (mirror them afterwards): about half the flops
/// of a full GEMM.
fn syrk_lower_blocks(a: &[f64], r: usize, m: usize, c: &mut [f64], ldc: usize) {
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

/// In-place Cholesky `H = L Lᵀ` of the symmetric `p×p` matrix; the lower triangle holds
/// `L` afterwards (the strict upper triangle is zeroed).
fn cholesky(h: &mut [f64], p: usize) -> Result<(), ()> {
	for j in 0..p {
		let mut s = h[j * p + j];
		for t in 0..j {
			s -= h[j * p + t] * h[j * p + t];
		}
		if s.is_nan() || s <= 0.0 || !s.is_finite() {
			return Err(());
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

/// `H⁻¹` from the Cholesky factor: `L⁻ᵀ L⁻¹`.
fn cholesky_inverse(l: &[f64], p: usize) -> Vec<f64> {
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
	tributary_attribution::linalg::gemm_tn(1.0, &linv, p, p, &linv, p, 0.0, &mut out);
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

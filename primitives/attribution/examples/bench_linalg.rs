//! Side-by-side timing of the std linear algebra behind index building: the Hessian's
//! symmetric rank-k update of one row chunk, the Cholesky factorisation and the inverse.
//! The engine's deterministic kernels (AVX2 + FMA, and the portable path for the
//! factorisations) against faer's (the previous implementation, whose blocking and SIMD
//! kernels are chosen at run time). One thread each, as the engine calls them per chunk.
//! Run: `cargo run --release -p tributary-attribution --example bench_linalg [p]`.

use faer::{
	dyn_stack::{MemBuffer, MemStack},
	linalg::{
		cholesky::llt,
		matmul::triangular::{self, BlockStructure},
	},
	Accum, MatMut, MatRef, Par,
};
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

/// Largest relative difference over the lower triangles.
fn lower_diff(x: &[f64], y: &[f64], p: usize) -> f64 {
	(0..p)
		.flat_map(|i| (0..=i).map(move |j| i * p + j))
		.map(|t| (x[t] - y[t]).abs() / y[t].abs().max(1.0))
		.fold(0.0, f64::max)
}

fn main() {
	let p: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
	let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
	pool.install(|| {
		println!("kernel: {:?}", linalg::kernel());
		println!(
			"| kernel (one thread, p = {p}) | faer | deterministic | ratio faer / deterministic |"
		);
		println!("|---|---|---|---|");
		for r in [1024usize, 8192] {
			let a: Vec<f64> =
				(0..r * p).map(|i| ((i * 2_654_435_761) % 1000) as f64 / 1000.0 - 0.5).collect();
			let mut c_old = vec![0.0; p * p];
			let mut c_new = vec![0.0; p * p];
			let t_old = best(3, || {
				c_old.fill(0.0);
				faer_syrk_lower(&a, r, p, &mut c_old)
			});
			let t_new = best(3, || {
				c_new.fill(0.0);
				linalg::syrk_lower(&a, r, p, &mut c_new, p)
			});
			let diff = lower_diff(&c_old, &c_new, p);
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
			faer_cholesky(&mut l_old, p);
		});
		let t_new = best(3, || {
			l_new.copy_from_slice(&h);
			linalg::cholesky(&mut l_new, p).expect("positive definite");
		});
		let diff = lower_diff(&l_old, &l_new, p);
		assert!(diff < 1e-9, "factors disagree: {diff}");
		println!(
			"| Cholesky | {:.1} ms | {:.1} ms | {:.2}× |",
			t_old * 1e3,
			t_new * 1e3,
			t_old / t_new
		);
		let mut i_new = Vec::new();
		let t_new = best(3, || i_new = linalg::cholesky_inverse(&l_new, p));
		linalg::force_portable(true);
		let mut l_port = h.clone();
		let t_port = best(1, || {
			l_port.copy_from_slice(&h);
			linalg::cholesky(&mut l_port, p).expect("positive definite");
		});
		let i_port = linalg::cholesky_inverse(&l_port, p);
		linalg::force_portable(false);
		assert!(l_port == l_new && i_port == i_new, "portable and vector kernels differ");
		let mut prod = vec![0.0; p * p];
		linalg::gemm_nn(1.0, &h, p, p, &i_new, p, 0.0, &mut prod);
		let err = (0..p)
			.flat_map(|i| (0..p).map(move |j| (i, j)))
			.map(|(i, j)| (prod[i * p + j] - if i == j { 1.0 } else { 0.0 }).abs())
			.fold(0.0, f64::max);
		assert!(err < 1e-8, "H·H⁻¹ is not the identity: {err}");
		println!(
			"| inverse from the factor (max |H·H⁻¹ − I| = {err:.1e}) | – | {:.1} ms | – |",
			t_new * 1e3
		);
		println!("| Cholesky, portable kernels (same bits) | – | {:.1} ms | – |", t_port * 1e3);
	});
}

/// faer's lower triangle of `C += Aᵀ A` (row-major `A`, `r × m`; `C` `m × m`).
fn faer_syrk_lower(a: &[f64], r: usize, m: usize, c: &mut [f64]) {
	let at = MatRef::from_column_major_slice_with_stride(&a[..r * m], m, r, m);
	let ct = MatMut::from_column_major_slice_with_stride_mut(&mut c[..m * m], m, m, m);
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

/// faer's in-place Cholesky of the `p × p` row-major matrix.
fn faer_cholesky(h: &mut [f64], p: usize) {
	let mut buffer = MemBuffer::new(llt::factor::cholesky_in_place_scratch::<f64>(
		p,
		Par::Seq,
		Default::default(),
	));
	let stack = MemStack::new(&mut buffer);
	let view = MatMut::from_row_major_slice_mut(&mut h[..p * p], p, p);
	llt::factor::cholesky_in_place(view, Default::default(), Par::Seq, stack, Default::default())
		.expect("positive definite");
	for i in 0..p {
		h[i * p + i + 1..(i + 1) * p].fill(0.0);
	}
}

//! Reproducible builds: the linear algebra follows its fixed operation order bit for bit on
//! every kernel (against a naive reference with the same order), and whole index builds
//! give the same bytes with every kernel this CPU runs (vector and forced portable) and in
//! rayon pools of 1, 2, 3 and 8 threads.

use std::sync::Mutex;
use tributary_attribution::{
	build::BuildOptions,
	data::Dataset,
	linalg::{self, Kernel},
	Family, Index, Method,
};

/// The kernel choice is process-wide: tests that switch it run one at a time.
static KERNEL: Mutex<()> = Mutex::new(());

/// Runs `f` with every kernel this CPU runs, returning the results in order; restores the
/// detected kernel.
fn each_kernel<T>(mut f: impl FnMut(Kernel) -> T) -> Vec<(Kernel, T)> {
	let out = linalg::available()
		.into_iter()
		.map(|k| {
			assert!(linalg::force(k));
			(k, f(k))
		})
		.collect();
	linalg::force_portable(false);
	out
}

/// Deterministic pseudo-random values in [-1, 1).
fn values(len: usize, seed: u64) -> Vec<f64> {
	let mut r = tributary_attribution::projection::SplitMix64(seed);
	(0..len).map(|_| 2.0 * r.next_f64() - 1.0).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
	v.iter().map(|x| x.to_bits()).collect()
}

/// `C(i, j)` as one accumulator over `l` in order: with `fused`, the specification (an
/// ordered chain of
/// fused multiply-add per step); without, plain f64 products (separate multiply and add),
/// for a numerical check.
fn product(
	m: usize,
	n: usize,
	k: usize,
	a: impl Fn(usize, usize) -> f64,
	b: impl Fn(usize, usize) -> f64,
	fused: bool,
) -> Vec<f64> {
	let mut c = vec![0.0; m * n];
	for i in 0..m {
		for j in 0..n {
			let mut acc = 0.0f64;
			for l in 0..k {
				acc = if fused { a(i, l).mul_add(b(l, j), acc) } else { acc + a(i, l) * b(l, j) };
			}
			c[i * n + j] = acc;
		}
	}
	c
}

fn close(x: &[f64], y: &[f64], k: usize) {
	for (u, v) in x.iter().zip(y) {
		assert!((u - v).abs() <= 1e-14 * (k as f64 + 1.0), "{u} vs {v}");
	}
}

const SIZES: [usize; 7] = [1, 3, 7, 17, 65, 129, 300];

#[test]
fn gemm_follows_the_fixed_order_on_every_kernel() {
	let _g = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
	for (t, &(m, n, k)) in [
		(1, 1, 1),
		(3, 7, 17),
		(17, 65, 3),
		(65, 129, 7),
		(129, 17, 300),
		(7, 1030, 5),
		(300, 3, 129),
		(2, 0, 3),
		(0, 3, 2),
		(4, 5, 0),
	]
	.iter()
	.enumerate()
	{
		let a = values(m * k, 1 + t as u64);
		let b = values(k * n, 100 + t as u64);
		let bt = values(n * k, 200 + t as u64);
		let at = values(k * m, 300 + t as u64);
		let want_nn = product(m, n, k, |i, l| a[i * k + l], |l, j| b[l * n + j], true);
		let want_nt = product(m, n, k, |i, l| a[i * k + l], |l, j| bt[j * k + l], true);
		let want_tn = product(m, n, k, |i, l| at[l * m + i], |l, j| b[l * n + j], true);
		close(&want_nn, &product(m, n, k, |i, l| a[i * k + l], |l, j| b[l * n + j], false), k);
		for (kernel, (nn, nt, tn, scaled)) in each_kernel(|_| {
			let mut nn = vec![f64::NAN; m * n];
			linalg::gemm_nn(1.0, &a, m, k, &b, n, 0.0, &mut nn);
			let mut nt = vec![f64::NAN; m * n];
			linalg::gemm_nt(&a, m, k, &bt, n, &mut nt);
			let mut tn = vec![f64::NAN; m * n];
			linalg::gemm_tn(1.0, &at, k, m, &b, n, 0.0, &mut tn);
			let mut scaled = vec![0.5; m * n];
			linalg::gemm_tn(-2.0, &at, k, m, &b, n, 3.0, &mut scaled);
			(nn, nt, tn, scaled)
		}) {
			let what = format!("{kernel:?} m={m} n={n} k={k}");
			assert_eq!(bits(&nn), bits(&want_nn), "gemm_nn {what}");
			assert_eq!(bits(&nt), bits(&want_nt), "gemm_nt {what}");
			assert_eq!(bits(&tn), bits(&want_tn), "gemm_tn {what}");
			let want: Vec<f64> = want_tn.iter().map(|v| -2.0 * v + 3.0 * 0.5).collect();
			assert_eq!(bits(&scaled), bits(&want), "gemm_tn alpha/beta {what}");
		}
	}
}

#[test]
fn syrk_continues_each_element_in_order() {
	let _g = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
	for &m in &SIZES {
		for r in [1usize, 7, 300, 1030] {
			let a = values(r * m, (m * 31 + r) as u64);
			let ldc = m + 3;
			let start = values(m * ldc, 7);
			let mut want = start.clone();
			for i in 0..m {
				for j in 0..=i {
					let mut acc = start[i * ldc + j];
					for l in 0..r {
						acc = a[l * m + i].mul_add(a[l * m + j], acc);
					}
					want[i * ldc + j] = acc;
				}
			}
			for (kernel, got) in each_kernel(|_| {
				let mut c = start.clone();
				linalg::syrk_lower(&a, r, m, &mut c, ldc);
				c
			}) {
				assert_eq!(
					bits(&got),
					bits(&want),
					"syrk {kernel:?} m={m} r={r} (upper untouched too)"
				);
			}
		}
	}
}

/// A symmetric positive definite `p × p` matrix.
fn spd(p: usize, seed: u64) -> Vec<f64> {
	let a = values(2 * p * p + p, seed);
	let mut h = product(p, p, 2 * p + 1, |i, l| a[l * p + i], |l, j| a[l * p + j], true);
	for i in 0..p {
		h[i * p + i] += 0.5;
	}
	h
}

/// The specification of the factor: one ordered chain per entry.
fn reference_cholesky(h: &[f64], p: usize) -> Vec<f64> {
	let mut l = vec![0.0f64; p * p];
	for j in 0..p {
		for i in j..p {
			let mut s = h[i * p + j];
			for t in 0..j {
				s = (-l[i * p + t]).mul_add(l[j * p + t], s);
			}
			l[i * p + j] = if i == j { s.sqrt() } else { s / l[j * p + j] };
		}
	}
	l
}

/// The specification of the inverse: `X = L⁻¹` by ordered chains, then `Xᵀ X`.
fn reference_inverse(l: &[f64], p: usize) -> Vec<f64> {
	let mut x = vec![0.0; p * p];
	for i in 0..p {
		for j in 0..i {
			let mut acc = 0.0f64;
			for t in j..i {
				acc = l[i * p + t].mul_add(x[t * p + j], acc);
			}
			x[i * p + j] = -acc / l[i * p + i];
		}
		x[i * p + i] = 1.0 / l[i * p + i];
	}
	let mut h = product(p, p, p, |i, t| x[t * p + i], |t, j| x[t * p + j], true);
	for i in 0..p {
		for j in i + 1..p {
			h[i * p + j] = h[j * p + i];
		}
	}
	h
}

#[test]
fn cholesky_and_inverse_follow_the_fixed_order() {
	let _g = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
	for &p in &[0usize, 1, 3, 7, 17, 97, 129, 200] {
		let h = spd(p, p as u64 + 11);
		let want_l = reference_cholesky(&h, p);
		let want_inv = reference_inverse(&want_l, p);
		for (kernel, (l, inv)) in each_kernel(|_| {
			let mut l = h.clone();
			linalg::cholesky(&mut l, p).unwrap();
			let inv = linalg::cholesky_inverse(&l, p);
			(l, inv)
		}) {
			assert_eq!(bits(&l), bits(&want_l), "cholesky {kernel:?} p={p}");
			assert_eq!(bits(&inv), bits(&want_inv), "cholesky_inverse {kernel:?} p={p}");
		}
		// Numerically: H · H⁻¹ = I, and the solve agrees with the inverse.
		let mut prod = vec![0.0; p * p];
		linalg::gemm_nn(1.0, &h, p, p, &want_inv, p, 0.0, &mut prod);
		for i in 0..p {
			for j in 0..p {
				let e = prod[i * p + j] - if i == j { 1.0 } else { 0.0 };
				assert!(e.abs() < 1e-9, "p={p}: (H·H⁻¹ − I)[{i}][{j}] = {e}");
			}
		}
		let b = values(p, 5);
		let mut x = b.clone();
		linalg::cholesky_solve(&want_l, p, &mut x);
		for i in 0..p {
			let via_inv: f64 = (0..p).map(|j| want_inv[i * p + j] * b[j]).sum();
			assert!((x[i] - via_inv).abs() < 1e-9 * (1.0 + via_inv.abs()), "solve p={p}");
		}
	}
}

#[test]
fn cholesky_rejects_what_is_not_positive_definite() {
	let _g = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
	for p in [1usize, 5, 130] {
		let mut h = spd(p, 3);
		h[(p - 1) * p + p - 1] = -1.0e6;
		assert!(linalg::cholesky(&mut h, p).is_err(), "p={p}: negative pivot accepted");
		let mut h = spd(p, 3);
		h[p / 2 * p] = f64::NAN;
		assert!(linalg::cholesky(&mut h, p).is_err(), "p={p}: NaN accepted");
	}
	assert!(linalg::cholesky(&mut [1.0, 0.0], 2).is_err(), "a short matrix is refused");
}

/// `n` rows of `d` features, labels for `family`, contributions `i % 23`.
fn dataset(family: Family, n: usize, d: usize, seed: u64) -> Dataset {
	let x = values(n * d, seed);
	let w = values(d, seed + 1);
	let noise = values(n, seed + 2);
	let y = (0..n)
		.map(|i| {
			let z: f64 = (0..d).map(|j| x[i * d + j] * w[j]).sum::<f64>() + 0.3 * noise[i];
			match family {
				Family::Linear => z,
				Family::Logistic => (z > 0.0) as u8 as f64,
				Family::Softmax => (z * 2.0).floor().clamp(-1.0, 1.0) + 1.0,
				Family::External => 0.0,
			}
		})
		.collect();
	Dataset {
		features: (0..d).map(|j| format!("f{j}")).collect(),
		x,
		y: if family == Family::External { Vec::new() } else { y },
		contribution: (0..n).map(|i| (i % 23) as u32).collect(),
		contributors: (0..23).map(|c| format!("2:{c}")).collect(),
	}
}

fn build_bytes(ds: &Dataset, opts: &BuildOptions, threads: usize) -> Vec<u8> {
	let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
	pool.install(|| Index::build(ds, opts).unwrap().0.encode())
}

/// Every kernel × pools of 1, 2, 3 and 8 threads give the bytes of the default build.
fn same_bytes_everywhere(name: &str, ds: &Dataset, opts: &BuildOptions) {
	let want = build_bytes(ds, opts, 2);
	for (kernel, per_pool) in
		each_kernel(|_| [1usize, 2, 3, 8].map(|t| (t, build_bytes(ds, opts, t))))
	{
		for (t, got) in per_pool {
			assert!(got == want, "{name}: {kernel:?} with {t} threads gives other bytes");
		}
	}
}

#[test]
fn index_bytes_do_not_depend_on_kernel_or_threads() {
	let _g = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
	// 2 600 rows: three CHUNKs (1 024) and several 256-row solver blocks.
	let cases = [
		("logistic d=120", Family::Logistic, 120, Method::Exact, true),
		("logistic d=40 projected", Family::Logistic, 40, Method::Projected, true),
		("logistic d=40 grad-dot", Family::Logistic, 40, Method::GradDot, true),
		("softmax d=30", Family::Softmax, 30, Method::Exact, true),
		("softmax d=12 cg", Family::Softmax, 12, Method::Cg, false),
		("linear d=25", Family::Linear, 25, Method::Exact, true),
		("external p=60", Family::External, 60, Method::Exact, true),
		("external p=60 projected", Family::External, 60, Method::Projected, false),
		("logistic d=120 subspace", Family::Logistic, 120, Method::Subspace, true),
		("external p=60 subspace", Family::External, 60, Method::Subspace, false),
	];
	for (name, family, d, method, per_example) in cases {
		let ds = dataset(family, 2600, d, d as u64);
		let opts = BuildOptions {
			family,
			l2: 0.05,
			method,
			projection: (9, 37),
			per_example,
			..Default::default()
		};
		same_bytes_everywhere(name, &ds, &opts);
	}
}

#[test]
fn a_different_training_set_gives_different_bytes() {
	let _g = KERNEL.lock().unwrap_or_else(|e| e.into_inner());
	let opts = BuildOptions { family: Family::Logistic, l2: 0.05, ..Default::default() };
	let a = build_bytes(&dataset(Family::Logistic, 1500, 10, 1), &opts, 2);
	let mut other = dataset(Family::Logistic, 1500, 10, 1);
	other.x[7] += 1e-3;
	let b = build_bytes(&other, &opts, 2);
	assert!(a != b, "one changed feature must change the index");
}

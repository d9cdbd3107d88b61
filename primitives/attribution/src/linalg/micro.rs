//! The register-tile micro-kernels of the deterministic GEMM and the choice between them.
//!
//! A tile is [`Kernel::mr`] rows × [`Kernel::nr`] columns of `C`. Every kernel does, for
//! every element of its tile and for `l = 0, 1, …, kc − 1` in this order,
//! `c ← fma(a[l][r], b[l][col], c)`: one IEEE fused multiply-add (a single rounding) per
//! step, into one accumulator per element. The AVX-512 kernel holds a 12 × 16 tile in 24
//! 8-lane registers, the AVX2 kernel a 6 × 8 tile in twelve 4-lane registers, each lane its
//! own element; the portable kernel is the 6 × 8 loop in scalar `f64::mul_add`. The tile
//! shape only decides which elements are computed together, so all three give the same
//! bits on every machine.

use std::sync::atomic::{AtomicU8, Ordering};

/// Largest tile height of any kernel.
pub const MR_MAX: usize = 12;
/// Largest tile width of any kernel.
pub const NR_MAX: usize = 16;

/// Which implementation of the kernels runs. All give identical bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
	/// `std::arch` AVX-512F intrinsics, 12 × 16 tiles (x86-64 CPUs with AVX-512F, AVX2
	/// and FMA).
	Avx512,
	/// `std::arch` AVX2 + FMA intrinsics, 6 × 8 tiles (x86-64 CPUs that have both).
	Avx2Fma,
	/// Scalar `f64::mul_add` loops, 6 × 8 tiles (every target).
	Portable,
}

impl Kernel {
	/// Tile height (rows of `C`, broadcast operand).
	pub fn mr(self) -> usize {
		match self {
			Kernel::Avx512 => 12,
			_ => 6,
		}
	}
	/// Tile width (columns of `C`, vector operand).
	pub fn nr(self) -> usize {
		match self {
			Kernel::Avx512 => 16,
			_ => 8,
		}
	}
	fn code(self) -> u8 {
		match self {
			Kernel::Avx512 => 3,
			Kernel::Avx2Fma => 2,
			Kernel::Portable => 1,
		}
	}
	fn from_code(c: u8) -> Kernel {
		match c {
			3 => Kernel::Avx512,
			2 => Kernel::Avx2Fma,
			_ => Kernel::Portable,
		}
	}
	/// Whether this CPU can run the kernel.
	pub fn supported(self) -> bool {
		match self {
			Kernel::Portable => true,
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx2Fma => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
			#[cfg(target_arch = "x86_64")]
			Kernel::Avx512 => Kernel::Avx2Fma.supported() && is_x86_feature_detected!("avx512f"),
			#[cfg(not(target_arch = "x86_64"))]
			_ => false,
		}
	}
}

/// Every kernel this CPU can run, fastest first.
pub fn available() -> Vec<Kernel> {
	[Kernel::Avx512, Kernel::Avx2Fma, Kernel::Portable]
		.into_iter()
		.filter(|k| k.supported())
		.collect()
}

const UNSET: u8 = 0;

static CHOICE: AtomicU8 = AtomicU8::new(UNSET);

/// The environment variable that caps the kernel, read once at the first kernel call:
/// `portable` forces the scalar kernel, `avx2` the AVX2 one (when the CPU has it).
pub const KERNEL_ENV: &str = "TRIBUTARY_ENGINE_KERNEL";

fn detect() -> Kernel {
	let cap = match std::env::var(KERNEL_ENV).as_deref().map(str::trim) {
		Ok("portable") => Kernel::Portable,
		Ok("avx2") => Kernel::Avx2Fma,
		_ => Kernel::Avx512,
	};
	available().into_iter().find(|k| k.code() <= cap.code()).unwrap_or(Kernel::Portable)
}

/// The kernel in use: the fastest this CPU runs, unless `TRIBUTARY_ENGINE_KERNEL` or
/// [`force_portable`] / [`force`] chose another.
pub fn kernel() -> Kernel {
	let mut c = CHOICE.load(Ordering::Relaxed);
	if c == UNSET {
		// Another thread may have decided first; keep its choice.
		let _ =
			CHOICE.compare_exchange(UNSET, detect().code(), Ordering::Relaxed, Ordering::Relaxed);
		c = CHOICE.load(Ordering::Relaxed);
	}
	Kernel::from_code(c)
}

/// Forces the portable kernels (`true`) or returns to the detected choice (`false`) for
/// the whole process. For tests and benchmarks: the bits do not change either way.
pub fn force_portable(on: bool) {
	CHOICE.store(if on { Kernel::Portable } else { detect() }.code(), Ordering::Relaxed);
}

/// Uses kernel `k` for the whole process; `false` (and no change) if this CPU cannot run it.
pub fn force(k: Kernel) -> bool {
	if !k.supported() {
		return false;
	}
	CHOICE.store(k.code(), Ordering::Relaxed);
	true
}

/// `c[r·ldc + col] ← fma(ap[l·mr + r], bp[l·nr + col], c[r·ldc + col])` for `l = 0..kc`
/// in order, over the kernel's `mr × nr` tile; `ap`, `bp` are packed panels.
#[inline]
pub fn tile(k: Kernel, kc: usize, ap: &[f64], bp: &[f64], c: &mut [f64], ldc: usize) {
	let (mr, nr) = (k.mr(), k.nr());
	assert!(ap.len() >= kc * mr && bp.len() >= kc * nr && ldc >= nr);
	assert!(c.len() >= (mr - 1) * ldc + nr);
	match k {
		#[cfg(target_arch = "x86_64")]
		// SAFETY: `Avx512` is only chosen when the CPU has AVX-512F, AVX2 and FMA; the
		// asserts above bound every address the kernel reads and writes.
		Kernel::Avx512 => unsafe { tile_avx512(kc, ap.as_ptr(), bp.as_ptr(), c.as_mut_ptr(), ldc) },
		#[cfg(target_arch = "x86_64")]
		// SAFETY: `Avx2Fma` is only chosen when the CPU has AVX2 and FMA; bounds as above.
		Kernel::Avx2Fma => unsafe { tile_avx2(kc, ap.as_ptr(), bp.as_ptr(), c.as_mut_ptr(), ldc) },
		_ => tile_portable(kc, ap, bp, c, ldc),
	}
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn tile_avx512(kc: usize, ap: *const f64, bp: *const f64, c: *mut f64, ldc: usize) {
	use core::arch::x86_64::*;
	const R: usize = 12;
	let mut acc = [[_mm512_setzero_pd(); 2]; R];
	for (r, v) in acc.iter_mut().enumerate() {
		v[0] = _mm512_loadu_pd(c.add(r * ldc));
		v[1] = _mm512_loadu_pd(c.add(r * ldc + 8));
	}
	let mut a = ap;
	let mut b = bp;
	for _ in 0..kc {
		let b0 = _mm512_loadu_pd(b);
		let b1 = _mm512_loadu_pd(b.add(8));
		for (r, v) in acc.iter_mut().enumerate() {
			let x = _mm512_set1_pd(*a.add(r));
			v[0] = _mm512_fmadd_pd(x, b0, v[0]);
			v[1] = _mm512_fmadd_pd(x, b1, v[1]);
		}
		a = a.add(R);
		b = b.add(16);
	}
	for (r, v) in acc.iter().enumerate() {
		_mm512_storeu_pd(c.add(r * ldc), v[0]);
		_mm512_storeu_pd(c.add(r * ldc + 8), v[1]);
	}
}

fn tile_portable(kc: usize, ap: &[f64], bp: &[f64], c: &mut [f64], ldc: usize) {
	const MR: usize = 6;
	const NR: usize = 8;
	let mut acc = [[0.0f64; NR]; MR];
	for (r, row) in acc.iter_mut().enumerate() {
		row.copy_from_slice(&c[r * ldc..r * ldc + NR]);
	}
	for (a, b) in ap.chunks_exact(MR).zip(bp.chunks_exact(NR)).take(kc) {
		for (row, &ar) in acc.iter_mut().zip(a) {
			for (v, &bc) in row.iter_mut().zip(b) {
				*v = ar.mul_add(bc, *v);
			}
		}
	}
	for (r, row) in acc.iter().enumerate() {
		c[r * ldc..r * ldc + NR].copy_from_slice(row);
	}
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn tile_avx2(kc: usize, ap: *const f64, bp: *const f64, c: *mut f64, ldc: usize) {
	use core::arch::x86_64::*;
	let mut r0a = _mm256_loadu_pd(c);
	let mut r0b = _mm256_loadu_pd(c.add(4));
	let mut r1a = _mm256_loadu_pd(c.add(ldc));
	let mut r1b = _mm256_loadu_pd(c.add(ldc + 4));
	let mut r2a = _mm256_loadu_pd(c.add(2 * ldc));
	let mut r2b = _mm256_loadu_pd(c.add(2 * ldc + 4));
	let mut r3a = _mm256_loadu_pd(c.add(3 * ldc));
	let mut r3b = _mm256_loadu_pd(c.add(3 * ldc + 4));
	let mut r4a = _mm256_loadu_pd(c.add(4 * ldc));
	let mut r4b = _mm256_loadu_pd(c.add(4 * ldc + 4));
	let mut r5a = _mm256_loadu_pd(c.add(5 * ldc));
	let mut r5b = _mm256_loadu_pd(c.add(5 * ldc + 4));
	const MR: usize = 6;
	const NR: usize = 8;
	let mut a = ap;
	let mut b = bp;
	for _ in 0..kc {
		let b0 = _mm256_loadu_pd(b);
		let b1 = _mm256_loadu_pd(b.add(4));
		let x = _mm256_broadcast_sd(&*a);
		r0a = _mm256_fmadd_pd(x, b0, r0a);
		r0b = _mm256_fmadd_pd(x, b1, r0b);
		let x = _mm256_broadcast_sd(&*a.add(1));
		r1a = _mm256_fmadd_pd(x, b0, r1a);
		r1b = _mm256_fmadd_pd(x, b1, r1b);
		let x = _mm256_broadcast_sd(&*a.add(2));
		r2a = _mm256_fmadd_pd(x, b0, r2a);
		r2b = _mm256_fmadd_pd(x, b1, r2b);
		let x = _mm256_broadcast_sd(&*a.add(3));
		r3a = _mm256_fmadd_pd(x, b0, r3a);
		r3b = _mm256_fmadd_pd(x, b1, r3b);
		let x = _mm256_broadcast_sd(&*a.add(4));
		r4a = _mm256_fmadd_pd(x, b0, r4a);
		r4b = _mm256_fmadd_pd(x, b1, r4b);
		let x = _mm256_broadcast_sd(&*a.add(5));
		r5a = _mm256_fmadd_pd(x, b0, r5a);
		r5b = _mm256_fmadd_pd(x, b1, r5b);
		a = a.add(MR);
		b = b.add(NR);
	}
	_mm256_storeu_pd(c, r0a);
	_mm256_storeu_pd(c.add(4), r0b);
	_mm256_storeu_pd(c.add(ldc), r1a);
	_mm256_storeu_pd(c.add(ldc + 4), r1b);
	_mm256_storeu_pd(c.add(2 * ldc), r2a);
	_mm256_storeu_pd(c.add(2 * ldc + 4), r2b);
	_mm256_storeu_pd(c.add(3 * ldc), r3a);
	_mm256_storeu_pd(c.add(3 * ldc + 4), r3b);
	_mm256_storeu_pd(c.add(4 * ldc), r4a);
	_mm256_storeu_pd(c.add(4 * ldc + 4), r4b);
	_mm256_storeu_pd(c.add(5 * ldc), r5a);
	_mm256_storeu_pd(c.add(5 * ldc + 4), r5b);
}

/// Defines `fn $name(kernel: Kernel, args…)` that runs the `#[inline(always)]` scalar
/// routine `$body(args…)` compiled with AVX2 + FMA enabled when `kernel` is
/// one of the vector kernels, as is otherwise. Its `f64::mul_add` steps are then single `vfmadd`
/// instructions instead of calls to the C library's `fma`: the same correctly rounded
/// result, faster.
macro_rules! fma_variant {
	($(#[$m:meta])* $vis:vis fn $name:ident => $body:ident($($arg:ident: $ty:ty),* $(,)?)) => {
		$(#[$m])*
		$vis fn $name(kernel: $crate::linalg::micro::Kernel, $($arg: $ty),*) {
			#[cfg(target_arch = "x86_64")]
			#[target_feature(enable = "avx2,fma")]
			unsafe fn fast($($arg: $ty),*) {
				$body($($arg),*)
			}
			match kernel {
				$crate::linalg::micro::Kernel::Portable => $body($($arg),*),
				#[cfg(target_arch = "x86_64")]
				// SAFETY: the vector kernels are only chosen when the CPU has AVX2 and FMA.
				_ => unsafe { fast($($arg),*) },
				#[cfg(not(target_arch = "x86_64"))]
				_ => $body($($arg),*),
			}
		}
	};
}
pub(crate) use fma_variant;

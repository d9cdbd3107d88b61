//! The deterministic matrix-product driver: packed panels, cache blocks, register tiles.
//!
//! [`accumulate`] continues every output element's own accumulator over the inner
//! dimension in order (`l = 0, 1, …`), one fused multiply-add per step. Blocking changes
//! only which elements are computed together and when, never the steps of one element: the
//! inner dimension is cut into [`KC`] blocks whose partial accumulators are stored in `C`
//! and continued by the next block, and the rows of `C` are shared among rayon tasks
//! (whole rows each), so the result does not depend on the block sizes, the tasks or the
//! kernel ([`super::micro`]).

use super::micro::{self, Kernel, MR_MAX, NR_MAX};
use rayon::prelude::*;
use std::cell::Cell;

/// Inner-dimension block: a packed `A` block `MC × KC` stays in L2, a `KC × nr` micro-panel
/// of `B` in L1.
pub const KC: usize = 256;
/// Rows of a packed `A` block (a multiple of every kernel's tile height).
pub const MC: usize = 96;
/// Columns of a packed `B` block (a multiple of every kernel's tile width).
pub const NC: usize = 1024;
/// Products (`m·n·k`) below which a call runs on the calling thread alone.
const PARALLEL_WORK: usize = 1 << 22;

/// A read-only matrix view: element `(i, l)` at `data[i·rs + l·cs]`.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
	/// The elements.
	pub data: &'a [f64],
	/// Row stride.
	pub rs: usize,
	/// Column stride.
	pub cs: usize,
}

impl View<'_> {
	#[inline]
	fn at(&self, i: usize, l: usize) -> f64 {
		self.data[i * self.rs + l * self.cs]
	}
	/// Whether the view addresses `rows × cols` elements inside its data.
	fn covers(&self, rows: usize, cols: usize) -> bool {
		rows == 0 || cols == 0 || (rows - 1) * self.rs + (cols - 1) * self.cs < self.data.len()
	}
}

/// Which elements of `C` are computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
	/// All of them.
	Full,
	/// Those with `j ≤ i` (lower triangle, diagonal included); the rest are untouched.
	Lower,
}

/// For every element `C(i, j)` (`i < m`, `j < n`, only `j ≤ i` with [`Part::Lower`]) stored
/// at `c[i·ldc + j]`: `c ← fma(±A(i, l), B(l, j), c)` for `l = 0, 1, …, k − 1` in order,
/// continuing from the value in `c` (`−` when `negate`).
///
/// Panics if a view or `c` is too short for the shapes (a caller's bug; the sizes come from
/// the caller's own matrices, never from input data).
#[allow(clippy::too_many_arguments)]
pub fn accumulate(
	m: usize,
	n: usize,
	k: usize,
	a: View<'_>,
	b: View<'_>,
	negate: bool,
	c: &mut [f64],
	ldc: usize,
	part: Part,
) {
	if m == 0 || n == 0 || k == 0 {
		return;
	}
	assert!(a.covers(m, k) && b.covers(k, n), "matrix views out of bounds");
	assert!(ldc >= n && c.len() >= (m - 1) * ldc + n, "output out of bounds");
	let kernel = micro::kernel();
	let (mr, nr) = (kernel.mr(), kernel.nr());
	let c = &mut c[..(m - 1) * ldc + n];
	let threads = rayon::current_num_threads();
	let parallel =
		m.saturating_mul(n).saturating_mul(k) >= PARALLEL_WORK && threads > 1 && m > 4 * mr;
	// Rows of C per task (whole rows: a task never shares an element).
	let rb = if parallel { m.div_ceil(4 * threads).max(4 * mr).next_multiple_of(mr) } else { m };
	let n_eff = if part == Part::Lower { n.min(m) } else { n };
	let mut bpack = take_buffer(&BPACK, KC.min(k) * n_eff.min(NC).next_multiple_of(nr));
	for jc in (0..n_eff).step_by(NC) {
		let nc = (n_eff - jc).min(NC);
		for pc in (0..k).step_by(KC) {
			let kc = (k - pc).min(KC);
			pack_b(b, pc, kc, jc, nc, nr, &mut bpack);
			let task = |r0: usize, ct: &mut [f64]| {
				let panel = Panel { kernel, kc, pc, jc, nc, r0, r1: (r0 + rb).min(m), ldc, part };
				panel.rows(a, negate, &bpack, ct);
			};
			if parallel {
				c.par_chunks_mut(rb * ldc).enumerate().for_each(|(t, ct)| task(t * rb, ct));
			} else {
				task(0, c);
			}
		}
	}
	BPACK.with(|b| b.set(bpack));
}

thread_local! {
	/// The calling thread's packed `B` block, kept between calls.
	static BPACK: Cell<Vec<f64>> = const { Cell::new(Vec::new()) };
	/// The thread's packed `A` block, kept between calls.
	static APACK: Cell<Vec<f64>> = const { Cell::new(Vec::new()) };
}

/// The thread's buffer, at least `len` long (taken out: a call nested by rayon's work
/// stealing finds it empty and uses its own).
fn take_buffer(cell: &'static std::thread::LocalKey<Cell<Vec<f64>>>, len: usize) -> Vec<f64> {
	let mut v = cell.with(|b| b.take());
	if v.len() < len {
		v.resize(len, 0.0);
	}
	v
}

/// One inner-dimension block `pc..pc + kc` against columns `jc..jc + nc`, for the rows
/// `r0..r1` of `C`.
struct Panel {
	kernel: Kernel,
	kc: usize,
	pc: usize,
	jc: usize,
	nc: usize,
	r0: usize,
	r1: usize,
	ldc: usize,
	part: Part,
}

impl Panel {
	/// Packs each `MC`-row block of `A` and runs its tiles; `c` starts at row `r0`.
	fn rows(&self, a: View<'_>, negate: bool, bpack: &[f64], c: &mut [f64]) {
		let mr = self.kernel.mr();
		let mut apack =
			take_buffer(&APACK, self.kc * (self.r1 - self.r0).min(MC).next_multiple_of(mr));
		for ic in (self.r0..self.r1).step_by(MC) {
			let mc = (self.r1 - ic).min(MC);
			if self.part == Part::Lower && self.jc > ic + mc - 1 {
				continue;
			}
			pack_a(a, ic, mc, self.pc, self.kc, negate, mr, &mut apack);
			let blk = Block {
				kernel: self.kernel,
				kc: self.kc,
				ic,
				mc,
				jc: self.jc,
				nc: self.nc,
				r0: self.r0,
				ldc: self.ldc,
				part: self.part,
			};
			blk.run(&apack, bpack, c);
		}
		APACK.with(|b| b.set(apack));
	}
}

/// `bpack[s·kc·nr + l·nr + t] = B(pc + l, jc + s·nr + t)`, zero beyond column `jc + nc`.
#[allow(clippy::too_many_arguments)]
fn pack_b(b: View<'_>, pc: usize, kc: usize, jc: usize, nc: usize, nr: usize, bpack: &mut [f64]) {
	for (s, strip) in bpack.chunks_exact_mut(kc * nr).take(nc.div_ceil(nr)).enumerate() {
		let j0 = jc + s * nr;
		let w = (nc - s * nr).min(nr);
		for (l, dst) in strip.chunks_exact_mut(nr).enumerate() {
			if b.cs == 1 {
				let at = (pc + l) * b.rs + j0;
				dst[..w].copy_from_slice(&b.data[at..at + w]);
				dst[w..].fill(0.0);
			} else {
				for (t, v) in dst.iter_mut().enumerate() {
					*v = if t < w { b.at(pc + l, j0 + t) } else { 0.0 };
				}
			}
		}
	}
}

/// `apack[s·kc·mr + l·mr + t] = ±A(ic + s·mr + t, pc + l)`, zero beyond row `ic + mc`.
#[allow(clippy::too_many_arguments)]
fn pack_a(
	a: View<'_>,
	ic: usize,
	mc: usize,
	pc: usize,
	kc: usize,
	negate: bool,
	mr: usize,
	apack: &mut [f64],
) {
	let sign = if negate { -1.0 } else { 1.0 };
	for (s, strip) in apack.chunks_exact_mut(kc * mr).take(mc.div_ceil(mr)).enumerate() {
		let i0 = ic + s * mr;
		let h = (mc - s * mr).min(mr);
		for (l, dst) in strip.chunks_exact_mut(mr).enumerate() {
			if a.rs == 1 {
				let at = i0 + (pc + l) * a.cs;
				for (v, x) in dst.iter_mut().zip(&a.data[at..at + h]) {
					*v = sign * x;
				}
			} else {
				for (t, v) in dst[..h].iter_mut().enumerate() {
					*v = sign * a.at(i0 + t, pc + l);
				}
			}
			dst[h..].fill(0.0);
		}
	}
}

/// One packed `mc × kc` block of `A` against one packed `kc × nc` block of `B`.
struct Block {
	kernel: Kernel,
	kc: usize,
	ic: usize,
	mc: usize,
	jc: usize,
	nc: usize,
	/// First row of the `c` slice.
	r0: usize,
	ldc: usize,
	part: Part,
}

impl Block {
	/// Every register tile of the block, `B`'s micro-panel outside (kept in L1).
	fn run(&self, apack: &[f64], bpack: &[f64], c: &mut [f64]) {
		let (kc, lower) = (self.kc, self.part == Part::Lower);
		let (tm, tn) = (self.kernel.mr(), self.kernel.nr());
		for js in 0..self.nc.div_ceil(tn) {
			let j0 = self.jc + js * tn;
			let nr = (self.nc - js * tn).min(tn);
			let bp = &bpack[js * kc * tn..(js + 1) * kc * tn];
			for is in 0..self.mc.div_ceil(tm) {
				let i0 = self.ic + is * tm;
				let mr = (self.mc - is * tm).min(tm);
				if lower && j0 > i0 + mr - 1 {
					continue;
				}
				let ap = &apack[is * kc * tm..(is + 1) * kc * tm];
				let at = (i0 - self.r0) * self.ldc + j0;
				if mr == tm && nr == tn && (!lower || j0 + tn - 1 <= i0) {
					micro::tile(self.kernel, kc, ap, bp, &mut c[at..], self.ldc);
				} else {
					self.edge(ap, bp, &mut c[at..], i0, j0, mr, nr);
				}
			}
		}
	}

	/// A partial tile, or one across the diagonal: through a full-size buffer, writing
	/// back only the elements the call computes.
	#[allow(clippy::too_many_arguments)]
	fn edge(
		&self,
		ap: &[f64],
		bp: &[f64],
		c: &mut [f64],
		i0: usize,
		j0: usize,
		mr: usize,
		nr: usize,
	) {
		let keep = |r: usize, t: usize| self.part == Part::Full || j0 + t <= i0 + r;
		let tn = self.kernel.nr();
		let mut buf = [0.0; MR_MAX * NR_MAX];
		for r in 0..mr {
			for t in 0..nr {
				if keep(r, t) {
					buf[r * tn + t] = c[r * self.ldc + t];
				}
			}
		}
		micro::tile(self.kernel, self.kc, ap, bp, &mut buf, tn);
		for r in 0..mr {
			for t in 0..nr {
				if keep(r, t) {
					c[r * self.ldc + t] = buf[r * tn + t];
				}
			}
		}
	}
}

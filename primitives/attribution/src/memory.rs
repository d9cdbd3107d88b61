//! The memory a build needs (std), estimated from the data's shape before anything large is
//! allocated, and checked against a bound ([`DEFAULT_MAX_MEMORY`], 4 GiB, or
//! `BuildOptions::max_memory` / `train --max-memory`).
//!
//! With `n` rows, `d` features, `q` outputs (softmax: classes, else 1), `p = q·(d+1)`
//! parameters (external: `p = d`), `k` the vector length (`p`, or the projection's `k`),
//! `G` contributions, `N` stored per-example rows and `T` threads, the build holds at its
//! peak the largest of these sums (f64 = 8 bytes, f32 = 4):
//!
//! | phase | live at once |
//! |---|---|
//! | Hessian | data `n·(8d + 12)`, `H` `8p²`, `W` partial sums `8p²` each ([`reduction_wave`]) and their row blocks `8·1024·(2(d+1) + q)` |
//! | exact solver | data, `H`, its Cholesky factor and inverse: `4 · 8p²` |
//! | projected solver | data, `H` `8p²`, `P` and `PH` `2 · 8kp`, `PHPᵀ`, its factor and inverse `4 · 8k²` |
//! | vectors | data, the solver (`8p²` exact; `8kp + 8k²` projected; `T·22·8p` CG), contribution sums `8Gp`, a row block of gradients and their images `8R(p + 2k)` ([`gradient_rows`]), per-example vectors `4Nk`, `u` `12Gk` |
//! | output | data, the index and its encoded bytes, `2·(4Gk + N(4k + 4) + 8p)` |
//!
//! The data is counted because it stays loaded during the build. The estimate is an upper
//! bound on the engine's own large allocations (the allocator's overhead aside).

use crate::{family::Family, index::Method, influence::APPLY_BLOCK, linalg::CHUNK};
use core::fmt;

/// Default bound on a build's memory: 4 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

/// Bytes of partial sums a parallel reduction may keep in flight beyond one per thread.
pub const WAVE_BYTES: usize = 256 << 20;

/// Row chunks a parallel reduction ([`crate::linalg::chunked_sum`]) evaluates at once when
/// each returns `len` f64s: 16, fewer when 16 of them would exceed [`WAVE_BYTES`], never
/// fewer than the threads. Partial sums are added in chunk order whatever the wave, so the
/// result does not depend on it.
pub fn reduction_wave(len: usize, threads: usize) -> usize {
	let fit = WAVE_BYTES / len.saturating_mul(8).max(1);
	fit.clamp(1, 16).max(threads.clamp(1, 16))
}

/// Rows of per-example gradients the build holds at once, for gradients of length `p` mapped
/// to vectors of length `k`: 16 384, fewer (a multiple of [`APPLY_BLOCK`], the solver's row block, so
/// the vectors do not depend on it) when that would exceed [`WAVE_BYTES`].
pub fn gradient_rows(p: usize, k: usize) -> usize {
	let row = p.saturating_add(k.saturating_mul(2)).saturating_mul(8).max(1);
	let fit = (WAVE_BYTES / row) / APPLY_BLOCK * APPLY_BLOCK;
	fit.clamp(APPLY_BLOCK, CHUNK * 16)
}

/// What a build works on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
	/// Model family.
	pub family: Family,
	/// Hessian treatment.
	pub method: Method,
	/// Training rows `n`.
	pub n: u64,
	/// Features `d` (gradient columns for `external`).
	pub d: u64,
	/// Classes (softmax), else 1.
	pub classes: u64,
	/// Contributions `G`.
	pub contributions: u64,
	/// Projection dimension (used by `Method::Projected` and `Method::Subspace`).
	pub k: u64,
	/// Whether per-example vectors are built.
	pub per_example: bool,
	/// Whether θ is trained (not when only the vectors are recomputed at a stored θ).
	pub train: bool,
	/// Worker threads.
	pub threads: u64,
}

/// A build's estimated peak memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
	/// Bytes at the peak.
	pub peak: f64,
	/// The largest single item live at the peak and its bytes.
	pub largest: (&'static str, f64),
	/// Gradient dimension `p`.
	pub p: f64,
}

impl Shape {
	/// Parameters `p` (external: `d`).
	pub fn p(&self) -> f64 {
		match self.family {
			Family::External => self.d as f64,
			Family::Softmax => self.classes as f64 * (self.d as f64 + 1.0),
			_ => self.d as f64 + 1.0,
		}
	}

	/// Vector length `k` of the index.
	pub fn k(&self) -> f64 {
		if self.method.is_k_dimensional() {
			self.k as f64
		} else {
			self.p()
		}
	}

	/// The estimated peak (see the module docs).
	pub fn estimate(&self) -> Estimate {
		let (n, d, g) = (self.n as f64, self.d as f64, self.contributions as f64);
		let q = if self.family == Family::Softmax { self.classes as f64 } else { 1.0 };
		let (p, k, t) = (self.p(), self.k(), self.threads.max(1) as f64);
		let pk = if self.method.is_k_dimensional() { self.k as f64 } else { 0.0 };
		let n_ex = if self.per_example { n } else { 0.0 };
		let chunks = (n / CHUNK as f64).ceil().max(1.0);
		let wave = (reduction_wave(sat(p * p), self.threads as usize) as f64).min(chunks);
		let rows = (gradient_rows(sat(p), sat(k)) as f64).min(n);
		let data = ("the data (n × d f64)", n * (8.0 * d + 12.0) + 40.0 * g);
		let hessian = ("the Hessian (p × p f64)", 8.0 * p * p);
		let partials = ("the Hessian's partial sums (p × p f64 per row chunk in flight)", {
			wave * (8.0 * p * p + 8.0 * CHUNK as f64 * (2.0 * (d + 1.0) + q))
		});
		// Newton forms H whatever the method; the exact and projected solvers form it again.
		let trains = self.train && self.family != Family::External;
		let mut phases: Vec<Vec<(&'static str, f64)>> = Vec::new();
		if trains || self.method == Method::Exact || self.method.is_k_dimensional() {
			phases.push(vec![data, hessian, partials]);
		}
		let solver: (&'static str, f64) = match self.method {
			Method::Exact => {
				phases.push(vec![
					data,
					("the Hessian's factor and inverse (4 × p × p f64)", { 32.0 * p * p }),
				]);
				("the inverse Hessian (p × p f64)", 8.0 * p * p)
			}
			Method::Projected => {
				phases.push(vec![
					data,
					hessian,
					("the projection and projected Hessian (2 × k × p f64)", 16.0 * pk * p),
					("the projected Hessian's factor and inverse (4 × k × k f64)", 32.0 * pk * pk),
				]);
				("the projection (k × p f64)", 8.0 * pk * p + 8.0 * pk * pk)
			}
			Method::Subspace => {
				phases.push(vec![
					data,
					hessian,
					("the subspace blocks (3 × k × p f64)", 24.0 * pk * p),
					("the subspace's projected Hessian (k × k f64)", 8.0 * pk * pk),
				]);
				("the subspace basis (k × p f64)", 8.0 * pk * p)
			}
			Method::Cg => ("the conjugate-gradient work vectors", t * 22.0 * 8.0 * p),
			Method::GradDot => ("no solver", 0.0),
		};
		let sums = ("the contribution gradient sums (G × p f64)", 8.0 * g * p);
		let examples = ("the per-example vectors (N × k f32)", 4.0 * n_ex * k);
		phases.push(vec![
			data,
			solver,
			sums,
			("a block of per-example gradients", 8.0 * rows * (p + 2.0 * k)),
			examples,
		]);
		phases.push(vec![
			data,
			solver,
			sums,
			examples,
			("the contribution vectors u", 12.0 * g * k),
		]);
		// A subspace index also holds its k × p f32 basis.
		let basis = if self.method == Method::Subspace { 4.0 * pk * p } else { 0.0 };
		let index = 4.0 * g * k + n_ex * (4.0 * k + 4.0) + 8.0 * p + basis;
		phases.push(vec![data, ("the index and its encoded bytes", 2.0 * index)]);
		let mut best = Estimate { peak: 0.0, largest: ("nothing", 0.0), p };
		for phase in phases {
			let total: f64 = phase.iter().map(|x| x.1).sum();
			if total > best.peak {
				let largest =
					phase.iter().copied().fold(
						("nothing", 0.0),
						|a, b| {
							if b.1 > a.1 {
								b
							} else {
								a
							}
						},
					);
				best = Estimate { peak: total, largest, p };
			}
		}
		best
	}

	/// The model in words, for messages: "softmax with 100000 classes and 3 features".
	pub fn describe(&self) -> String {
		match self.family {
			Family::Softmax => {
				format!("softmax with {} classes and {} features", self.classes, self.d)
			}
			Family::External => format!("external gradients with {} columns", self.d),
			f => format!("{f} with {} feature{}", self.d, if self.d == 1 { "" } else { "s" }),
		}
	}

	/// Checks the estimate against `limit` bytes.
	pub fn check(&self, limit: u64) -> Result<Estimate, TooLarge> {
		let e = self.estimate();
		if e.peak > limit as f64 {
			return Err(TooLarge {
				model: self.describe(),
				method: self.method,
				n: self.n,
				contributions: self.contributions,
				p: e.p,
				need: e.peak,
				part: e.largest.0,
				part_bytes: e.largest.1,
				limit,
			});
		}
		Ok(e)
	}
}

/// A build that would need more memory than allowed.
#[derive(Clone, Debug, PartialEq)]
pub struct TooLarge {
	/// The model in words ([`Shape::describe`]).
	pub model: String,
	/// Hessian treatment.
	pub method: Method,
	/// Training rows.
	pub n: u64,
	/// Contributions.
	pub contributions: u64,
	/// Parameters (gradient dimension).
	pub p: f64,
	/// Estimated peak bytes.
	pub need: f64,
	/// The largest item at the peak.
	pub part: &'static str,
	/// Its bytes.
	pub part_bytes: f64,
	/// The bound, bytes.
	pub limit: u64,
}

impl fmt::Display for TooLarge {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(
			f,
			"{} (p = {} parameters, {} row{}, {} contribution{}, method {}) needs {} of memory, {} of it for {}, above the limit of {} (--max-memory)",
			self.model,
			self.p,
			self.n,
			if self.n == 1 { "" } else { "s" },
			self.contributions,
			if self.contributions == 1 { "" } else { "s" },
			self.method.name(),
			bytes(self.need),
			bytes(self.part_bytes),
			self.part,
			bytes(self.limit as f64)
		)
	}
}

impl std::error::Error for TooLarge {}

fn sat(x: f64) -> usize {
	if x >= usize::MAX as f64 {
		usize::MAX
	} else {
		x as usize
	}
}

/// Bytes in binary units: `512 B`, `3.0 KiB`, `2.3 GiB`, `1.2 TiB`.
pub fn bytes(b: f64) -> String {
	const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
	let mut v = b;
	let mut u = 0;
	while v >= 1024.0 && u + 1 < UNITS.len() {
		v /= 1024.0;
		u += 1;
	}
	if u == 0 {
		format!("{v:.0} B")
	} else {
		format!("{v:.1} {}", UNITS[u])
	}
}

/// Parses a size: a whole number of bytes, or a number with a unit `K`, `M`, `G`, `T`
/// (powers of 1024; `KiB`, `KB`, `k` … spelled any way), e.g. `4GiB`, `512M`, `1.5G`.
pub fn parse_bytes(s: &str) -> Option<u64> {
	let s = s.trim();
	let at = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
	let (num, unit) = s.split_at(at);
	let v: f64 = num.parse().ok()?;
	let scale = match unit.trim().to_ascii_lowercase().as_str() {
		"" | "b" => 1u64,
		"k" | "kb" | "kib" => 1 << 10,
		"m" | "mb" | "mib" => 1 << 20,
		"g" | "gb" | "gib" => 1 << 30,
		"t" | "tb" | "tib" => 1 << 40,
		_ => return None,
	};
	let total = v * scale as f64;
	(total.is_finite() && total >= 0.0 && total < u64::MAX as f64).then_some(total as u64)
}

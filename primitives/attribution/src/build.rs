//! Index building (std): train, prepare the Hessian treatment, stream the examples.
//!
//! `u_c = A Σ_{i∈c} ∇ℓ(i; θ*) / n` for every contribution `c` (and, with
//! `per_example`, `v_i = A ∇ℓ(i; θ*) / n` for every example), where `A` is the method's
//! `H⁻¹` ([`crate::influence`]). Examples are processed in fixed chunks, in parallel with
//! rayon; the per-contribution sums are added in row order, so the index bytes do not
//! depend on the number of threads.

use crate::{
	data::Dataset,
	family::Family,
	index::{Examples, Index, Method},
	influence::{CgStats, Curvature, Solver, SolverError},
	memory::{self, Shape, TooLarge},
	train::{Problem, TrainError, NEWTON_TOL},
};
use core::fmt;
use std::io::IsTerminal;

/// Options of [`Index::build`].
#[derive(Clone, Debug)]
pub struct BuildOptions {
	/// Model family.
	pub family: Family,
	/// L2 strength of the objective.
	pub l2: f64,
	/// Hessian treatment.
	pub method: Method,
	/// Projection `(seed, k)`; used by `Method::Projected` and `Method::Subspace` (the seed
	/// of its start block).
	pub projection: (u64, u32),
	/// Store per-example vectors (for `score --per-example`).
	pub per_example: bool,
	/// Show a progress bar on stderr (also shown whenever stderr is a terminal).
	pub progress: bool,
	/// Newton's target on `‖∇F‖₂` (default [`NEWTON_TOL`] = `1e-10`; a fit stalled by
	/// rounding above it is accepted below `1e-6`, see [`crate::train`]).
	pub tol: f64,
	/// Bound on the build's memory in bytes, checked from the data's shape before anything
	/// large is allocated ([`crate::memory`]; default [`memory::DEFAULT_MAX_MEMORY`]).
	pub max_memory: u64,
}

impl Default for BuildOptions {
	fn default() -> Self {
		BuildOptions {
			family: Family::Logistic,
			l2: 0.01,
			method: Method::Exact,
			projection: (0, 512),
			per_example: false,
			progress: false,
			tol: NEWTON_TOL,
			max_memory: memory::DEFAULT_MAX_MEMORY,
		}
	}
}

impl BuildOptions {
	/// The options `index` was built with (family, l2, method, projection; Newton's
	/// default tolerance, no progress bar), with or without per-example vectors, within
	/// `max_memory` bytes: to rebuild it ([`crate::cli`]'s `verify`) or recompute its
	/// vectors ([`example_vectors`]).
	pub fn of_index(index: &Index, per_example: bool, max_memory: u64) -> BuildOptions {
		BuildOptions {
			family: index.family,
			l2: index.l2,
			method: index.method,
			projection: index.projection.unwrap_or((0, 0)),
			per_example,
			progress: false,
			tol: NEWTON_TOL,
			max_memory,
		}
	}
}

/// What the build did.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
	/// Newton iterations.
	pub iterations: usize,
	/// Final gradient norm.
	pub grad_norm: f64,
	/// The CG solves (method `cg` only): count, and those that stopped at the iteration
	/// cap with their worst residual.
	pub cg: Option<CgStats>,
}

/// Build failure.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildError {
	/// Training failed.
	Train(TrainError),
	/// The Hessian could not be factorised.
	Solver,
	/// Invalid options or data.
	Invalid(String),
	/// The build would need more memory than [`BuildOptions::max_memory`].
	TooLarge(TooLarge),
}

impl fmt::Display for BuildError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			BuildError::Train(e) => write!(f, "{e}"),
			BuildError::Solver => write!(f, "Hessian is not positive definite"),
			BuildError::Invalid(s) => f.write_str(s),
			BuildError::TooLarge(e) => write!(f, "{e}"),
		}
	}
}

impl std::error::Error for BuildError {}

impl From<TrainError> for BuildError {
	fn from(e: TrainError) -> Self {
		BuildError::Train(e)
	}
}
impl From<TooLarge> for BuildError {
	fn from(e: TooLarge) -> Self {
		BuildError::TooLarge(e)
	}
}
impl From<SolverError> for BuildError {
	fn from(_: SolverError) -> Self {
		BuildError::Solver
	}
}

/// Number of classes implied by the labels (softmax), else 1.
pub fn classes_of(family: Family, y: &[f64]) -> Result<u32, BuildError> {
	if family != Family::Softmax {
		return Ok(1);
	}
	let mut max = 0.0f64;
	for (i, &v) in y.iter().enumerate() {
		if !(v >= 0.0 && v.fract() == 0.0 && v < 1e6) {
			return Err(TrainError::BadLabel { row: i, value: v }.into());
		}
		max = max.max(v);
	}
	let c = max as u32 + 1;
	if c < 2 {
		return Err(BuildError::Invalid("softmax needs labels of at least two classes".into()));
	}
	Ok(c)
}

pub(crate) fn progress_bar(show: bool, len: u64, msg: &'static str) -> indicatif::ProgressBar {
	if show || std::io::stderr().is_terminal() {
		let pb = indicatif::ProgressBar::new(len);
		pb.set_style(
			indicatif::ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} {elapsed}")
				.unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
		);
		pb.set_message(msg);
		pb
	} else {
		indicatif::ProgressBar::hidden()
	}
}

impl Index {
	/// Trains the model on `ds` and builds its attribution index.
	///
	/// Cost (exact): Newton iterations × (`n·p²` Hessian + `p³/3` Cholesky), then `p³`
	/// for `H⁻¹` and `(G + N_stored)·p²` for the vectors. Projected: one `n·p²` Hessian,
	/// `k·p²` for `PHPᵀ`. CG: per contribution, iterations × `n·p`.
	///
	/// Memory: estimated from the data's shape and checked against `opts.max_memory`
	/// before anything large is allocated ([`crate::memory`]); above it,
	/// [`BuildError::TooLarge`].
	pub fn build(ds: &Dataset, opts: &BuildOptions) -> Result<(Index, BuildReport), BuildError> {
		let n = ds.n();
		if n == 0 {
			return Err(TrainError::Empty.into());
		}
		if opts.family != Family::External && ds.y.len() != n {
			return Err(BuildError::Invalid("training data needs a `label` column".into()));
		}
		let classes = classes_of(opts.family, &ds.y)?;
		check_projection(opts, opts.family.grad_dim(ds.d(), classes).unwrap_or(0))?;
		check_memory(ds, opts, classes, true)?;
		let d = ds.d();
		let problem = Problem { family: opts.family, classes, d, x: &ds.x, y: &ds.y, l2: opts.l2 };
		let show = opts.progress;
		let (theta, report) = if opts.family == Family::External {
			if !(opts.l2 > 0.0 && opts.l2.is_finite()) {
				return Err(TrainError::BadL2(opts.l2).into());
			}
			(Vec::new(), BuildReport::default())
		} else {
			let pb = progress_bar(show, 1, "training");
			let fit = problem.fit(None, opts.tol)?;
			pb.finish_and_clear();
			(
				fit.theta.clone(),
				BuildReport { iterations: fit.iterations, grad_norm: fit.grad_norm, cg: None },
			)
		};
		let (u, vectors, cg, basis) = vectors(ds, opts, classes, &theta, None)?;
		let report = BuildReport { cg, ..report };
		let index = Index {
			family: opts.family,
			method: opts.method,
			features: ds.features.clone(),
			classes,
			n_train: n as u64,
			l2: opts.l2,
			theta,
			projection: if opts.method.is_k_dimensional() { Some(opts.projection) } else { None },
			basis,
			baseline: if opts.family == Family::Linear { Some(mean_label(&ds.y)?) } else { None },
			contributors: ds.contributors.iter().map(|c| c.as_bytes().to_vec()).collect(),
			u,
			examples: vectors
				.map(|vectors| Examples { contribution: ds.contribution.clone(), vectors }),
		};
		Ok((index, report))
	}
}

/// The build's memory estimate for `ds` against `opts.max_memory` ([`crate::memory`]);
/// `train`: whether θ is trained too.
pub fn check_memory(
	ds: &Dataset,
	opts: &BuildOptions,
	classes: u32,
	train: bool,
) -> Result<memory::Estimate, BuildError> {
	let shape = Shape {
		family: opts.family,
		method: opts.method,
		n: ds.n() as u64,
		d: ds.d() as u64,
		classes: classes as u64,
		contributions: ds.contributors.len() as u64,
		k: opts.projection.1 as u64,
		per_example: opts.per_example,
		train,
		threads: rayon::current_num_threads() as u64,
	};
	Ok(shape.check(opts.max_memory)?)
}

/// The mean of the labels, `Σ y_i / n` in row order: the baseline of unlabelled linear
/// queries. Finite labels can still overflow the sum: a clear error then.
fn mean_label(y: &[f64]) -> Result<f64, BuildError> {
	let n = y.len().max(1) as f64;
	let mean = y.iter().map(|v| v / n).sum::<f64>();
	if !mean.is_finite() {
		return Err(BuildError::Invalid("the labels' mean overflows: rescale the labels".into()));
	}
	Ok(mean)
}

/// Rejects a projection dimension outside `1..=MAX_PROJECTION` (projected method) or
/// outside `1..=p` (subspace method: a subspace has at most `p` dimensions).
fn check_projection(opts: &BuildOptions, p: usize) -> Result<(), BuildError> {
	let k = opts.projection.1;
	if opts.method.is_k_dimensional() && (k == 0 || k as usize > crate::index::MAX_PROJECTION) {
		return Err(BuildError::Invalid(format!(
			"--project must be between 1 and {}",
			crate::index::MAX_PROJECTION
		)));
	}
	if opts.method == Method::Subspace && k as usize > p {
		return Err(BuildError::Invalid(format!(
			"--project {k} exceeds the gradient dimension {p}: a subspace has at most {p} dimensions (use --method exact, which is the subspace of all {p})"
		)));
	}
	Ok(())
}

/// Recomputes the per-example vectors of `index` from its training data `ds`, at the
/// index's θ* (same method and projection), within `max_memory` bytes; with the CG solves'
/// counts for a `cg` index.
pub fn example_vectors(
	index: &Index,
	ds: &Dataset,
	max_memory: u64,
) -> Result<(Examples, Option<CgStats>), BuildError> {
	let opts = BuildOptions::of_index(index, true, max_memory);
	check_projection(&opts, index.grad_dim())?;
	check_memory(ds, &opts, index.classes, false)?;
	let (_, v, cg, _) = vectors(ds, &opts, index.classes, &index.theta, index.basis.as_deref())?;
	Ok((Examples { contribution: ds.contribution.clone(), vectors: v.unwrap_or_default() }, cg))
}

/// The vectors of an index, for CG what its solves did, for a subspace index its basis.
type Vectors = (Vec<f32>, Option<Vec<f32>>, Option<CgStats>, Option<Vec<f32>>);

/// `u` (row-major `G × k`) and, with `opts.per_example`, the per-example vectors. A
/// subspace index's `stored_basis` is applied as it is instead of being rebuilt.
fn vectors(
	ds: &Dataset,
	opts: &BuildOptions,
	classes: u32,
	theta: &[f64],
	stored_basis: Option<&[f32]>,
) -> Result<Vectors, BuildError> {
	let n = ds.n();
	let d = ds.d();
	let show = opts.progress;
	let problem = Problem { family: opts.family, classes, d, x: &ds.x, y: &ds.y, l2: opts.l2 };
	let p = opts.family.grad_dim(d, classes).unwrap_or(0);
	let curvature = if opts.family == Family::External {
		Curvature::External { grads: &ds.x, p, l2: opts.l2 }
	} else {
		Curvature::Model { problem, theta }
	};
	let (seed, k) = opts.projection;
	let pb = progress_bar(show, 1, "hessian");
	let solver = match stored_basis {
		// The index's own basis: the vectors are in the coordinates its queries use.
		Some(b) if opts.method == Method::Subspace => {
			Solver::Subspace { k: k as usize, p, basis: b.iter().map(|&v| v as f64).collect() }
		}
		_ => Solver::new(opts.method, curvature, (seed, k as usize))?,
	};
	pb.finish_and_clear();
	let dim = solver.dim();
	let g_count = ds.contributors.len();
	let mut sums = vec![0.0; g_count * p];
	let mut vectors: Vec<f32> =
		if opts.per_example { Vec::with_capacity(n * dim) } else { Vec::new() };
	let pb = progress_bar(show, n as u64, "examples");
	// A multiple of the solver's row block (`APPLY_BLOCK`): the vectors do not depend on it.
	let wave = memory::gradient_rows(p, dim);
	let mut r0 = 0;
	while r0 < n {
		let r1 = (r0 + wave).min(n);
		let grads = if opts.family == Family::External {
			ds.x[r0 * p..r1 * p].to_vec()
		} else {
			problem.example_gradients(theta, r0..r1)
		};
		for (t, i) in (r0..r1).enumerate() {
			let c = ds.contribution[i] as usize;
			let s = &mut sums[c * p..(c + 1) * p];
			for (a, b) in s.iter_mut().zip(&grads[t * p..(t + 1) * p]) {
				*a += b;
			}
		}
		if opts.per_example {
			let v = solver.apply(&grads);
			vectors.extend(v.iter().map(|x| (x / n as f64) as f32));
		}
		pb.set_position(r1 as u64);
		r0 = r1;
	}
	pb.finish_and_clear();
	let u: Vec<f32> = solver.apply(&sums).iter().map(|x| (x / n as f64) as f32).collect();
	Ok((u, if opts.per_example { Some(vectors) } else { None }, solver.cg_stats(), solver.basis()))
}

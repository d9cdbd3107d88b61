//! `train` for gradient indexes: load the data, build, write the index, print its hash;
//! notes and warnings about the build on stderr.

use super::{hex, load_data, Error, TrainArgs};
use crate::{
	build::BuildOptions,
	data::Dataset,
	family::Family,
	index::{Index, Method},
	memory::DEFAULT_MAX_MEMORY,
};

/// Largest gradient dimension `p` for which `train` builds an exact index by default.
pub const EXACT_MAX_P: usize = 5000;

/// Default `K` of a `subspace` index when `p` is above [`EXACT_MAX_P`] and no `--project`.
pub const DEFAULT_K: u32 = 512;

/// The method and `K` of a build: the explicit `--method` if any (`--project K`, default
/// 512 for projected, `min(512, p)` for subspace); `subspace` with `--project K`; otherwise exact while
/// `p ≤ EXACT_MAX_P`, and `subspace` with `K = DEFAULT_K` (at most `p`) above.
pub fn default_method(explicit: Option<Method>, project: Option<u32>, p: usize) -> (Method, u32) {
	match (explicit, project) {
		(Some(Method::Subspace), None) => (Method::Subspace, DEFAULT_K.min(p as u32).max(1)),
		(Some(m), k) => (m, k.unwrap_or(DEFAULT_K)),
		(None, Some(k)) => (Method::Subspace, k),
		(None, None) if p <= EXACT_MAX_P => (Method::Exact, DEFAULT_K),
		(None, None) => (Method::Subspace, DEFAULT_K.min(p as u32)),
	}
}

pub(super) fn train(a: TrainArgs) -> Result<String, Error> {
	if a.family == "span" {
		return crate::span::cli::train(&a);
	}
	let family = Family::from_name(&a.family).ok_or_else(|| {
		Error::Usage(format!(
			"unknown family `{}` (expected linear, logistic, softmax, external or span)",
			a.family
		))
	})?;
	if let Some(d) = a.data.0.iter().find(|d| d.contributor.is_some()) {
		return Err(Error::Usage(format!(
			"--contributor (after --data {}) is for --family span; CSV files name contributions in their `contributor` column",
			d.path.display()
		)));
	}
	if a.min_span.is_some() || a.max_occurrences.is_some() || a.shard_tokens.is_some() {
		return Err(Error::Usage(
			"--min-span, --max-occurrences and --shard-tokens are for --family span".into(),
		));
	}
	let explicit = match &a.method {
		Some(m) => Some(Method::from_name(m).ok_or_else(|| {
			Error::Usage(format!(
				"unknown method `{m}` (expected exact, cg, subspace, projected or grad-dot)"
			))
		})?),
		None => None,
	};
	if a.project.is_some() && !explicit.is_none_or(Method::is_k_dimensional) {
		return Err(Error::Usage("--project needs --method subspace or projected".into()));
	}
	if !(a.l2 > 0.0 && a.l2.is_finite()) {
		return Err(Error::Usage(format!("--l2 must be a finite number > 0, got {}", a.l2)));
	}
	let ds = load_data(&a.data.paths(), family, a.contributors.as_ref())?;
	let classes = crate::build::classes_of(family, &ds.y)?;
	let p = family.grad_dim(ds.d(), classes).unwrap_or(0);
	let (method, k) = default_method(explicit, a.project, p);
	let opts = BuildOptions {
		family,
		l2: a.l2,
		method,
		projection: (a.seed, k),
		per_example: a.per_example,
		progress: a.progress,
		tol: crate::train::NEWTON_TOL,
		max_memory: a.max_memory.unwrap_or(DEFAULT_MAX_MEMORY),
	};
	let (index, report) = Index::build(&ds, &opts)?;
	if explicit.is_none() && a.project.is_none() && method == Method::Subspace {
		eprintln!(
			"note: p = {p} > {EXACT_MAX_P}: method subspace with K = {k} (exact would hold a {p} × {p} inverse); choose with --method or --project"
		);
	}
	if report.grad_norm >= opts.tol {
		eprintln!(
			"note: Newton stopped at ‖∇F‖₂ = {:.3e} after {} iterations, above its {:e} target (rounding); accepted below {:e}",
			report.grad_norm,
			report.iterations,
			opts.tol,
			crate::train::ACCEPT_TOL
		);
	}
	if method == Method::Cg {
		if let Some(note) = cg_note(family, &ds, a.per_example) {
			eprintln!("{note}");
		}
	}
	if let Some(w) = report.cg.as_ref().and_then(cg_warning) {
		eprintln!("{w}");
	}
	let bytes = index.encode();
	if let Err(e) = crate::IndexView::parse(&bytes, &crate::WorkLimits::ON_CHAIN) {
		eprintln!(
			"warning: attestors will not score this index on chain ({e}; the worker's limits are WorkLimits::ON_CHAIN): use a smaller --project K, fewer contributions or fewer features"
		);
	}
	std::fs::write(&a.out, &bytes).map_err(|e| Error::Io(a.out.clone(), e))?;
	Ok(format!("{}\n", hex(&Index::hash(&bytes))))
}

/// A note when `--method cg` is the wrong choice: a built-in family (training forms the
/// `p × p` Hessian anyway, so exact costs one more factorisation, not `G (+ N)` solves), or
/// more solves than `p`.
pub fn cg_note(family: Family, ds: &Dataset, per_example: bool) -> Option<String> {
	let solves = ds.contributors.len() + if per_example { ds.n() } else { 0 };
	let what = if per_example { "contribution and per example" } else { "contribution" };
	let p = family.grad_dim(ds.d(), 1).unwrap_or(0);
	if family != Family::External {
		Some(format!("note: --method cg trains with the full Hessian like exact, then runs one solve per {what} ({solves} here): --method exact gives the same scores faster"))
	} else if solves > p {
		Some(format!("note: --method cg runs one solve per {what} ({solves} here, more than p = {p}): --method exact (one p×p factorisation) is cheaper"))
	} else {
		None
	}
}

/// The warning for CG solves that stopped at the iteration cap, if any.
pub fn cg_warning(st: &crate::influence::CgStats) -> Option<String> {
	(st.unconverged > 0).then(|| {
		format!(
			"warning: conjugate gradient did not converge in {} of {} solves (stopped after {} iterations; largest relative residual ‖b − Hx‖/‖b‖ = {:.3e}, tolerance {:e}); the index holds these approximate solutions",
			st.unconverged,
			st.solves,
			st.max_iterations,
			st.worst_residual,
			crate::influence::CG_TOL,
		)
	})
}

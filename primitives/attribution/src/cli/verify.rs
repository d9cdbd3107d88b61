//! `verify`: rebuilds a gradient index from its training data with the options the index
//! records and compares the bytes. The build is deterministic (fixed operation order on
//! every CPU and thread count, [`crate::linalg`]), so an index that came from this data
//! reproduces exactly; anything else names the parts that differ and both hashes.

use super::{hex, load_data, read_index, Error, VerifyArgs};
use crate::{build::BuildOptions, index::Index, memory::DEFAULT_MAX_MEMORY};

pub(super) fn verify(a: &VerifyArgs) -> Result<String, Error> {
	if crate::span::cli::is_span_index(&a.index)? {
		return Err(Error::Usage(format!(
			"{}: verify is for gradient indexes; a span index is checked by building it again with `train --family span` and comparing the printed hash",
			a.index.display()
		)));
	}
	let (index, hash) = read_index(&a.index)?;
	let ds = load_data(&a.data, index.family, a.contributors.as_ref())?;
	let max_memory = a.max_memory.unwrap_or(DEFAULT_MAX_MEMORY);
	let opts = BuildOptions {
		progress: a.progress,
		..BuildOptions::of_index(&index, index.examples.is_some(), max_memory)
	};
	let (rebuilt, _) = Index::build(&ds, &opts)?;
	let bytes = rebuilt.encode();
	let again = Index::hash(&bytes);
	if again == hash {
		return Ok(format!("verified {}\n", hex(&hash)));
	}
	Err(Error::Mismatch(format!(
		"{} does not match its data: {} differ (index {}, rebuilt {})",
		a.index.display(),
		differences(&index, &rebuilt).join(", "),
		hex(&hash),
		hex(&again)
	)))
}

/// The parts of two indexes (same family, method, l2, projection) that differ.
fn differences(a: &Index, b: &Index) -> Vec<String> {
	let mut out = Vec::new();
	if a.features != b.features {
		out.push("feature names".to_string());
	}
	if a.classes != b.classes {
		out.push(format!("classes ({} vs {})", a.classes, b.classes));
	}
	if a.n_train != b.n_train {
		out.push(format!("training rows ({} vs {})", a.n_train, b.n_train));
	}
	if a.contributors != b.contributors {
		out.push(format!("contributors ({} vs {})", a.contributors.len(), b.contributors.len()));
	}
	if let Some(what) = vector_diff(&a.theta, &b.theta) {
		out.push(format!("θ ({what})"));
	}
	if a.baseline.map(f64::to_bits) != b.baseline.map(f64::to_bits) {
		out.push(format!("baseline ({:?} vs {:?})", a.baseline, b.baseline));
	}
	match (&a.basis, &b.basis) {
		(Some(x), Some(y)) => {
			if let Some(what) = vector_diff(x, y) {
				out.push(format!("subspace basis ({what})"));
			}
		}
		(None, None) => {}
		_ => out.push("subspace basis (present in one only)".to_string()),
	}
	if let Some(what) = vector_diff(&a.u, &b.u) {
		out.push(format!("contribution vectors ({what})"));
	}
	match (&a.examples, &b.examples) {
		(Some(x), Some(y)) => {
			if x.contribution != y.contribution {
				out.push("per-example contributions".to_string());
			}
			if let Some(what) = vector_diff(&x.vectors, &y.vectors) {
				out.push(format!("per-example vectors ({what})"));
			}
		}
		(None, None) => {}
		_ => out.push("per-example vectors (present in one only)".to_string()),
	}
	if out.is_empty() {
		// Same decoded content but other bytes: not written by this engine's encoder.
		out.push(format!("encodings (same {} index content)", a.method.name()));
	}
	out
}

/// `None` when equal bit for bit; else how many entries differ (or the lengths).
fn vector_diff<T: Copy + PartialEq + Into<f64>>(a: &[T], b: &[T]) -> Option<String> {
	if a.len() != b.len() {
		return Some(format!("{} vs {} values", a.len(), b.len()));
	}
	let mut count = 0usize;
	let mut largest = 0.0f64;
	for (x, y) in a.iter().zip(b) {
		let (x, y): (f64, f64) = ((*x).into(), (*y).into());
		if x.to_bits() != y.to_bits() {
			count += 1;
			largest = largest.max((x - y).abs());
		}
	}
	(count > 0).then(|| format!("{count} of {} values, largest difference {largest:.3e}", a.len()))
}

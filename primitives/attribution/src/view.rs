//! A zero-copy view of index bytes (no_std), for the attestors' off-chain worker.
//!
//! [`IndexView::parse`] validates the bytes exactly as [`Index::decode_with_limits`] does
//! (magic, version, [`WorkLimits`], checksum, header consistency, UTF-8 names, finite θ,
//! `u` and per-example vectors, example contributions, no trailing bytes), accepting and
//! rejecting the same inputs with the same [`DecodeError`], but does not copy the `G × k`
//! matrix `u` nor the per-example vectors: it keeps them as byte slices, and scoring reads
//! their f32s little-endian straight from the bytes ([`kernel::score_rows_le`]) in the
//! kernel's fixed order. It keeps θ (`p` f64s), the feature names and contributor ids as
//! slices of the bytes, and a sorted name lookup for query parsing ([`ColumnLookup`]).
//!
//! Scores, shares and attestation bytes are bit-identical to
//! `Index::decode(bytes)?.score_bytes(q)` / `.attribute(q, m)` / `.attestation(q, m)`.
//!
//! Allocation at parse: `8·p` (θ) + `16·G` (ids, 8 on wasm32) + `20·d` bytes; per query:
//! the query row, the gradient (`8·p`), `φ` (`8·k`) and the scores (`8·G`).
//!
//! [`Index::decode_with_limits`]: crate::Index::decode_with_limits

use crate::{
	family::Family,
	index::{self, DecodeError, Method, ScoreError, WorkLimits},
	kernel,
	query::{ColumnLookup, Query},
	shares,
};
use alloc::{vec, vec::Vec};

/// A validated, zero-copy view of index file bytes.
#[derive(Clone, Debug)]
pub struct IndexView<'a> {
	family: Family,
	method: Method,
	classes: u32,
	n_train: u64,
	l2: f64,
	projection: Option<(u64, u32)>,
	k: usize,
	features: Vec<&'a str>,
	lookup: ColumnLookup,
	theta: Vec<f64>,
	basis: Option<&'a [u8]>,
	baseline: Option<f64>,
	contributors: Vec<&'a [u8]>,
	u: &'a [u8],
	examples: Option<(&'a [u8], &'a [u8])>,
}

impl<'a> IndexView<'a> {
	/// Validates `bytes` (see the module docs) and returns a view borrowing them. Declared
	/// sizes above `limits` are rejected from the fixed header, before the checksum pass and
	/// before any allocation. Never panics.
	pub fn parse(bytes: &'a [u8], limits: &WorkLimits) -> Result<IndexView<'a>, DecodeError> {
		let l = index::walk(bytes, limits, &mut index::check_finite_f32)?;
		let lookup = ColumnLookup::new(&l.features);
		Ok(IndexView {
			family: l.family,
			method: l.method,
			classes: l.classes,
			n_train: l.n_train,
			l2: l.l2,
			projection: l.projection,
			k: l.k,
			features: l.features,
			lookup,
			theta: l.theta,
			basis: l.basis,
			baseline: l.baseline,
			contributors: l.contributors,
			u: l.u,
			examples: l.examples,
		})
	}

	/// Model family.
	pub fn family(&self) -> Family {
		self.family
	}

	/// Hessian treatment used to build `u`.
	pub fn method(&self) -> Method {
		self.method
	}

	/// Number of classes (softmax), else 1.
	pub fn classes(&self) -> u32 {
		self.classes
	}

	/// Training set size `n`.
	pub fn n_train(&self) -> u64 {
		self.n_train
	}

	/// L2 regularisation strength of the objective.
	pub fn l2(&self) -> f64 {
		self.l2
	}

	/// `Some((seed, k))` for a projected or subspace index.
	pub fn projection(&self) -> Option<(u64, u32)> {
		self.projection
	}

	/// Length of each score-space vector (`k` if projected, else the gradient dimension).
	pub fn k(&self) -> usize {
		self.k
	}

	/// Dimension of the gradient space.
	pub fn grad_dim(&self) -> usize {
		self.family.grad_dim(self.features.len(), self.classes).unwrap_or(0)
	}

	/// Feature column names, in θ's order.
	pub fn features(&self) -> &[&'a str] {
		&self.features
	}

	/// Model parameters θ* (empty for external models).
	pub fn theta(&self) -> &[f64] {
		&self.theta
	}

	/// Number of contributions `G`.
	pub fn contributions(&self) -> usize {
		self.contributors.len()
	}

	/// Contributor id of contribution `i` (bytes of the index file).
	///
	/// # Panics
	/// If `i >= self.contributions()`.
	pub fn contributor(&self, i: usize) -> &'a [u8] {
		self.contributors[i]
	}

	/// All contributor ids, in contribution order.
	pub fn contributors(&self) -> &[&'a [u8]] {
		&self.contributors
	}

	/// Number of per-example rows `N` (0 without per-example vectors).
	pub fn examples(&self) -> usize {
		self.examples.map(|(c, _)| c.len() / 4).unwrap_or(0)
	}

	/// Row `i` of `u` as f32s (decoded from the bytes; for inspection and tests).
	///
	/// # Panics
	/// If `i >= self.contributions()`.
	pub fn row(&self, i: usize) -> Vec<f32> {
		self.u[i * self.k * 4..(i + 1) * self.k * 4]
			.chunks_exact(4)
			.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
			.collect()
	}

	/// Parses query bytes against this index's columns (`O(d)` when the query lists the
	/// columns in the index's order, `O(d log d)` otherwise).
	pub fn parse_query(&self, bytes: &[u8]) -> Result<Query, ScoreError> {
		let q = Query::parse_with(bytes, &self.features, &self.lookup)?;
		index::check_label(self.family, self.classes, &q)?;
		Ok(q)
	}

	/// The query vector `φ(q)`, as [`crate::Index::query_vector`].
	pub fn query_vector(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let map = match (self.basis, self.projection) {
			(Some(b), _) => index::QueryMap::BasisBytes(b),
			(None, Some((seed, k))) => index::QueryMap::Projection(seed, k),
			(None, None) => index::QueryMap::Gradient,
		};
		let (d, baseline) = (self.features.len(), self.baseline.unwrap_or(0.0));
		index::query_vector(self.family, &self.theta, d, self.classes, baseline, map, q)
	}

	/// Contribution scores, as [`crate::Index::score`] (non-finite scores become `+0.0`).
	pub fn score(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let phi = self.query_vector(q)?;
		let mut out = vec![0.0; self.contributions()];
		kernel::score_rows_le(&phi, self.u, &mut out);
		index::canonicalise_scores(&mut out);
		Ok(out)
	}

	/// Per-example scores, as [`crate::Index::score_examples`].
	pub fn score_examples(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let (contribution, vectors) = self.examples.ok_or(ScoreError::NoExamples)?;
		let phi = self.query_vector(q)?;
		let mut out = vec![0.0; contribution.len() / 4];
		kernel::score_rows_le(&phi, vectors, &mut out);
		index::canonicalise_scores(&mut out);
		Ok(out)
	}

	/// Parses query bytes and returns the contribution scores, as
	/// [`crate::Index::score_bytes`].
	pub fn score_bytes(&self, query: &[u8]) -> Result<Vec<f64>, ScoreError> {
		let q = self.parse_query(query)?;
		self.score(&q)
	}

	/// `(contribution index, parts per billion)` of the top `max_entries` positive scores,
	/// as [`crate::Index::attribute`].
	pub fn attribute(
		&self,
		query: &[u8],
		max_entries: usize,
	) -> Result<Vec<(u32, u32)>, ScoreError> {
		Ok(shares::shares(&self.score_bytes(query)?, max_entries))
	}

	/// The attestation bytes, as [`crate::Index::attestation`].
	pub fn attestation(&self, query: &[u8], max_entries: usize) -> Result<Vec<u8>, ScoreError> {
		Ok(index::attestation_bytes(&self.score_bytes(query)?, max_entries))
	}
}

/// Parses a contributor id of the form `dataset:contribution` into its two numbers, as the
/// chain names contributions: each part is a non-empty run of ASCII digits, without sign,
/// spaces or leading zeros (`0` itself is allowed), and fits in a `u32`. Anything else,
/// including a second `:`, is `None`, so every contribution has exactly one id.
pub fn parse_contribution_id(id: &[u8]) -> Option<(u32, u32)> {
	let colon = id.iter().position(|&b| b == b':')?;
	let (a, b) = (&id[..colon], &id[colon + 1..]);
	Some((decimal_u32(a)?, decimal_u32(b)?))
}

/// A canonical decimal `u32`: digits only, no leading zero unless it is `0`, no overflow.
fn decimal_u32(s: &[u8]) -> Option<u32> {
	if s.is_empty() || (s.len() > 1 && s[0] == b'0') {
		return None;
	}
	let mut v: u32 = 0;
	for &c in s {
		if !c.is_ascii_digit() {
			return None;
		}
		v = v.checked_mul(10)?.checked_add((c - b'0') as u32)?;
	}
	Some(v)
}

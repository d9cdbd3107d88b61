//! The attribution index: file format, decoding and query scoring (no_std).
//!
//! # Scoring
//!
//! For a model trained to its optimum θ* on `n` examples, the influence of example `i` on
//! query `q` (Koh & Liang 2017, "Understanding Black-box Predictions via Influence
//! Functions") is
//!
//! ```text
//! I(i, q) = ∇ℓ(q; θ*)ᵀ · H⁻¹ · ∇ℓ(i; θ*) / n        (removing i raises q's loss by ≈ I)
//! ```
//!
//! Scores are linear in the training gradients, so contribution `c` scores
//! `s_c = φ(q)ᵀ u_c` with `u_c = H⁻¹ Σ_{i∈c} ∇ℓ(i) / n` precomputed at build time, and
//! `φ(q) = ∇ℓ(q)`. A projected index (TRAK, Park et al. 2023) stores
//! `u_c = H̃⁻¹ P Σ_{i∈c} ∇ℓ(i) / n` with `H̃ = P H Pᵀ + λI` and `φ(q) = P ∇ℓ(q)`, where
//! `P` is regenerated from its seed ([`crate::projection`]). A subspace index stores a
//! basis `B` (`k × p`, built from `H`'s dominant subspace, see `subspace` on the std side)
//! with `u_c = B Σ_{i∈c} ∇ℓ(i) / n` and `φ(q) = B ∇ℓ(q)`: exact influence restricted to
//! that subspace.
//!
//! Query cost: `O(p)` for the gradient, `O(k·p)` for the projection (projected and
//! subspace indexes only), and `G·k` multiply-adds for `G` contributions (`N·k` with per-example vectors).
//!
//! # File format (version 1, all integers little-endian)
//!
//! ```text
//! magic   8  b"TRIBIDX\0"
//! version u16 = 1
//! family  u8    1 linear, 2 logistic, 3 softmax, 4 external
//! method  u8    1 exact, 2 cg, 3 projected, 4 grad-dot, 5 subspace
//! flags   u8    bit 0: k-dimensional (projected or subspace), bit 1: per-example vectors
//!               present, bit 2: basis present (exactly when the method is subspace),
//!               bit 3: baseline present (linear models only)
//! 3 bytes zero
//! d u32 (features), classes u32, p u32 (= |θ|), k u32 (vector length)
//! seed u64 (projection or start-block seed, 0 if none), n_train u64, l2 f64
//! G u32 (contributions), N u64 (per-example rows, 0 if none)
//! d × (u32 length + UTF-8 feature name)
//! p × f64 θ
//! f64        baseline b of unlabelled queries (mean training label)  } only with flag bit 3
//! k·p × f32  basis B (row-major, one row per dimension)  } only with flag bit 2
//! G × (u32 length + contributor id bytes)
//! G·k × f32  u (row-major, one row per contribution)
//! N × u32    contribution of each example        } only with flag bit 1
//! N·k × f32  per-example vectors H⁻¹∇ℓ(i)/n       }
//! 32 bytes   blake2-256 of every byte before it
//! ```
//!
//! The index's identity is the blake2-256 hash of the whole file ([`Index::hash`]).

use crate::{
	family::{self, Family},
	kernel, projection,
	query::{Query, QueryError},
	shares,
};
use alloc::{string::String, vec, vec::Vec};
use core::fmt;

/// File magic.
pub const MAGIC: [u8; 8] = *b"TRIBIDX\0";
/// Current format version.
pub const VERSION: u16 = 1;
/// Largest projection dimension an index may declare.
pub const MAX_PROJECTION: usize = 1 << 16;
/// Size of the fixed header.
pub const HEADER_LEN: usize = 68;

/// How `H⁻¹` was applied when the index was built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Method {
	/// Exact Hessian, Cholesky factorisation.
	Exact = 1,
	/// Conjugate gradient with Hessian-vector products.
	Cg = 2,
	/// Projected Gauss-Newton (TRAK-style).
	Projected = 3,
	/// Gradient dot product baseline (TracIn-style; `H = I`).
	GradDot = 4,
	/// Exact influence on a Hessian-informed `k`-dimensional subspace, whose basis the
	/// index stores ([`crate::subspace`] on the std side).
	Subspace = 5,
}

impl Method {
	/// Method from its wire code.
	pub fn from_code(c: u8) -> Option<Method> {
		match c {
			1 => Some(Method::Exact),
			2 => Some(Method::Cg),
			3 => Some(Method::Projected),
			4 => Some(Method::GradDot),
			5 => Some(Method::Subspace),
			_ => None,
		}
	}

	/// Method from its command-line name.
	pub fn from_name(s: &str) -> Option<Method> {
		match s {
			"exact" => Some(Method::Exact),
			"cg" => Some(Method::Cg),
			"projected" => Some(Method::Projected),
			"grad-dot" => Some(Method::GradDot),
			"subspace" => Some(Method::Subspace),
			_ => None,
		}
	}

	/// Whether the method scores in `k` dimensions (`--project K`): its index records a
	/// `(seed, k)` and sets flag bit 0.
	pub fn is_k_dimensional(self) -> bool {
		matches!(self, Method::Projected | Method::Subspace)
	}

	/// The command-line name.
	pub fn name(self) -> &'static str {
		match self {
			Method::Exact => "exact",
			Method::Cg => "cg",
			Method::Projected => "projected",
			Method::GradDot => "grad-dot",
			Method::Subspace => "subspace",
		}
	}
}

/// Per-example vectors, for `score --per-example`.
#[derive(Clone, Debug, PartialEq)]
pub struct Examples {
	/// Contribution index of each example (rows in training-file order).
	pub contribution: Vec<u32>,
	/// Row-major `N × k` per-example vectors `H⁻¹∇ℓ(i)/n` (or projected).
	pub vectors: Vec<f32>,
}

/// An attribution index.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
	/// Model family.
	pub family: Family,
	/// Hessian treatment used to build `u`.
	pub method: Method,
	/// Feature column names (`d` of them), in θ's order.
	pub features: Vec<String>,
	/// Number of classes (softmax), else 1 (logistic) or 1 (linear/external).
	pub classes: u32,
	/// Training set size `n`.
	pub n_train: u64,
	/// L2 regularisation strength of the objective.
	pub l2: f64,
	/// Model parameters θ* (empty for external models).
	pub theta: Vec<f64>,
	/// `Some((seed, k))` for a projected or subspace index.
	pub projection: Option<(u64, u32)>,
	/// The row-major `k × p` basis `B` of a subspace index (`p` the gradient dimension).
	pub basis: Option<Vec<f32>>,
	/// Linear models: the baseline `b` of an unlabelled query, `f = −½(ŷ − b)²`
	/// ([`family::query_gradient`]); the builder stores the mean training label. `None`
	/// means `b = 0`.
	pub baseline: Option<f64>,
	/// Contributor ids, one per contribution.
	pub contributors: Vec<Vec<u8>>,
	/// Row-major `G × k` matrix of contribution vectors `u_c`.
	pub u: Vec<f32>,
	/// Optional per-example vectors.
	pub examples: Option<Examples>,
}

/// Why an index could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
	/// Shorter than the header and checksum.
	Truncated,
	/// Not an index file.
	BadMagic,
	/// A version this engine does not read.
	UnsupportedVersion(u16),
	/// The checksum does not match the content.
	ChecksumMismatch,
	/// Unknown family code.
	UnknownFamily(u8),
	/// Unknown method code.
	UnknownMethod(u8),
	/// Inconsistent header fields (what is wrong).
	BadHeader(&'static str),
	/// The body ends before its declared content.
	TruncatedBody,
	/// Bytes left after the declared content.
	TrailingBytes,
	/// A name or id is not valid UTF-8.
	BadText,
	/// A number in the body is NaN or infinite.
	NonFinite,
	/// A per-example row points at a contribution that does not exist.
	BadContribution,
	/// A declared size exceeds the [`WorkLimits`] the caller decodes with (checked before
	/// the checksum pass and before any allocation).
	TooLarge {
		/// Which limit (the [`WorkLimits`] field's meaning, e.g. `"contributions"`).
		what: &'static str,
		/// The declared value.
		value: u64,
		/// The limit.
		limit: u64,
	},
	/// A projected index whose vector length `k` exceeds the gradient dimension it projects
	/// from (a projection to more dimensions than the gradient has adds nothing).
	ProjectionAboveDimension {
		/// Declared projection dimension.
		k: u64,
		/// Gradient dimension `p` (`d` for external models).
		dim: u64,
	},
}

impl fmt::Display for DecodeError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			DecodeError::Truncated => {
				write!(f, "corrupt index: truncated (shorter than its header)")
			}
			DecodeError::BadMagic => write!(f, "corrupt index: not a Tributary index (bad magic)"),
			DecodeError::UnsupportedVersion(v) => {
				write!(f, "corrupt index: unsupported format version {v}")
			}
			DecodeError::ChecksumMismatch => {
				write!(f, "corrupt index: checksum mismatch (file damaged or truncated)")
			}
			DecodeError::UnknownFamily(c) => write!(f, "corrupt index: unknown family code {c}"),
			DecodeError::UnknownMethod(c) => write!(f, "corrupt index: unknown method code {c}"),
			DecodeError::BadHeader(w) => write!(f, "corrupt index: inconsistent header ({w})"),
			DecodeError::TruncatedBody => write!(f, "corrupt index: body truncated"),
			DecodeError::TrailingBytes => write!(f, "corrupt index: trailing bytes after the body"),
			DecodeError::BadText => write!(f, "corrupt index: a name is not UTF-8"),
			DecodeError::NonFinite => write!(f, "corrupt index: NaN or infinite number"),
			DecodeError::BadContribution => {
				write!(f, "corrupt index: example refers to an unknown contribution")
			}
			DecodeError::TooLarge { what, value, limit } => {
				write!(f, "index too large: {what} {value} exceeds the limit {limit}")
			}
			DecodeError::ProjectionAboveDimension { k, dim } => write!(
				f,
				"index rejected: projection dimension {k} exceeds the gradient dimension {dim}"
			),
		}
	}
}

/// Why a query could not be scored.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoreError {
	/// The query bytes are invalid.
	Query(QueryError),
	/// The query has a different number of features than the index.
	DimensionMismatch { index: usize, query: usize },
	/// The index has no per-example vectors.
	NoExamples,
}

impl From<QueryError> for ScoreError {
	fn from(e: QueryError) -> Self {
		ScoreError::Query(e)
	}
}

impl fmt::Display for ScoreError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			ScoreError::Query(e) => write!(f, "{e}"),
			ScoreError::DimensionMismatch { index, query } => write!(
				f,
				"dimension mismatch: the index has {index} features but the query has {query}"
			),
			ScoreError::NoExamples => write!(
				f,
				"the index has no per-example vectors (build it with `train --per-example`)"
			),
		}
	}
}

/// blake2-256.
pub fn blake2_256(data: &[u8]) -> [u8; 32] {
	sp_crypto_hashing::blake2_256(data)
}

struct Reader<'a> {
	b: &'a [u8],
	pos: usize,
}

impl<'a> Reader<'a> {
	fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
		let end = self.pos.checked_add(n).ok_or(DecodeError::TruncatedBody)?;
		if end > self.b.len() {
			return Err(DecodeError::TruncatedBody);
		}
		let s = &self.b[self.pos..end];
		self.pos = end;
		Ok(s)
	}
	fn remaining(&self) -> usize {
		self.b.len() - self.pos
	}
	fn u8(&mut self) -> Result<u8, DecodeError> {
		Ok(self.take(1)?[0])
	}
	fn u32(&mut self) -> Result<u32, DecodeError> {
		let s = self.take(4)?;
		Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
	}
	fn u64(&mut self) -> Result<u64, DecodeError> {
		let s = self.take(8)?;
		let mut a = [0u8; 8];
		a.copy_from_slice(s);
		Ok(u64::from_le_bytes(a))
	}
	fn f64(&mut self) -> Result<f64, DecodeError> {
		Ok(f64::from_bits(self.u64()?))
	}
	fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
		let n = self.u32()? as usize;
		self.take(n)
	}
	/// Checks that `count` items of `size` bytes fit before allocating them.
	fn check(&self, count: u64, size: u64) -> Result<usize, DecodeError> {
		let total = count.checked_mul(size).ok_or(DecodeError::TruncatedBody)?;
		if total > self.remaining() as u64 {
			return Err(DecodeError::TruncatedBody);
		}
		Ok(count as usize)
	}
	/// `count` f32s as raw bytes (checked to fit first).
	fn f32_bytes(&mut self, count: u64) -> Result<&'a [u8], DecodeError> {
		let n = self.check(count, 4)?;
		self.take(n * 4)
	}
}

impl Index {
	/// Length of each score-space vector (`k` if projected, else the gradient dimension).
	pub fn k(&self) -> usize {
		match self.projection {
			Some((_, k)) => k as usize,
			None => self.grad_dim(),
		}
	}

	/// Dimension of the gradient space.
	pub fn grad_dim(&self) -> usize {
		self.family.grad_dim(self.features.len(), self.classes).unwrap_or(0)
	}

	/// Number of contributions `G`.
	pub fn contributions(&self) -> usize {
		self.contributors.len()
	}

	/// Encodes the index to its file bytes (header, body, checksum).
	pub fn encode(&self) -> Vec<u8> {
		let k = self.k();
		let n_ex = self.examples.as_ref().map(|e| e.contribution.len()).unwrap_or(0);
		let mut out = Vec::with_capacity(
			HEADER_LEN + 8 * self.theta.len() + 4 * self.u.len() + n_ex * (4 + 4 * k) + 64,
		);
		out.extend_from_slice(&MAGIC);
		out.extend_from_slice(&VERSION.to_le_bytes());
		out.push(self.family.code());
		out.push(self.method as u8);
		let flags = (self.projection.is_some() as u8)
			| ((self.examples.is_some() as u8) << 1)
			| ((self.basis.is_some() as u8) << 2)
			| ((self.baseline.is_some() as u8) << 3);
		out.push(flags);
		out.extend_from_slice(&[0, 0, 0]);
		out.extend_from_slice(&(self.features.len() as u32).to_le_bytes());
		out.extend_from_slice(&self.classes.to_le_bytes());
		out.extend_from_slice(&(self.theta.len() as u32).to_le_bytes());
		out.extend_from_slice(&(k as u32).to_le_bytes());
		out.extend_from_slice(&self.projection.map(|p| p.0).unwrap_or(0).to_le_bytes());
		out.extend_from_slice(&self.n_train.to_le_bytes());
		out.extend_from_slice(&self.l2.to_le_bytes());
		out.extend_from_slice(&(self.contributors.len() as u32).to_le_bytes());
		out.extend_from_slice(&(n_ex as u64).to_le_bytes());
		for name in &self.features {
			out.extend_from_slice(&(name.len() as u32).to_le_bytes());
			out.extend_from_slice(name.as_bytes());
		}
		for t in &self.theta {
			out.extend_from_slice(&t.to_le_bytes());
		}
		if let Some(b) = self.baseline {
			out.extend_from_slice(&b.to_le_bytes());
		}
		for x in self.basis.iter().flatten() {
			out.extend_from_slice(&x.to_le_bytes());
		}
		for c in &self.contributors {
			out.extend_from_slice(&(c.len() as u32).to_le_bytes());
			out.extend_from_slice(c);
		}
		for x in &self.u {
			out.extend_from_slice(&x.to_le_bytes());
		}
		if let Some(ex) = &self.examples {
			for c in &ex.contribution {
				out.extend_from_slice(&c.to_le_bytes());
			}
			for x in &ex.vectors {
				out.extend_from_slice(&x.to_le_bytes());
			}
		}
		let sum = blake2_256(&out);
		out.extend_from_slice(&sum);
		out
	}

	/// The index's identity: blake2-256 of its encoded bytes.
	pub fn hash(bytes: &[u8]) -> [u8; 32] {
		blake2_256(bytes)
	}

	/// Decodes index bytes with [`WorkLimits::UNLIMITED`] (the command line's choice).
	/// Never panics: every malformed input is a [`DecodeError`].
	pub fn decode(bytes: &[u8]) -> Result<Index, DecodeError> {
		Index::decode_with_limits(bytes, &WorkLimits::UNLIMITED)
	}

	/// Decodes index bytes, rejecting indices whose declared sizes exceed `limits` before
	/// the checksum pass and before any allocation ([`DecodeError::TooLarge`],
	/// [`DecodeError::ProjectionAboveDimension`]). Accepts and rejects exactly the same
	/// bytes, with the same error, as [`crate::IndexView::parse`] with the same limits.
	pub fn decode_with_limits(bytes: &[u8], limits: &WorkLimits) -> Result<Index, DecodeError> {
		let mut sections: [Vec<f32>; 3] = [Vec::new(), Vec::new(), Vec::new()];
		let mut at = 0;
		let l = walk(bytes, limits, &mut |b: &[u8]| {
			let mut v = Vec::with_capacity(b.len() / 4);
			let mut bad = false;
			for c in b.chunks_exact(4) {
				let x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
				bad |= !x.is_finite();
				v.push(x);
			}
			if bad {
				return Err(DecodeError::NonFinite);
			}
			if at < 3 {
				sections[at] = v;
				at += 1;
			}
			Ok(())
		})?;
		// The f32 sections come in file order: the basis (if any), u, the vectors.
		let [first, second, third] = sections;
		let (basis, u, vectors) =
			if l.basis.is_some() { (Some(first), second, third) } else { (None, first, second) };
		let examples = l.examples.map(|(contribution, _)| Examples {
			contribution: contribution
				.chunks_exact(4)
				.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
				.collect(),
			vectors,
		});
		Ok(Index {
			family: l.family,
			method: l.method,
			features: l.features.iter().map(|s| String::from(*s)).collect(),
			classes: l.classes,
			n_train: l.n_train,
			l2: l.l2,
			theta: l.theta,
			projection: l.projection,
			basis,
			baseline: l.baseline,
			contributors: l.contributors.iter().map(|c| c.to_vec()).collect(),
			u,
			examples,
		})
	}

	/// Parses query bytes (CSV text, header + one row) against this index's columns.
	/// Column matching costs `O(d log d)` ([`Query::parse`]).
	pub fn parse_query(&self, bytes: &[u8]) -> Result<Query, ScoreError> {
		let q = Query::parse(bytes, &self.features)?;
		check_label(self.family, self.classes, &q)?;
		Ok(q)
	}

	/// The query vector `φ(q)`: `∇ℓ(q; θ*)`, projected for a projected index and mapped
	/// by the basis for a subspace index (length `k`).
	pub fn query_vector(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let map = match (&self.basis, self.projection) {
			(Some(b), _) => QueryMap::Basis(b),
			(None, Some((seed, k))) => QueryMap::Projection(seed, k),
			(None, None) => QueryMap::Gradient,
		};
		let (d, baseline) = (self.features.len(), self.baseline.unwrap_or(0.0));
		query_vector(self.family, &self.theta, d, self.classes, baseline, map, q)
	}

	/// Contribution scores `s_c = φ(q)ᵀ u_c`, one per contributor. Cost `G·k`.
	/// A non-finite score (only possible through overflow) is replaced by `+0.0`
	/// ([`canonicalise_scores`]).
	pub fn score(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let phi = self.query_vector(q)?;
		let mut out = vec![0.0; self.contributions()];
		kernel::score_rows(&phi, &self.u, &mut out);
		canonicalise_scores(&mut out);
		Ok(out)
	}

	/// Per-example scores `I(i, q)` in training-row order. Cost `N·k`. Non-finite scores
	/// are canonicalised as in [`Index::score`].
	pub fn score_examples(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let ex = self.examples.as_ref().ok_or(ScoreError::NoExamples)?;
		let phi = self.query_vector(q)?;
		let mut out = vec![0.0; ex.contribution.len()];
		kernel::score_rows(&phi, &ex.vectors, &mut out);
		canonicalise_scores(&mut out);
		Ok(out)
	}

	/// Parses query bytes and returns the contribution scores.
	pub fn score_bytes(&self, query: &[u8]) -> Result<Vec<f64>, ScoreError> {
		let q = self.parse_query(query)?;
		self.score(&q)
	}

	/// The on-chain result for a query: `(contribution index, parts per billion)` for the
	/// top `max_entries` positive scores, summing to exactly 10⁹ ([`shares::shares`]).
	pub fn attribute(
		&self,
		query: &[u8],
		max_entries: usize,
	) -> Result<Vec<(u32, u32)>, ScoreError> {
		Ok(shares::shares(&self.score_bytes(query)?, max_entries))
	}

	/// The bytes an attestor derives from a query: every contribution score as f64
	/// little-endian bits (`G × 8` bytes), then `u32` count and `(index u32, ppb u32)` pairs
	/// of [`Index::attribute`]. Identical on every platform (native, wasm).
	pub fn attestation(&self, query: &[u8], max_entries: usize) -> Result<Vec<u8>, ScoreError> {
		Ok(attestation_bytes(&self.score_bytes(query)?, max_entries))
	}
}

/// Replaces every non-finite score (NaN or ±∞, only possible when the query gradient
/// overflows) by `+0.0`, so no NaN payload or sign ever reaches attestation bytes; a
/// canonicalised score is not positive and so earns no share ([`shares::shares`]).
pub fn canonicalise_scores(scores: &mut [f64]) {
	for s in scores.iter_mut() {
		if !s.is_finite() {
			*s = 0.0;
		}
	}
}

/// The attestation encoding of `scores`: each score's f64 bits little-endian, then the
/// `u32` count and `(index u32, ppb u32)` pairs of `shares(scores, max_entries)`.
pub fn attestation_bytes(scores: &[f64], max_entries: usize) -> Vec<u8> {
	let sh = shares::shares(scores, max_entries);
	let mut out = Vec::with_capacity(scores.len() * 8 + 4 + sh.len() * 8);
	for s in scores {
		out.extend_from_slice(&s.to_bits().to_le_bytes());
	}
	out.extend_from_slice(&(sh.len() as u32).to_le_bytes());
	for (i, p) in &sh {
		out.extend_from_slice(&i.to_le_bytes());
		out.extend_from_slice(&p.to_le_bytes());
	}
	out
}

/// Rejects a query label the family cannot have.
pub(crate) fn check_label(family: Family, classes: u32, q: &Query) -> Result<(), ScoreError> {
	if let Some(y) = q.label {
		if !family::valid_label(family, y, classes) {
			return Err(QueryError::InvalidLabel { value: y }.into());
		}
	}
	Ok(())
}

/// How an index maps the query gradient to `φ(q)`.
pub(crate) enum QueryMap<'a> {
	/// `φ = ∇ℓ(q)`.
	Gradient,
	/// `φ = P ∇ℓ(q)` for the seeded projection `(seed, k)`.
	Projection(u64, u32),
	/// `φ = B ∇ℓ(q)`, `B` decoded (`k × p` f32s).
	Basis(&'a [f32]),
	/// `φ = B ∇ℓ(q)`, `B` as little-endian f32 bytes (bit-identical to [`QueryMap::Basis`]).
	BasisBytes(&'a [u8]),
}

/// `φ(q)` for an index with these parameters (shared by [`Index`] and [`crate::IndexView`]).
/// The basis rows are applied by the scoring kernel, in its fixed order.
pub(crate) fn query_vector(
	family: Family,
	theta: &[f64],
	d: usize,
	classes: u32,
	baseline: f64,
	map: QueryMap<'_>,
	q: &Query,
) -> Result<Vec<f64>, ScoreError> {
	if q.features.len() != d {
		return Err(ScoreError::DimensionMismatch { index: d, query: q.features.len() });
	}
	let mut g = vec![0.0; family.grad_dim(d, classes).unwrap_or(0)];
	family::query_gradient(family, theta, &q.features, q.label, classes, baseline, &mut g);
	Ok(match map {
		QueryMap::Projection(seed, k) => {
			let mut phi = vec![0.0; k as usize];
			projection::project(seed, &g, &mut phi);
			phi
		}
		QueryMap::Basis(b) => {
			let mut phi = vec![0.0; b.len() / g.len().max(1)];
			kernel::score_rows(&g, b, &mut phi);
			phi
		}
		QueryMap::BasisBytes(b) => {
			let mut phi = vec![0.0; b.len() / 4 / g.len().max(1)];
			kernel::score_rows_le(&g, b, &mut phi);
			phi
		}
		QueryMap::Gradient => g,
	})
}

/// Bounds on what an index may declare, checked from its fixed header before the checksum
/// pass and before any allocation ([`Index::decode_with_limits`], [`crate::IndexView::parse`]).
///
/// [`WorkLimits::ON_CHAIN`] (the [`Default`]) is sized for the attestors' off-chain worker
/// (wasm, 128 MiB heap, one allocation at most 32 MiB); it admits the reference workload
/// G = 10⁴ contributions × k = 512, projected from p = 1000 (`fixture::projected_index`):
///
/// | field | on chain | why |
/// |---|---|---|
/// | `max_index_bytes` | 32 MiB | the worker holds the index in one buffer (≤ 32 MiB) |
/// | `max_features` | 65 536 | `d`; names, the query row and its parse are `O(d)` |
/// | `max_params` | 2²⁰ | `p = |θ|`: θ is kept as f64 (≤ 8 MiB), the gradient is `O(p)` |
/// | `max_vector_len` | 65 536 | `k`, as [`MAX_PROJECTION`] |
/// | `max_contributions` | 131 072 | `G`: ids, scores (8 B each) and the shares sort |
/// | `max_examples` | 2²² | `N` per-example rows (validated, not scored on chain) |
/// | `max_score_work` | 8·10⁶ | `G·k` multiply-adds per query: ≈ 11 ms in wasm |
/// | `max_projection_work` | 32·10⁶ | `k·p` additions (projected) or multiply-adds (subspace) per query: ≈ 48 ms in wasm |
/// | `allow_projection_above_dim` | `false` | `k > p` is rejected |
///
/// Times are measured by `scripts/bench/wasm-query.sh` (wasmtime 36, 2-core EPYC; crate
/// README, "Zero-copy view"): ≈ 1.4 ns per multiply-add of the scoring kernel and ≈ 1.5 ns
/// per addition of the projection, so a query at both limits (G = 15 625, k = 512,
/// p = 62 500) takes ≈ 60 ms in wasm (46 ms native). Parsing such a 31.7 MiB index takes
/// ≈ 290 ms in wasm, almost all of it the blake2-256 checksum: parse once, keep the view.
/// With `max_score_work` the copying [`Index::decode_with_limits`] allocates at most 32 MB
/// for `u` (one allocation); [`crate::IndexView::parse`] allocates no `G·k` buffer at all.
///
/// [`WorkLimits::UNLIMITED`] (used by [`Index::decode`], i.e. the command line) checks
/// nothing beyond the format itself and accepts `k > p` for a projected index
/// (`--method projected --project K` with K above a small model's p yields such indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkLimits {
	/// Largest feature count `d`.
	pub max_features: u64,
	/// Largest parameter count `p = |θ|`.
	pub max_params: u64,
	/// Largest contribution count `G`.
	pub max_contributions: u64,
	/// Largest per-example row count `N`.
	pub max_examples: u64,
	/// Largest vector length `k`.
	pub max_vector_len: u64,
	/// Largest `G·k` (multiply-adds per contribution-level query).
	pub max_score_work: u64,
	/// Largest `k·p` for a projected or subspace index (additions or multiply-adds per query
	/// to map the gradient; `p` is the gradient dimension, `d` for external models).
	pub max_projection_work: u64,
	/// Largest size of the index file in bytes.
	pub max_index_bytes: u64,
	/// Whether a projected index may have `k` above its gradient dimension (a subspace
	/// index never may).
	pub allow_projection_above_dim: bool,
}

impl WorkLimits {
	/// The off-chain worker's limits (see the table above).
	pub const ON_CHAIN: WorkLimits = WorkLimits {
		max_features: 1 << 16,
		max_params: 1 << 20,
		max_contributions: 1 << 17,
		max_examples: 1 << 22,
		max_vector_len: 1 << 16,
		max_score_work: 8_000_000,
		max_projection_work: 32_000_000,
		max_index_bytes: 32 << 20,
		allow_projection_above_dim: false,
	};

	/// No limit beyond the file format's own (the command line).
	pub const UNLIMITED: WorkLimits = WorkLimits {
		max_features: u64::MAX,
		max_params: u64::MAX,
		max_contributions: u64::MAX,
		max_examples: u64::MAX,
		max_vector_len: u64::MAX,
		max_score_work: u64::MAX,
		max_projection_work: u64::MAX,
		max_index_bytes: u64::MAX,
		allow_projection_above_dim: true,
	};
}

impl Default for WorkLimits {
	fn default() -> Self {
		WorkLimits::ON_CHAIN
	}
}

/// The validated layout of index bytes: header values, small decoded sections and borrowed
/// large ones (shared by [`Index::decode_with_limits`] and [`crate::IndexView::parse`], so
/// both accept and reject the same bytes with the same error).
pub(crate) struct Layout<'a> {
	pub family: Family,
	pub method: Method,
	pub classes: u32,
	pub n_train: u64,
	pub l2: f64,
	pub projection: Option<(u64, u32)>,
	pub k: usize,
	pub features: Vec<&'a str>,
	pub theta: Vec<f64>,
	/// `k·p` little-endian f32s of a subspace index's basis (finite).
	pub basis: Option<&'a [u8]>,
	/// The baseline of unlabelled linear queries (finite).
	pub baseline: Option<f64>,
	pub contributors: Vec<&'a [u8]>,
	/// `G·k` little-endian f32s (finite, checked by the section callback).
	pub u: &'a [u8],
	/// `N` little-endian u32 contribution indices (each `< G`) and `N·k` f32s.
	pub examples: Option<(&'a [u8], &'a [u8])>,
}

fn le_u32(b: &[u8], at: usize) -> u64 {
	u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64
}

fn le_u64(b: &[u8], at: usize) -> u64 {
	let mut a = [0u8; 8];
	a.copy_from_slice(&b[at..at + 8]);
	u64::from_le_bytes(a)
}

fn limit(what: &'static str, value: u64, limit: u64) -> Result<(), DecodeError> {
	if value > limit {
		return Err(DecodeError::TooLarge { what, value, limit });
	}
	Ok(())
}

/// Checks the header's declared sizes against `limits` (`bytes` holds at least the header).
fn check_limits(bytes: &[u8], limits: &WorkLimits) -> Result<(), DecodeError> {
	limit("index bytes", bytes.len() as u64, limits.max_index_bytes)?;
	let d = le_u32(bytes, 16);
	let classes = le_u32(bytes, 20);
	let p = le_u32(bytes, 24);
	let k = le_u32(bytes, 28);
	let g = le_u32(bytes, 56);
	let n_ex = le_u64(bytes, 60);
	limit("features", d, limits.max_features)?;
	limit("parameters", p, limits.max_params)?;
	limit("vector length", k, limits.max_vector_len)?;
	limit("contributions", g, limits.max_contributions)?;
	limit("examples", n_ex, limits.max_examples)?;
	limit("score work G·k", g * k, limits.max_score_work)?;
	if bytes[12] & 1 == 1 {
		// The gradient dimension, when the header's family and classes define one (otherwise
		// the consistency checks reject the header).
		let dim = Family::from_code(bytes[10])
			.and_then(|f| f.grad_dim(d as usize, classes as u32))
			.map(|x| x as u64);
		if let Some(dim) = dim {
			limit("projection work k·p", k.saturating_mul(dim), limits.max_projection_work)?;
			if k > dim && !limits.allow_projection_above_dim {
				return Err(DecodeError::ProjectionAboveDimension { k, dim });
			}
		}
	}
	Ok(())
}

/// Finiteness of little-endian f32s, one pass, no allocation.
pub(crate) fn check_finite_f32(b: &[u8]) -> Result<(), DecodeError> {
	let mut bad = 0u32;
	for c in b.chunks_exact(4) {
		let bits = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
		bad |= ((bits & 0x7f80_0000) == 0x7f80_0000) as u32;
	}
	if bad != 0 {
		return Err(DecodeError::NonFinite);
	}
	Ok(())
}

/// Validates index bytes and returns their layout. `f32s` is called on the basis (subspace
/// indexes), then on the `u` section, then on the per-example vectors, and must reject non-finite values with
/// [`DecodeError::NonFinite`] (it may also copy them).
pub(crate) fn walk<'a>(
	bytes: &'a [u8],
	limits: &WorkLimits,
	f32s: &mut dyn FnMut(&'a [u8]) -> Result<(), DecodeError>,
) -> Result<Layout<'a>, DecodeError> {
	if bytes.len() < 10 {
		return Err(DecodeError::Truncated);
	}
	if bytes[..8] != MAGIC {
		return Err(DecodeError::BadMagic);
	}
	let version = u16::from_le_bytes([bytes[8], bytes[9]]);
	if version != VERSION {
		return Err(DecodeError::UnsupportedVersion(version));
	}
	if bytes.len() < HEADER_LEN + 32 {
		return Err(DecodeError::Truncated);
	}
	check_limits(bytes, limits)?;
	let (body, sum) = bytes.split_at(bytes.len() - 32);
	if blake2_256(body) != sum {
		return Err(DecodeError::ChecksumMismatch);
	}
	let mut r = Reader { b: body, pos: 10 };
	let family = r.u8()?;
	let family = Family::from_code(family).ok_or(DecodeError::UnknownFamily(family))?;
	let method = r.u8()?;
	let method = Method::from_code(method).ok_or(DecodeError::UnknownMethod(method))?;
	let flags = r.u8()?;
	if flags & !15 != 0 || r.take(3)? != [0, 0, 0] {
		return Err(DecodeError::BadHeader("reserved bits set"));
	}
	let d = r.u32()? as usize;
	let classes = r.u32()?;
	let p = r.u32()? as usize;
	let k = r.u32()? as usize;
	let seed = r.u64()?;
	let n_train = r.u64()?;
	let l2 = r.f64()?;
	let g = r.u32()? as u64;
	let n_ex = r.u64()?;
	match family {
		Family::Softmax if classes < 2 => return Err(DecodeError::BadHeader("classes")),
		Family::Linear | Family::Logistic | Family::External if classes != 1 => {
			return Err(DecodeError::BadHeader("classes"))
		}
		_ => {}
	}
	if family.params(d, classes) != Some(p) {
		return Err(DecodeError::BadHeader("parameter count"));
	}
	let grad_dim = family.grad_dim(d, classes).ok_or(DecodeError::BadHeader("dimensions"))?;
	let projected = flags & 1 == 1;
	if projected != method.is_k_dimensional() {
		return Err(DecodeError::BadHeader("projection flag"));
	}
	let has_baseline = flags & 8 == 8;
	if has_baseline && family != Family::Linear {
		return Err(DecodeError::BadHeader("baseline flag"));
	}
	let has_basis = flags & 4 == 4;
	if has_basis != (method == Method::Subspace) {
		return Err(DecodeError::BadHeader("basis flag"));
	}
	if has_basis && k > grad_dim {
		return Err(DecodeError::ProjectionAboveDimension { k: k as u64, dim: grad_dim as u64 });
	}
	if k == 0
		|| k > MAX_PROJECTION.max(grad_dim)
		|| (!projected && k != grad_dim)
		|| (!projected && seed != 0)
	{
		return Err(DecodeError::BadHeader("vector length"));
	}
	if !l2.is_finite() || l2 < 0.0 {
		return Err(DecodeError::NonFinite);
	}
	if (flags & 2 == 0) != (n_ex == 0) {
		return Err(DecodeError::BadHeader("example count"));
	}
	// Each name takes at least its 4-byte length.
	r.check(d as u64, 4)?;
	let mut features = Vec::with_capacity(d);
	for _ in 0..d {
		let s = core::str::from_utf8(r.bytes()?).map_err(|_| DecodeError::BadText)?;
		features.push(s);
	}
	let p_count = r.check(p as u64, 8)?;
	let mut theta = Vec::with_capacity(p_count);
	for _ in 0..p_count {
		let t = r.f64()?;
		if !t.is_finite() {
			return Err(DecodeError::NonFinite);
		}
		theta.push(t);
	}
	let baseline = if has_baseline {
		let b = r.f64()?;
		if !b.is_finite() {
			return Err(DecodeError::NonFinite);
		}
		Some(b)
	} else {
		None
	};
	let basis = if has_basis {
		let b = r.f32_bytes(
			(k as u64).checked_mul(grad_dim as u64).ok_or(DecodeError::TruncatedBody)?,
		)?;
		f32s(b)?;
		Some(b)
	} else {
		None
	};
	let g_count = r.check(g, 4)?;
	let mut contributors = Vec::with_capacity(g_count);
	for _ in 0..g_count {
		contributors.push(r.bytes()?);
	}
	let u = r.f32_bytes(g.checked_mul(k as u64).ok_or(DecodeError::TruncatedBody)?)?;
	f32s(u)?;
	let examples = if n_ex > 0 {
		let n = r.check(n_ex, 4)?;
		let contribution = r.take(n * 4)?;
		for c in contribution.chunks_exact(4) {
			if le_u32(c, 0) >= g {
				return Err(DecodeError::BadContribution);
			}
		}
		let vectors = r.f32_bytes(n_ex.checked_mul(k as u64).ok_or(DecodeError::TruncatedBody)?)?;
		f32s(vectors)?;
		Some((contribution, vectors))
	} else {
		None
	};
	if r.remaining() != 0 {
		return Err(DecodeError::TrailingBytes);
	}
	Ok(Layout {
		family,
		method,
		classes,
		n_train,
		l2,
		projection: if projected { Some((seed, k as u32)) } else { None },
		k,
		features,
		theta,
		basis,
		baseline,
		contributors,
		u,
		examples,
	})
}

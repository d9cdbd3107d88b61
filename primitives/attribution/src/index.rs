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
//! `P` is regenerated from its seed ([`crate::projection`]).
//!
//! Query cost: `O(p)` for the gradient, `O(k·p)` for the projection (projected indexes
//! only), and `G·k` multiply-adds for `G` contributions (`N·k` with per-example vectors).
//!
//! # File format (version 1, all integers little-endian)
//!
//! ```text
//! magic   8  b"TRIBIDX\0"
//! version u16 = 1
//! family  u8    1 linear, 2 logistic, 3 softmax, 4 external
//! method  u8    1 exact, 2 cg, 3 projected, 4 grad-dot
//! flags   u8    bit 0: projected, bit 1: per-example vectors present
//! 3 bytes zero
//! d u32 (features), classes u32, p u32 (= |θ|), k u32 (vector length)
//! seed u64 (projection seed, 0 if none), n_train u64, l2 f64
//! G u32 (contributions), N u64 (per-example rows, 0 if none)
//! d × (u32 length + UTF-8 feature name)
//! p × f64 θ
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
}

impl Method {
	/// Method from its wire code.
	pub fn from_code(c: u8) -> Option<Method> {
		match c {
			1 => Some(Method::Exact),
			2 => Some(Method::Cg),
			3 => Some(Method::Projected),
			4 => Some(Method::GradDot),
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
			_ => None,
		}
	}

	/// The command-line name.
	pub fn name(self) -> &'static str {
		match self {
			Method::Exact => "exact",
			Method::Cg => "cg",
			Method::Projected => "projected",
			Method::GradDot => "grad-dot",
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
	/// `Some((seed, k))` for a projected index.
	pub projection: Option<(u64, u32)>,
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
	fn f32s(&mut self, count: u64) -> Result<Vec<f32>, DecodeError> {
		let n = self.check(count, 4)?;
		let s = self.take(n * 4)?;
		let mut v = Vec::with_capacity(n);
		for c in s.chunks_exact(4) {
			let x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
			if !x.is_finite() {
				return Err(DecodeError::NonFinite);
			}
			v.push(x);
		}
		Ok(v)
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
		let flags = (self.projection.is_some() as u8) | ((self.examples.is_some() as u8) << 1);
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

	/// Decodes index bytes. Never panics: every malformed input is a [`DecodeError`].
	pub fn decode(bytes: &[u8]) -> Result<Index, DecodeError> {
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
		if flags & !3 != 0 || r.take(3)? != [0, 0, 0] {
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
		if projected != (method == Method::Projected) {
			return Err(DecodeError::BadHeader("projection flag"));
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
			features.push(String::from(s));
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
		let g_count = r.check(g, 4)?;
		let mut contributors = Vec::with_capacity(g_count);
		for _ in 0..g_count {
			contributors.push(r.bytes()?.to_vec());
		}
		let u = r.f32s(g.checked_mul(k as u64).ok_or(DecodeError::TruncatedBody)?)?;
		let examples = if n_ex > 0 {
			let n = r.check(n_ex, 4)?;
			let mut contribution = Vec::with_capacity(n);
			for _ in 0..n {
				let c = r.u32()?;
				if c as u64 >= g {
					return Err(DecodeError::BadContribution);
				}
				contribution.push(c);
			}
			let vectors = r.f32s(n_ex.checked_mul(k as u64).ok_or(DecodeError::TruncatedBody)?)?;
			Some(Examples { contribution, vectors })
		} else {
			None
		};
		if r.remaining() != 0 {
			return Err(DecodeError::TrailingBytes);
		}
		Ok(Index {
			family,
			method,
			features,
			classes,
			n_train,
			l2,
			theta,
			projection: if projected { Some((seed, k as u32)) } else { None },
			contributors,
			u,
			examples,
		})
	}

	/// Parses query bytes (CSV text, header + one row) against this index's columns.
	pub fn parse_query(&self, bytes: &[u8]) -> Result<Query, ScoreError> {
		let q = Query::parse(bytes, &self.features)?;
		if let Some(y) = q.label {
			if !family::valid_label(self.family, y, self.classes) {
				return Err(QueryError::InvalidLabel { value: y }.into());
			}
		}
		Ok(q)
	}

	/// The query vector `φ(q)`: `∇ℓ(q; θ*)`, projected for a projected index (length `k`).
	pub fn query_vector(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		if q.features.len() != self.features.len() {
			return Err(ScoreError::DimensionMismatch {
				index: self.features.len(),
				query: q.features.len(),
			});
		}
		let mut g = vec![0.0; self.grad_dim()];
		family::query_gradient(
			self.family,
			&self.theta,
			&q.features,
			q.label,
			self.classes,
			&mut g,
		);
		Ok(match self.projection {
			Some((seed, k)) => {
				let mut phi = vec![0.0; k as usize];
				projection::project(seed, &g, &mut phi);
				phi
			}
			None => g,
		})
	}

	/// Contribution scores `s_c = φ(q)ᵀ u_c`, one per contributor. Cost `G·k`.
	pub fn score(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let phi = self.query_vector(q)?;
		let mut out = vec![0.0; self.contributions()];
		kernel::score_rows(&phi, &self.u, &mut out);
		Ok(out)
	}

	/// Per-example scores `I(i, q)` in training-row order. Cost `N·k`.
	pub fn score_examples(&self, q: &Query) -> Result<Vec<f64>, ScoreError> {
		let ex = self.examples.as_ref().ok_or(ScoreError::NoExamples)?;
		let phi = self.query_vector(q)?;
		let mut out = vec![0.0; ex.contribution.len()];
		kernel::score_rows(&phi, &ex.vectors, &mut out);
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
		let scores = self.score_bytes(query)?;
		let sh = shares::shares(&scores, max_entries);
		let mut out = Vec::with_capacity(scores.len() * 8 + 4 + sh.len() * 8);
		for s in &scores {
			out.extend_from_slice(&s.to_bits().to_le_bytes());
		}
		out.extend_from_slice(&(sh.len() as u32).to_le_bytes());
		for (i, p) in &sh {
			out.extend_from_slice(&i.to_le_bytes());
			out.extend_from_slice(&p.to_le_bytes());
		}
		Ok(out)
	}
}

//! Reading a span index in place: [`SpanIndex::open`] memory-maps the file (`memmap2`),
//! [`SpanIndex::from_bytes`] takes a buffer. Both verify, before anything is read from the
//! sections: the magic, the format and tokenizer versions, that the file's length is the
//! one its header and shard table declare, the blake2-256 checksum, and the consistency of
//! the small tables (contributors, vocabulary order, documents, shards) — `O(G + V + D + S)`
//! besides the checksum pass. The token streams and suffix arrays are then read straight
//! from the map; a value in them that is out of range (possible only in a file crafted to
//! pass the checksum) reads as a separator, so a query never panics.
//!
//! A mapped file must not be modified while it is open: replace an index by writing a new
//! file and renaming it over the old one ([`super::build_file`] does), never in place.

use super::{
	index::{
		blake2_256_state, pad8, width_for, CHECKSUM_LEN, HEADER_LEN, SHARD_ENTRY_LEN,
		SPAN_FORMAT_VERSION, SPAN_MAGIC,
	},
	SpanError, SPAN_TOKENIZER_VERSION,
};
use std::{cmp::Ordering, path::Path};

enum Storage {
	Mapped(memmap2::Mmap),
	Owned(Vec<u8>),
}

impl Storage {
	fn bytes(&self) -> &[u8] {
		match self {
			Storage::Mapped(m) => m,
			Storage::Owned(v) => v,
		}
	}
}

/// One shard's place in the file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShardInfo {
	pub first_doc: u64,
	pub docs: u64,
	/// Stream length (tokens + separators).
	pub len: u64,
	pub sa_width: usize,
	pub tokens_off: usize,
	pub sa_off: usize,
}

impl ShardInfo {
	/// Suffix-array entries (suffixes that start with a token).
	pub fn suffixes(&self) -> u64 {
		self.len - self.docs
	}
}

/// A verified span index, read in place.
pub struct SpanIndex {
	data: Storage,
	hash: [u8; 32],
	unicode: (u8, u8, u8),
	token_width: usize,
	min_span: u32,
	max_occurrences: u32,
	contributions: usize,
	documents: usize,
	vocabulary: usize,
	tokens: u64,
	contrib_ends: usize,
	contrib_blob: usize,
	vocab_ends: usize,
	vocab_blob: usize,
	doc_contrib: usize,
	doc_start: usize,
	pub(crate) shards: Vec<ShardInfo>,
}

/// Little-endian unsigned integer of `w ≤ 8` bytes at `off` (caller checked the bounds).
/// Where eight bytes are readable from `off` (everywhere but the file's last seven bytes,
/// inside its checksum), one unaligned load and a mask instead of a variable-length copy:
/// the matcher's binary searches read two such integers per step.
#[inline(always)]
pub(crate) fn le(b: &[u8], off: usize, w: usize) -> u64 {
	if let Some(word) = b.get(off..off.wrapping_add(8)) {
		let v = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
		return if w >= 8 { v } else { v & ((1u64 << (8 * w)) - 1) };
	}
	let mut a = [0u8; 8];
	a[..w].copy_from_slice(&b[off..off + w]);
	u64::from_le_bytes(a)
}

fn u16_at(b: &[u8], off: usize) -> u16 {
	le(b, off, 2) as u16
}
fn u32_at(b: &[u8], off: usize) -> u32 {
	le(b, off, 4) as u32
}
fn u64_at(b: &[u8], off: usize) -> u64 {
	le(b, off, 8)
}

fn to_usize(x: u64) -> Result<usize, SpanError> {
	usize::try_from(x).map_err(|_| SpanError::TooLarge("the index does not fit the address space"))
}

/// Checked `a + b·c` in file offsets; overflow means a corrupt header.
fn off(a: u64, b: u64, c: u64) -> Result<u64, SpanError> {
	b.checked_mul(c)
		.and_then(|x| x.checked_add(a))
		.ok_or(SpanError::Corrupt("section sizes overflow"))
}

impl SpanIndex {
	/// Memory-maps and verifies the index file at `path`.
	pub fn open(path: &Path) -> Result<SpanIndex, SpanError> {
		let io = |e| SpanError::Io(path.to_path_buf(), e);
		let file = std::fs::File::open(path).map_err(io)?;
		let len = file.metadata().map_err(io)?.len();
		if len == 0 {
			return Err(SpanError::Truncated);
		}
		// SAFETY: the map is read-only; the file must not be modified while it is open
		// (module docs: indexes are replaced by rename). Every read is bounds-checked
		// against the map's length.
		let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
		#[cfg(unix)]
		let _ = map.advise(memmap2::Advice::Sequential);
		let index = SpanIndex::parse(Storage::Mapped(map))?;
		#[cfg(unix)]
		if let Storage::Mapped(m) = &index.data {
			let _ = m.advise(memmap2::Advice::Random);
		}
		Ok(index)
	}

	/// Verifies an index held in memory.
	pub fn from_bytes(bytes: Vec<u8>) -> Result<SpanIndex, SpanError> {
		SpanIndex::parse(Storage::Owned(bytes))
	}

	fn parse(data: Storage) -> Result<SpanIndex, SpanError> {
		let b = data.bytes();
		let len = b.len() as u64;
		if b.len() >= 8 && b[..8] != SPAN_MAGIC {
			return Err(SpanError::BadMagic);
		}
		if b.len() < HEADER_LEN + CHECKSUM_LEN {
			return Err(SpanError::Truncated);
		}
		let version = u16_at(b, 8);
		if version != SPAN_FORMAT_VERSION {
			return Err(SpanError::UnsupportedVersion(version));
		}
		let tokenizer = u16_at(b, 10);
		if tokenizer != SPAN_TOKENIZER_VERSION {
			return Err(SpanError::UnsupportedTokenizer(tokenizer));
		}
		let unicode = (b[12], b[13], b[14]);
		let tw = b[15] as usize;
		let min_span = u32_at(b, 16);
		let max_occurrences = u32_at(b, 20);
		let g = u32_at(b, 24) as u64;
		let s = u32_at(b, 28) as u64;
		let d = u64_at(b, 32);
		let v = u64_at(b, 40);
		let vocab_bytes = u64_at(b, 48);
		let contrib_bytes = u64_at(b, 56);
		let n_tokens = u64_at(b, 64);
		if u64_at(b, 72) != 0 {
			return Err(SpanError::Corrupt("reserved header field is not zero"));
		}
		if min_span == 0 {
			return Err(SpanError::Corrupt("min_span is 0"));
		}
		if max_occurrences == 0 {
			return Err(SpanError::Corrupt("max_occurrences is 0"));
		}
		if g == 0 || s == 0 || d == 0 || v == 0 || n_tokens == 0 {
			return Err(SpanError::Corrupt("a count in the header is 0"));
		}
		if !(1..=4).contains(&tw) || width_for(v) as usize != tw {
			return Err(SpanError::Corrupt("token width does not match the vocabulary size"));
		}
		if s > d || g > d {
			return Err(SpanError::Corrupt("more shards or contributions than documents"));
		}

		// Layout of the fixed sections.
		let contrib_ends = HEADER_LEN as u64;
		let contrib_blob = off(contrib_ends, g + 1, 8)?;
		let vocab_ends = pad8(off(contrib_blob, contrib_bytes, 1)?);
		let vocab_blob = off(vocab_ends, v + 1, 8)?;
		let doc_contrib = pad8(off(vocab_blob, vocab_bytes, 1)?);
		let doc_start = pad8(off(doc_contrib, d, 4)?);
		let shard_table = off(doc_start, d, 8)?;
		let shards_data = off(shard_table, s, SHARD_ENTRY_LEN as u64)?;
		let body_len = len - CHECKSUM_LEN as u64;
		if shards_data > body_len {
			return Err(SpanError::SizeMismatch { expected: shards_data + 32, actual: len });
		}
		// Shard table, and the layout of the shards.
		let mut shards = Vec::with_capacity(s as usize);
		let mut at = shards_data;
		let mut next_doc = 0u64;
		let mut suffixes = 0u64;
		for i in 0..s {
			let e = to_usize(shard_table + i * SHARD_ENTRY_LEN as u64)?;
			let first_doc = u64_at(b, e);
			let docs = u64_at(b, e + 8);
			let slen = u64_at(b, e + 16);
			let sw = b[e + 24] as usize;
			if b[e + 25..e + 32].iter().any(|&x| x != 0) {
				return Err(SpanError::Corrupt("reserved shard table bytes are not zero"));
			}
			if first_doc != next_doc || docs == 0 || docs > d - next_doc {
				return Err(SpanError::Corrupt("shards do not cover the documents in order"));
			}
			if slen < docs || sw != width_for(slen - 1) as usize {
				return Err(SpanError::Corrupt("shard length or suffix width is inconsistent"));
			}
			next_doc += docs;
			suffixes = suffixes
				.checked_add(slen - docs)
				.ok_or(SpanError::Corrupt("token count overflows"))?;
			let tokens_off = pad8(at);
			let sa_off = pad8(off(tokens_off, slen, tw as u64)?);
			at = off(sa_off, slen - docs, sw as u64)?;
			shards.push(ShardInfo {
				first_doc,
				docs,
				len: slen,
				sa_width: sw,
				tokens_off: to_usize(tokens_off)?,
				sa_off: to_usize(sa_off)?,
			});
		}
		if next_doc != d {
			return Err(SpanError::Corrupt("shards do not cover every document"));
		}
		if suffixes != n_tokens {
			return Err(SpanError::Corrupt("shard lengths do not add up to the token count"));
		}
		let expected = off(pad8(at), 1, CHECKSUM_LEN as u64)?;
		if expected != len {
			return Err(SpanError::SizeMismatch { expected, actual: len });
		}
		// Checksum of the body, and the identity hash of the whole file, in one pass.
		let body = &b[..body_len as usize];
		let mut state = blake2_256_state();
		state.update(body);
		if state.clone().finalize().as_bytes() != &b[body_len as usize..] {
			return Err(SpanError::ChecksumMismatch);
		}
		state.update(&b[body_len as usize..]);
		let mut hash = [0u8; 32];
		hash.copy_from_slice(state.finalize().as_bytes());

		let index = SpanIndex {
			hash,
			unicode,
			token_width: tw,
			min_span,
			max_occurrences,
			contributions: to_usize(g)?,
			documents: to_usize(d)?,
			vocabulary: to_usize(v)?,
			tokens: n_tokens,
			contrib_ends: to_usize(contrib_ends)?,
			contrib_blob: to_usize(contrib_blob)?,
			vocab_ends: to_usize(vocab_ends)?,
			vocab_blob: to_usize(vocab_blob)?,
			doc_contrib: to_usize(doc_contrib)?,
			doc_start: to_usize(doc_start)?,
			shards,
			data,
		};
		index.check_tables(contrib_bytes, vocab_bytes)?;
		Ok(index)
	}

	/// The small tables: blob ends, UTF-8, distinct contributors, sorted vocabulary,
	/// document contributions and starts.
	fn check_tables(&self, contrib_bytes: u64, vocab_bytes: u64) -> Result<(), SpanError> {
		let b = self.bytes();
		let ends_ok = |ends: usize, count: usize, total: u64, nonempty: bool| -> bool {
			if u64_at(b, ends) != 0 || u64_at(b, ends + 8 * count) != total {
				return false;
			}
			(0..count).all(|i| {
				let (x, y) = (u64_at(b, ends + 8 * i), u64_at(b, ends + 8 * i + 8));
				if nonempty {
					x < y
				} else {
					x <= y
				}
			})
		};
		if !ends_ok(self.contrib_ends, self.contributions, contrib_bytes, true) {
			return Err(SpanError::Corrupt("contributor table is inconsistent"));
		}
		if !ends_ok(self.vocab_ends, self.vocabulary, vocab_bytes, true) {
			return Err(SpanError::Corrupt("vocabulary table is inconsistent"));
		}
		let mut ids: Vec<&[u8]> =
			(0..self.contributions).map(|i| self.contributor_bytes(i)).collect();
		if ids.iter().any(|c| std::str::from_utf8(c).is_err()) {
			return Err(SpanError::Corrupt("a contributor id is not UTF-8"));
		}
		ids.sort_unstable();
		if ids.windows(2).any(|w| w[0] == w[1]) {
			return Err(SpanError::Corrupt("two contributions have the same id"));
		}
		for i in 0..self.vocabulary {
			let t = self.token(i as u32 + 1);
			if std::str::from_utf8(t).is_err() {
				return Err(SpanError::Corrupt("a token is not UTF-8"));
			}
			if i > 0 && self.token(i as u32) >= t {
				return Err(SpanError::Corrupt("the vocabulary is not sorted"));
			}
		}
		for doc in 0..self.documents {
			if self.document_contribution(doc) as usize >= self.contributions {
				return Err(SpanError::Corrupt("a document refers to an unknown contribution"));
			}
		}
		for s in &self.shards {
			let mut prev = None;
			for doc in s.first_doc..s.first_doc + s.docs {
				let st = self.document_start(doc as usize);
				let ok = match prev {
					None => st == 0,
					Some(p) => st > p,
				};
				if !ok || st >= s.len {
					return Err(SpanError::Corrupt("document starts are inconsistent"));
				}
				prev = Some(st);
			}
		}
		Ok(())
	}

	/// The file's bytes.
	pub fn bytes(&self) -> &[u8] {
		self.data.bytes()
	}

	/// blake2-256 of the whole file: the index's identity (as registered on chain).
	pub fn hash(&self) -> [u8; 32] {
		self.hash
	}

	/// Unicode version of the tokenizer that built the index.
	pub fn unicode_version(&self) -> (u8, u8, u8) {
		self.unicode
	}

	/// Bytes per token id.
	pub fn token_width(&self) -> usize {
		self.token_width
	}

	/// Default minimum span length of queries.
	pub fn min_span(&self) -> u32 {
		self.min_span
	}

	/// Default cap on occurrences read per span.
	pub fn max_occurrences(&self) -> u32 {
		self.max_occurrences
	}

	/// Number of contributions `G`.
	pub fn contributions(&self) -> usize {
		self.contributions
	}

	fn contributor_bytes(&self, i: usize) -> &[u8] {
		let b = self.bytes();
		let a = u64_at(b, self.contrib_ends + 8 * i) as usize;
		let e = u64_at(b, self.contrib_ends + 8 * i + 8) as usize;
		&b[self.contrib_blob + a..self.contrib_blob + e]
	}

	/// Contribution id `i < G`.
	pub fn contributor(&self, i: usize) -> &str {
		std::str::from_utf8(self.contributor_bytes(i)).unwrap_or("")
	}

	/// Number of documents `D`.
	pub fn documents(&self) -> usize {
		self.documents
	}

	/// Contribution of document `d < D`.
	pub fn document_contribution(&self, d: usize) -> u32 {
		u32_at(self.bytes(), self.doc_contrib + 4 * d)
	}

	/// Start of document `d < D` in its shard's stream.
	pub(crate) fn document_start(&self, d: usize) -> u64 {
		u64_at(self.bytes(), self.doc_start + 8 * d)
	}

	/// Vocabulary size `V`.
	pub fn vocabulary(&self) -> usize {
		self.vocabulary
	}

	/// The bytes of token `id ∈ 1..=V`.
	pub fn token(&self, id: u32) -> &[u8] {
		let b = self.bytes();
		let i = id as usize - 1;
		let a = u64_at(b, self.vocab_ends + 8 * i) as usize;
		let e = u64_at(b, self.vocab_ends + 8 * i + 8) as usize;
		&b[self.vocab_blob + a..self.vocab_blob + e]
	}

	/// The id of a token, if it is in the vocabulary (binary search, `O(log V)` compares).
	pub fn token_id(&self, token: &[u8]) -> Option<u32> {
		let (mut lo, mut hi) = (0usize, self.vocabulary);
		while lo < hi {
			let mid = lo + (hi - lo) / 2;
			match self.token(mid as u32 + 1).cmp(token) {
				Ordering::Less => lo = mid + 1,
				Ordering::Greater => hi = mid,
				Ordering::Equal => return Some(mid as u32 + 1),
			}
		}
		None
	}

	/// Corpus tokens `N` (separators not counted).
	pub fn tokens(&self) -> u64 {
		self.tokens
	}

	/// Number of shards.
	pub fn shards(&self) -> usize {
		self.shards.len()
	}

	/// Shard `s`: (documents, stream length, suffix-array width in bytes).
	pub fn shard(&self, s: usize) -> (u64, u64, usize) {
		let sh = &self.shards[s];
		(sh.docs, sh.len, sh.sa_width)
	}

	/// Token at position `p` of a shard's stream; out of range reads as the separator.
	#[inline(always)]
	pub(crate) fn stream_token(&self, s: &ShardInfo, p: u64) -> u32 {
		if p >= s.len {
			return 0;
		}
		le(self.bytes(), s.tokens_off + p as usize * self.token_width, self.token_width) as u32
	}

	/// Suffix-array entry `j < s.suffixes()`.
	#[inline(always)]
	pub(crate) fn suffix(&self, s: &ShardInfo, j: u64) -> u64 {
		le(self.bytes(), s.sa_off + j as usize * s.sa_width, s.sa_width)
	}

	/// The document (global index) containing position `p` of shard `s`'s stream.
	pub(crate) fn document_at(&self, s: &ShardInfo, p: u64) -> usize {
		// Last document of the shard whose start is ≤ p.
		let (mut lo, mut hi) = (s.first_doc as usize, (s.first_doc + s.docs) as usize);
		while hi - lo > 1 {
			let mid = lo + (hi - lo) / 2;
			if self.document_start(mid) <= p {
				lo = mid;
			} else {
				hi = mid;
			}
		}
		lo
	}
}

impl std::fmt::Debug for SpanIndex {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("SpanIndex")
			.field("bytes", &self.bytes().len())
			.field("contributions", &self.contributions)
			.field("documents", &self.documents)
			.field("vocabulary", &self.vocabulary)
			.field("tokens", &self.tokens)
			.field("shards", &self.shards.len())
			.finish()
	}
}

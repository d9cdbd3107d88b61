//! Text attribution by suffix-array span matching (std).
//!
//! For a language model's output, the contributions that the output quotes are found the
//! way Infini-gram (Liu et al. 2024, "Infini-gram: Scaling Unbounded n-gram Language Models
//! to a Trillion Tokens") and OLMoTrace (Liu et al. 2025) find them: the output's *maximal
//! spans* of at least `min_span` tokens that occur verbatim in the training corpus, looked
//! up in a suffix array over the corpus's token stream.
//!
//! * [`tokenizer`]: the versioned tokenisation ([`SPAN_TOKENIZER_VERSION`]).
//! * [`index`]: building an index ([`build_index`], [`build_file`]) and its file format.
//! * [`reader`]: [`SpanIndex`], the index read in place from a memory map.
//! * [`matcher`]: queries ([`SpanIndex::find_spans`], [`SpanIndex::attribute`]).
//! * [`serve`]: `tributary attribution serve`, the loopback service an attestor's off-chain
//!   worker asks for span results.
//! * [`synthetic`]: a deterministic Zipf text corpus for the benchmarks.
//! * [`naive`]: a brute-force matcher and a sort-based suffix array (the reference of the
//!   property tests and the baseline of the benchmarks).
//!
//! # Credit
//!
//! The output's tokens `q[0..m)` are looked up in the vocabulary (a token absent from the
//! corpus can be part of no span). `L[i]` is the length of the longest prefix of `q[i..]`
//! that occurs in some document (never across a document boundary). The span starting at
//! `i` is `q[i..i+L[i])`; it is *maximal* (contained in no other matching span) iff `i = 0`
//! or `L[i] ≥ L[i−1]`. Every maximal span with `L[i] ≥ min_span` is credited; maximal spans
//! may overlap.
//!
//! A span of `ℓ` tokens with `C` occurrences in the corpus has the rarity weight
//! `w(C) = 1 / log₂(1 + C)` (1 for a unique span, ½ for three occurrences, ≈0.1 for a
//! thousand) and the credit `ℓ · w(C)`. The credit is split evenly among its occurrences:
//! at most `max_occurrences` of them are read (all of them when `C ≤ max_occurrences`,
//! else the evenly spaced sample `⌊j·C/max_occurrences⌋`, `j = 0..max_occurrences`, of the
//! occurrences listed shard by shard in suffix-array order), each read occurrence credits
//! its document's contribution with `ℓ · w(C) / k`, `k` the number read. A contribution's
//! score is the sum over spans (in span order) of `ℓ · w(C) · n_c / k`, `n_c` its number
//! among the `k`; `log₂` is `libm`'s, so scores are the same bits on every machine.
//! Shares are [`crate::shares::shares`] of the scores: parts per billion, summing to
//! exactly 10⁹, the same convention as the gradient method. A query with no span of at
//! least `min_span` tokens is an error ([`SpanError::NoSpan`]): there is nothing to pay for.
//!
//! # Cost
//!
//! Build: tokenising and a hash-map vocabulary `O(bytes)`, sorting the vocabulary, then
//! libsais per shard (`O(n)`; about 8 bytes of memory per token of the shard, plus the
//! input text and 4 bytes per token of the whole corpus). Query of `m` tokens against
//! `S` shards of `n` tokens: `O(S · m · (ℓ + log n) · log n)` token reads in the worst
//! case (one full binary search per output position, then one narrowing step per
//! extension), plus `O(k · log D)` per credited span to map `k` read occurrences to
//! documents.

pub mod cli;
pub mod index;
pub mod matcher;
pub mod naive;
pub mod reader;
pub mod serve;
pub mod synthetic;
pub mod tokenizer;

pub use index::{
	build_file, build_index, SpanBuildOptions, SpanBuildReport, SpanDocument,
	DEFAULT_MAX_OCCURRENCES, DEFAULT_MIN_SPAN, DEFAULT_SHARD_TOKENS, SPAN_FORMAT_VERSION,
	SPAN_MAGIC,
};
pub use matcher::{QueryOptions, QueryTokens, SpanMatch, SpanResult};
pub use reader::SpanIndex;
pub use tokenizer::{tokenize, SPAN_TOKENIZER_VERSION};

use std::{fmt, path::PathBuf};

/// Why a span index could not be built, read or queried. Every message names the problem.
#[derive(Debug)]
pub enum SpanError {
	/// A file could not be read or written.
	Io(PathBuf, std::io::Error),
	/// No `--data` document, or no token in any of them.
	EmptyCorpus,
	/// A contributor id is empty.
	EmptyContributor(String),
	/// Text that is not UTF-8: where (a file name, or `query`) and the byte offset of the
	/// first invalid byte.
	InvalidUtf8 {
		/// The file name or `query`.
		source: String,
		/// Offset of the first byte that is not part of valid UTF-8.
		offset: usize,
	},
	/// The query has no token (empty or whitespace only).
	EmptyQuery,
	/// `min_span` is 0.
	ZeroMinSpan,
	/// `max_occurrences` is 0.
	ZeroMaxOccurrences,
	/// `shard_tokens` is 0.
	ZeroShardTokens,
	/// No span of at least `min_span` tokens of the query occurs in the corpus.
	NoSpan {
		/// The minimum span length that was asked for.
		min_span: u32,
	},
	/// A corpus exceeds what the format can hold (what).
	TooLarge(&'static str),
	/// The suffix-array library failed (its message).
	SuffixArray(String),
	/// Shorter than a header and a checksum.
	Truncated,
	/// Not a span index (bad magic).
	BadMagic,
	/// A format version this engine does not read.
	UnsupportedVersion(u16),
	/// A tokenizer version this engine does not implement.
	UnsupportedTokenizer(u16),
	/// The checksum does not match the content.
	ChecksumMismatch,
	/// The file's length differs from the one its header declares.
	SizeMismatch {
		/// Length implied by the header.
		expected: u64,
		/// Actual length.
		actual: u64,
	},
	/// Inconsistent header or table content (what is wrong).
	Corrupt(&'static str),
}

impl fmt::Display for SpanError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			SpanError::Io(p, e) => write!(f, "{}: {e}", p.display()),
			SpanError::EmptyCorpus => {
				write!(f, "empty corpus: the --data files contain no token")
			}
			SpanError::EmptyContributor(name) => write!(f, "{name}: empty contributor id"),
			SpanError::InvalidUtf8 { source, offset } => {
				write!(f, "{source}: invalid UTF-8 at byte {offset}")
			}
			SpanError::EmptyQuery => write!(f, "empty query: the output text has no token"),
			SpanError::ZeroMinSpan => write!(f, "min_span must be at least 1 token, got 0"),
			SpanError::ZeroMaxOccurrences => {
				write!(f, "max_occurrences must be at least 1, got 0")
			}
			SpanError::ZeroShardTokens => write!(f, "shard_tokens must be at least 1, got 0"),
			SpanError::NoSpan { min_span } => write!(
				f,
				"no span of at least {min_span} tokens of the query occurs in the corpus"
			),
			SpanError::TooLarge(what) => write!(f, "corpus too large: {what}"),
			SpanError::SuffixArray(e) => write!(f, "suffix array construction failed: {e}"),
			SpanError::Truncated => {
				write!(f, "corrupt span index: truncated (shorter than its header)")
			}
			SpanError::BadMagic => write!(f, "corrupt span index: not a span index (bad magic)"),
			SpanError::UnsupportedVersion(v) => {
				write!(f, "corrupt span index: unsupported format version {v}")
			}
			SpanError::UnsupportedTokenizer(v) => {
				write!(f, "span index uses tokenizer version {v}, this engine implements {SPAN_TOKENIZER_VERSION}")
			}
			SpanError::ChecksumMismatch => {
				write!(f, "corrupt span index: checksum mismatch (file damaged or truncated)")
			}
			SpanError::SizeMismatch { expected, actual } => write!(
				f,
				"corrupt span index: {actual} bytes, the header declares {expected} (truncated or trailing bytes)"
			),
			SpanError::Corrupt(w) => write!(f, "corrupt span index: {w}"),
		}
	}
}

impl std::error::Error for SpanError {}

/// `w(C) = 1 / log₂(1 + C)`, the rarity weight of a span with `C ≥ 1` occurrences
/// (`libm`'s `log2`: the same bits on every platform).
pub fn rarity_weight(occurrences: u64) -> f64 {
	1.0 / libm::log2(1.0 + occurrences as f64)
}

//! Building a span index, and its file format.
//!
//! # File format (version 1)
//!
//! Every integer is little-endian and fixed-width, so [`super::SpanIndex`] reads each
//! section in place from a memory map, with no decoding pass. Sections start at multiples
//! of 8 bytes (zero padding before them).
//!
//! ```text
//! header (80 bytes)
//!   0  magic            8   b"TRIBSPAN"
//!   8  version          u16 = 1
//!  10  tokenizer        u16 = 1 (SPAN_TOKENIZER_VERSION)
//!  12  unicode          3 × u8  major, minor, update of the tokenizer's Unicode tables
//!  15  token width      u8  bytes per token id, 1..=4 (the fewest that hold V)
//!  16  min_span         u32 ≥ 1   default minimum span length of queries
//!  20  max_occurrences  u32 ≥ 1   default cap on occurrences read per span
//!  24  G                u32 ≥ 1   contributions
//!  28  S                u32 ≥ 1   shards
//!  32  D                u64 ≥ 1   documents
//!  40  V                u64 ≥ 1   vocabulary size (token ids 1..=V; 0 = document separator)
//!  48  vocabulary bytes u64
//!  56  contributor bytes u64
//!  64  N                u64 ≥ 1   corpus tokens (separators not counted)
//!  72  reserved         u64 = 0
//! contributor ends      (G+1) × u64   end offset of each id in the blob; entry 0 is 0
//! contributor blob      UTF-8 ids (e.g. `3:17`), concatenated, all distinct
//! vocabulary ends       (V+1) × u64   as above
//! vocabulary blob       the V distinct tokens, strictly increasing by bytes (id = rank + 1)
//! document contribution D × u32       contribution index of each document
//! document start        D × u64       position of its first token in its shard's stream
//! shard table           S × 32 bytes: first document u64, documents u64,
//!                                     stream length n u64, suffix width u8, 7 zero bytes
//! per shard, in order:
//!   stream              n × token width   the shard's documents in order, each followed by
//!                                         the separator 0 (the stream ends with one)
//!   suffix array        (n − documents) × suffix width   positions of the suffixes that
//!                       start with a token, in suffix order (the separator suffixes, which
//!                       sort first, are dropped); width: the fewest bytes that hold n − 1
//! checksum              32 bytes: blake2-256 of every byte before it
//! ```
//!
//! The index's identity is the blake2-256 hash of the whole file, as for gradient indexes.
//! The same documents and options give the same bytes: token ids come from the sorted
//! vocabulary, shards from the document order, and the suffix array is unique.
//!
//! # Shards
//!
//! Documents are cut into shards in order: a shard takes documents while its stream stays
//! within `shard_tokens` (tokens plus one separator per document); a document larger than
//! that is a shard of its own (documents are never split, so no span is lost). Each shard
//! has its own suffix array, built in memory (≈ 8 bytes per stream token), so
//! `shard_tokens` bounds the build's memory; queries search every shard and merge.

use super::{tokenizer, SpanError, SPAN_TOKENIZER_VERSION};
use std::{
	collections::HashMap,
	hash::{BuildHasherDefault, Hasher},
	io::Write,
	path::{Path, PathBuf},
	time::Instant,
};

/// File magic of a span index.
pub use crate::SPAN_MAGIC;
/// Current format version.
pub const SPAN_FORMAT_VERSION: u16 = 1;
/// Size of the fixed header.
pub const HEADER_LEN: usize = 80;
/// Size of one shard table entry.
pub const SHARD_ENTRY_LEN: usize = 32;
/// Size of the checksum.
pub const CHECKSUM_LEN: usize = 32;
/// Default minimum span length in tokens: eight words or punctuation marks, a phrase long
/// enough to be unlikely by chance.
pub const DEFAULT_MIN_SPAN: u32 = 8;
/// Default cap on the occurrences read per span.
pub const DEFAULT_MAX_OCCURRENCES: u32 = 1000;
/// Default shard bound: 2²⁴ stream tokens (≈ 80 MB of English text). Positions then fit
/// in 3 bytes, so the index takes ≈ 6 bytes per token (3-byte token ids up to 2²⁴ − 1
/// distinct tokens), and a shard's suffix array is built in ≈ 130 MB. Larger shards
/// (e.g. 2²⁶: 4-byte positions, ≈ 7 bytes per token) make queries of big corpora faster,
/// since every shard is searched.
pub const DEFAULT_SHARD_TOKENS: u64 = 1 << 24;

/// One document of the corpus: its text and the contribution it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct SpanDocument<'a> {
	/// Contribution id (`dataset:contribution` on chain; any label offline). Documents with
	/// the same id form one contribution.
	pub contributor: &'a str,
	/// Name for error messages (e.g. the file path).
	pub name: &'a str,
	/// The text, UTF-8.
	pub text: &'a [u8],
}

/// Options of [`build_index`].
#[derive(Clone, Debug)]
pub struct SpanBuildOptions {
	/// Minimum span length stored as the index's query default (≥ 1).
	pub min_span: u32,
	/// Occurrence cap stored as the index's query default (≥ 1).
	pub max_occurrences: u32,
	/// Shard bound in stream tokens (≥ 1; see the module docs).
	pub shard_tokens: u64,
	/// Show progress bars on stderr (also shown whenever stderr is a terminal).
	pub progress: bool,
}

impl Default for SpanBuildOptions {
	fn default() -> Self {
		SpanBuildOptions {
			min_span: DEFAULT_MIN_SPAN,
			max_occurrences: DEFAULT_MAX_OCCURRENCES,
			shard_tokens: DEFAULT_SHARD_TOKENS,
			progress: false,
		}
	}
}

/// What a build produced.
#[derive(Clone, Debug, Default)]
pub struct SpanBuildReport {
	/// Documents.
	pub documents: u64,
	/// Contributions.
	pub contributions: u32,
	/// Corpus tokens (without separators).
	pub tokens: u64,
	/// Vocabulary size.
	pub vocabulary: u64,
	/// Shards.
	pub shards: u32,
	/// Size of the index file.
	pub bytes: u64,
	/// blake2-256 of the whole file (the index's identity).
	pub hash: [u8; 32],
	/// Seconds spent tokenising (with the vocabulary), building suffix arrays, and
	/// writing (the writing of each shard's arrays included).
	pub seconds: [f64; 3],
}

/// FxHash (the rustc hasher): fast for short keys; the build does not depend on it.
#[derive(Default, Clone, Copy)]
struct Fx(u64);
impl Hasher for Fx {
	#[inline]
	fn write(&mut self, bytes: &[u8]) {
		const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
		let mut h = self.0;
		let mut c = bytes.chunks_exact(8);
		for w in &mut c {
			let v = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
			h = (h.rotate_left(5) ^ v).wrapping_mul(K);
		}
		let r = c.remainder();
		if !r.is_empty() {
			let mut a = [0u8; 8];
			a[..r.len()].copy_from_slice(r);
			h = (h.rotate_left(5) ^ u64::from_le_bytes(a) ^ ((r.len() as u64) << 56))
				.wrapping_mul(K);
		}
		self.0 = h;
	}
	#[inline]
	fn write_u8(&mut self, i: u8) {
		self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
	}
	#[inline]
	fn finish(&self) -> u64 {
		self.0
	}
}
type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The fewest bytes (≥ 1) that hold `v`.
pub fn width_for(v: u64) -> u8 {
	let bits = 64 - v.leading_zeros();
	(bits.div_ceil(8)).max(1) as u8
}

/// Rounds up to a multiple of 8.
pub(crate) fn pad8(x: u64) -> u64 {
	x.div_ceil(8) * 8
}

fn progress_bar(show: bool, len: u64, msg: &'static str) -> indicatif::ProgressBar {
	crate::build::progress_bar(show, len, msg)
}

/// The corpus after tokenisation: the whole token stream with final ids.
struct Corpus {
	contributors: Vec<String>,
	/// Per document: contribution index and token count.
	docs: Vec<(u32, u64)>,
	/// Vocabulary in id order (id = index + 1).
	vocab: Vec<Vec<u8>>,
	/// All documents' token ids, concatenated (no separators).
	stream: Vec<u32>,
}

fn tokenize_corpus(docs: &[SpanDocument<'_>], show: bool) -> Result<Corpus, SpanError> {
	if docs.is_empty() {
		return Err(SpanError::EmptyCorpus);
	}
	let mut contributors: Vec<String> = Vec::new();
	let mut cmap: HashMap<&str, u32> = HashMap::new();
	let mut texts = Vec::with_capacity(docs.len());
	let mut total_bytes = 0u64;
	for d in docs {
		if d.contributor.is_empty() {
			return Err(SpanError::EmptyContributor(d.name.to_string()));
		}
		texts.push(tokenizer::validate(d.text, d.name)?);
		total_bytes += d.text.len() as u64;
	}
	let pb = progress_bar(show, total_bytes, "tokenizing");
	let mut words: Vec<&str> = Vec::new();
	let mut map: FxMap<&str, u32> = FxMap::default();
	let mut stream: Vec<u32> = Vec::with_capacity((total_bytes / 5) as usize);
	let mut out_docs = Vec::with_capacity(docs.len());
	for (d, text) in docs.iter().zip(&texts) {
		let c = *cmap.entry(d.contributor).or_insert_with(|| {
			contributors.push(d.contributor.to_string());
			(contributors.len() - 1) as u32
		});
		let before = stream.len();
		for (a, b) in tokenizer::tokenize(text) {
			let w = &text[a..b];
			let id = match map.get(w) {
				Some(&id) => id,
				None => {
					let id = words.len() as u32;
					if id == u32::MAX - 1 {
						return Err(SpanError::TooLarge("more than 2³² − 2 distinct tokens"));
					}
					words.push(w);
					map.insert(w, id);
					id
				}
			};
			stream.push(id);
		}
		out_docs.push((c, (stream.len() - before) as u64));
		pb.inc(text.len() as u64);
	}
	pb.finish_and_clear();
	drop(map);
	if stream.is_empty() {
		return Err(SpanError::EmptyCorpus);
	}
	// Final ids: rank in byte order, plus one.
	let mut order: Vec<u32> = (0..words.len() as u32).collect();
	order.sort_unstable_by(|&a, &b| words[a as usize].as_bytes().cmp(words[b as usize].as_bytes()));
	let mut rank = vec![0u32; words.len()];
	for (r, &w) in order.iter().enumerate() {
		rank[w as usize] = r as u32 + 1;
	}
	{
		use rayon::prelude::*;
		stream.par_chunks_mut(1 << 16).for_each(|c| {
			for t in c {
				*t = rank[*t as usize];
			}
		});
	}
	let vocab = order.iter().map(|&w| words[w as usize].as_bytes().to_vec()).collect();
	Ok(Corpus { contributors, docs: out_docs, vocab, stream })
}

/// A shard: a run of documents.
#[derive(Clone, Copy, Debug)]
struct ShardPlan {
	first_doc: u64,
	docs: u64,
	/// Offset of its first token in the corpus stream.
	token_offset: u64,
	/// Stream length: tokens + one separator per document.
	len: u64,
}

fn plan_shards(docs: &[(u32, u64)], bound: u64) -> Vec<ShardPlan> {
	let mut shards: Vec<ShardPlan> = Vec::new();
	let mut offset = 0u64;
	for (i, &(_, n)) in docs.iter().enumerate() {
		let need = n + 1;
		match shards.last_mut() {
			Some(s) if s.len + need <= bound => {
				s.docs += 1;
				s.len += need;
			}
			_ => shards.push(ShardPlan {
				first_doc: i as u64,
				docs: 1,
				token_offset: offset,
				len: need,
			}),
		}
		offset += n;
	}
	shards
}

/// Integer types libsais sorts (`i32`, and `i64` for shards or alphabets beyond 2³¹).
trait SaInt: Copy {
	fn from_u32(x: u32) -> Self;
	fn to_u64(self) -> u64;
}
impl SaInt for i32 {
	fn from_u32(x: u32) -> Self {
		x as i32
	}
	fn to_u64(self) -> u64 {
		self as u64
	}
}
impl SaInt for i64 {
	fn from_u32(x: u32) -> Self {
		x as i64
	}
	fn to_u64(self) -> u64 {
		self as u64
	}
}

fn sa_error(e: libsais::LibsaisError) -> SpanError {
	SpanError::SuffixArray(format!("{e:?}"))
}

/// Whether a text of `n` values below `k` can be sorted with `i32`.
fn fits_i32(n: usize, k: u64) -> bool {
	n < i32::MAX as usize && k <= i32::MAX as u64
}

/// libsais on an `i32` text with values in `0..k` (`fits_i32`); the text is restored.
fn sais32(text: &mut [i32], k: u64) -> Result<Vec<i32>, SpanError> {
	use libsais::{suffix_array::AlphabetSize, SuffixArrayConstruction};
	let mut c = SuffixArrayConstruction::for_text_mut(text).in_owned_buffer32().single_threaded();
	// SAFETY: the caller's values are in 0..k, none negative.
	unsafe {
		c = c.with_alphabet_size(AlphabetSize::new(k as i32));
	}
	Ok(c.run().map_err(sa_error)?.into_vec())
}

/// libsais on an `i64` text with values in `0..k`; the text is restored.
fn sais64(text: &mut [i64], k: u64) -> Result<Vec<i64>, SpanError> {
	use libsais::{suffix_array::AlphabetSize, SuffixArrayConstruction};
	let mut c = SuffixArrayConstruction::for_text_mut(text).in_owned_buffer64().single_threaded();
	// SAFETY: the caller's values are in 0..k, none negative.
	unsafe {
		c = c.with_alphabet_size(AlphabetSize::new(k as i64));
	}
	Ok(c.run().map_err(sa_error)?.into_vec())
}

/// The suffix array of `text` (every value below `k`) by libsais, as positions.
/// Suffixes compare as if the text were followed by a value below every other.
pub fn suffix_array(text: &[u32], k: u64) -> Result<Vec<u64>, SpanError> {
	if text.is_empty() {
		return Ok(Vec::new());
	}
	if text.iter().any(|&t| t as u64 >= k) {
		return Err(SpanError::SuffixArray("a value is not below the alphabet size".into()));
	}
	if fits_i32(text.len(), k) {
		let mut t: Vec<i32> = text.iter().map(|&x| x as i32).collect();
		Ok(sais32(&mut t, k)?.into_iter().map(|x| x as u64).collect())
	} else {
		let mut t: Vec<i64> = text.iter().map(|&x| x as i64).collect();
		Ok(sais64(&mut t, k)?.into_iter().map(|x| x as u64).collect())
	}
}

/// The shard's stream (documents, each followed by the separator 0) in the sort type.
fn shard_text<T: SaInt>(corpus: &Corpus, s: &ShardPlan) -> Vec<T> {
	let mut text: Vec<T> = Vec::with_capacity(s.len as usize);
	let mut off = s.token_offset as usize;
	for d in s.first_doc..s.first_doc + s.docs {
		let n = corpus.docs[d as usize].1 as usize;
		text.extend(corpus.stream[off..off + n].iter().map(|&t| T::from_u32(t)));
		text.push(T::from_u32(0));
		off += n;
	}
	text
}

/// Writes a shard's stream and suffix array (separator suffixes dropped).
fn write_shard<T: SaInt>(
	w: &mut HashWriter<'_>,
	text: &[T],
	sa: &[T],
	s: &ShardPlan,
	tw: u8,
) -> Result<(), SpanError> {
	// Separator suffixes sort first (0 is the smallest id): drop them.
	let skip = s.docs as usize;
	if sa.len() != text.len() || sa[..skip].iter().any(|&p| text[p.to_u64() as usize].to_u64() != 0)
	{
		return Err(SpanError::SuffixArray("unexpected suffix order".into()));
	}
	w.pad()?;
	w.put_ints(text.iter().map(|&t| t.to_u64()), tw)?;
	w.pad()?;
	w.put_ints(sa[skip..].iter().map(|&p| p.to_u64()), width_for(s.len - 1))
}

/// Writes while hashing (blake2b-256, the function of `sp_crypto_hashing::blake2_256`).
struct HashWriter<'w> {
	out: std::io::BufWriter<&'w mut dyn Write>,
	state: blake2b_simd::State,
	written: u64,
	path: PathBuf,
}

/// A blake2b state with 32-byte output (blake2-256).
pub(crate) fn blake2_256_state() -> blake2b_simd::State {
	blake2b_simd::Params::new().hash_length(32).to_state()
}

impl<'w> HashWriter<'w> {
	fn put(&mut self, b: &[u8]) -> Result<(), SpanError> {
		self.state.update(b);
		self.written += b.len() as u64;
		self.out.write_all(b).map_err(|e| SpanError::Io(self.path.clone(), e))
	}
	fn pad(&mut self) -> Result<(), SpanError> {
		let z = (pad8(self.written) - self.written) as usize;
		self.put(&[0u8; 8][..z])
	}
	/// Writes `values` as `width`-byte little-endian integers.
	fn put_ints(&mut self, values: impl Iterator<Item = u64>, width: u8) -> Result<(), SpanError> {
		let w = width as usize;
		let mut buf = Vec::with_capacity(1 << 16);
		for v in values {
			buf.extend_from_slice(&v.to_le_bytes()[..w]);
			if buf.len() >= (1 << 16) - 8 {
				self.put(&buf)?;
				buf.clear();
			}
		}
		self.put(&buf)
	}
}

/// Builds the span index of `docs` and writes it to `out` (`out_name` names it in I/O
/// errors). Never panics on any input; the same input gives the same bytes.
pub fn build_index(
	docs: &[SpanDocument<'_>],
	opts: &SpanBuildOptions,
	out: &mut dyn Write,
	out_name: &Path,
) -> Result<SpanBuildReport, SpanError> {
	if opts.min_span == 0 {
		return Err(SpanError::ZeroMinSpan);
	}
	if opts.max_occurrences == 0 {
		return Err(SpanError::ZeroMaxOccurrences);
	}
	if opts.shard_tokens == 0 {
		return Err(SpanError::ZeroShardTokens);
	}
	let show = opts.progress;
	let t0 = Instant::now();
	let corpus = tokenize_corpus(docs, show)?;
	let t_tok = t0.elapsed().as_secs_f64();
	let v = corpus.vocab.len() as u64;
	let g = corpus.contributors.len();
	if g > u32::MAX as usize - 1 {
		return Err(SpanError::TooLarge("more than 2³² − 2 contributions"));
	}
	let tw = width_for(v);
	let shards = plan_shards(&corpus.docs, opts.shard_tokens);
	if shards.len() > u32::MAX as usize {
		return Err(SpanError::TooLarge("more than 2³² − 1 shards"));
	}
	let vocab_bytes: u64 = corpus.vocab.iter().map(|w| w.len() as u64).sum();
	let contrib_bytes: u64 = corpus.contributors.iter().map(|c| c.len() as u64).sum();
	let n_tokens = corpus.stream.len() as u64;

	let mut w = HashWriter {
		out: std::io::BufWriter::with_capacity(1 << 20, out),
		state: blake2_256_state(),
		written: 0,
		path: out_name.to_path_buf(),
	};
	let mut h = Vec::with_capacity(HEADER_LEN);
	h.extend_from_slice(&SPAN_MAGIC);
	h.extend_from_slice(&SPAN_FORMAT_VERSION.to_le_bytes());
	h.extend_from_slice(&SPAN_TOKENIZER_VERSION.to_le_bytes());
	let (ua, ub, uc) = tokenizer::unicode_version();
	h.extend_from_slice(&[ua, ub, uc, tw]);
	h.extend_from_slice(&opts.min_span.to_le_bytes());
	h.extend_from_slice(&opts.max_occurrences.to_le_bytes());
	h.extend_from_slice(&(g as u32).to_le_bytes());
	h.extend_from_slice(&(shards.len() as u32).to_le_bytes());
	h.extend_from_slice(&(corpus.docs.len() as u64).to_le_bytes());
	h.extend_from_slice(&v.to_le_bytes());
	h.extend_from_slice(&vocab_bytes.to_le_bytes());
	h.extend_from_slice(&contrib_bytes.to_le_bytes());
	h.extend_from_slice(&n_tokens.to_le_bytes());
	h.extend_from_slice(&0u64.to_le_bytes());
	debug_assert_eq!(h.len(), HEADER_LEN);
	w.put(&h)?;

	let ends = |lens: &mut dyn Iterator<Item = u64>| -> Vec<u64> {
		let mut acc = 0u64;
		let mut v = vec![0u64];
		for l in lens {
			acc += l;
			v.push(acc);
		}
		v
	};
	// Contributors.
	let cends = ends(&mut corpus.contributors.iter().map(|c| c.len() as u64));
	w.put_ints(cends.into_iter(), 8)?;
	for c in &corpus.contributors {
		w.put(c.as_bytes())?;
	}
	w.pad()?;
	// Vocabulary.
	let vends = ends(&mut corpus.vocab.iter().map(|t| t.len() as u64));
	w.put_ints(vends.into_iter(), 8)?;
	for t in &corpus.vocab {
		w.put(t)?;
	}
	w.pad()?;
	// Documents.
	w.put_ints(corpus.docs.iter().map(|d| d.0 as u64), 4)?;
	w.pad()?;
	let mut starts = Vec::with_capacity(corpus.docs.len());
	for s in &shards {
		let mut pos = 0u64;
		for d in s.first_doc..s.first_doc + s.docs {
			starts.push(pos);
			pos += corpus.docs[d as usize].1 + 1;
		}
	}
	w.put_ints(starts.into_iter(), 8)?;
	// Shard table.
	for s in &shards {
		let mut e = [0u8; SHARD_ENTRY_LEN];
		e[0..8].copy_from_slice(&s.first_doc.to_le_bytes());
		e[8..16].copy_from_slice(&s.docs.to_le_bytes());
		e[16..24].copy_from_slice(&s.len.to_le_bytes());
		e[24] = width_for(s.len - 1);
		w.put(&e)?;
	}
	// Shards.
	let pb = progress_bar(show, n_tokens, "suffix array");
	let mut t_sa = 0.0;
	for s in &shards {
		let t = Instant::now();
		if fits_i32(s.len as usize, v + 1) {
			let mut text = shard_text::<i32>(&corpus, s);
			let sa = sais32(&mut text, v + 1)?;
			t_sa += t.elapsed().as_secs_f64();
			write_shard(&mut w, &text, &sa, s, tw)?;
		} else {
			let mut text = shard_text::<i64>(&corpus, s);
			let sa = sais64(&mut text, v + 1)?;
			t_sa += t.elapsed().as_secs_f64();
			write_shard(&mut w, &text, &sa, s, tw)?;
		}
		pb.inc(s.len - s.docs);
	}
	pb.finish_and_clear();
	w.pad()?;
	let checksum = w.state.clone().finalize();
	let cs = checksum.as_bytes().to_vec();
	w.put(&cs)?;
	w.out.flush().map_err(|e| SpanError::Io(w.path.clone(), e))?;
	let mut hash = [0u8; 32];
	hash.copy_from_slice(w.state.finalize().as_bytes());
	let total = t0.elapsed().as_secs_f64();
	Ok(SpanBuildReport {
		documents: corpus.docs.len() as u64,
		contributions: g as u32,
		tokens: n_tokens,
		vocabulary: v,
		shards: shards.len() as u32,
		bytes: w.written,
		hash,
		seconds: [t_tok, t_sa, total - t_tok - t_sa],
	})
}

/// [`build_index`] into memory.
pub fn build_to_vec(
	docs: &[SpanDocument<'_>],
	opts: &SpanBuildOptions,
) -> Result<(Vec<u8>, SpanBuildReport), SpanError> {
	let mut out = Vec::new();
	let r = build_index(docs, opts, &mut out, Path::new("<memory>"))?;
	Ok((out, r))
}

/// [`build_index`] into the file `path`: written to `path.partial`, then renamed over
/// `path`, so a reader that has the old file open (or mapped) keeps reading the old file.
pub fn build_file(
	docs: &[SpanDocument<'_>],
	opts: &SpanBuildOptions,
	path: &Path,
) -> Result<SpanBuildReport, SpanError> {
	let mut tmp = path.as_os_str().to_owned();
	tmp.push(".partial");
	let tmp = PathBuf::from(tmp);
	let mut f = std::fs::File::create(&tmp).map_err(|e| SpanError::Io(tmp.clone(), e))?;
	let r = build_index(docs, opts, &mut f, path);
	let r = match r {
		Ok(r) => r,
		Err(e) => {
			drop(f);
			let _ = std::fs::remove_file(&tmp);
			return Err(e);
		}
	};
	f.sync_all().map_err(|e| SpanError::Io(tmp.clone(), e))?;
	drop(f);
	std::fs::rename(&tmp, path).map_err(|e| SpanError::Io(path.to_path_buf(), e))?;
	Ok(r)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn widths() {
		assert_eq!(width_for(0), 1);
		assert_eq!(width_for(255), 1);
		assert_eq!(width_for(256), 2);
		assert_eq!(width_for((1 << 24) - 1), 3);
		assert_eq!(width_for(1 << 24), 4);
		assert_eq!(width_for(u64::MAX), 8);
	}

	#[test]
	fn libsais_matches_sorting() {
		let mut r = crate::projection::SplitMix64(7);
		for n in [1usize, 2, 5, 40, 300] {
			for k in [2u64, 3, 50] {
				let text: Vec<u32> = (0..n).map(|_| (r.next_u64() % k) as u32).collect();
				assert_eq!(
					suffix_array(&text, k).unwrap(),
					super::super::naive::suffix_array(&text)
				);
			}
		}
	}

	#[test]
	fn shards_keep_documents_whole() {
		let docs = [(0, 3), (0, 10), (0, 2), (0, 2), (0, 0)];
		let p = plan_shards(&docs, 8);
		let got: Vec<(u64, u64, u64, u64)> =
			p.iter().map(|s| (s.first_doc, s.docs, s.token_offset, s.len)).collect();
		assert_eq!(got, [(0, 1, 0, 4), (1, 1, 3, 11), (2, 3, 13, 7)]);
	}

	#[test]
	fn blake2_state_is_sp_crypto_hashing() {
		let data = b"tributary span index";
		let mut s = blake2_256_state();
		s.update(&data[..5]);
		s.update(&data[5..]);
		assert_eq!(s.finalize().as_bytes(), &sp_crypto_hashing::blake2_256(data));
	}
}

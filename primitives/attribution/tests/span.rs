//! The span method: property tests against the brute-force matcher, bad input, and the
//! real-text demo.

use proptest::{
	prelude::*,
	test_runner::{Config, RngSeed, TestRunner},
};
use std::{
	collections::BTreeSet,
	sync::atomic::{AtomicUsize, Ordering::Relaxed},
};
use tributary_attribution::span::{
	index::{build_to_vec, suffix_array},
	naive::{self, NaiveCorpus},
	QueryOptions, SpanBuildOptions, SpanDocument, SpanError, SpanIndex,
};

/// Tokens the generators draw from: ASCII words, Unicode letters, an ideograph (a token of
/// its own), punctuation, an emoji, a letter-digit run.
const POOL: [&str; 11] = ["a", "b", "ab", "α", "日", "naïve", "—", ",", "🙂", "Ω9", "x"];
/// Separators between tokens: ASCII and Unicode whitespace.
const SEPS: [&str; 6] = [" ", "\n", "\t", "\u{3000}", "\u{a0}", "  \r\n"];
/// A token no document has.
const UNKNOWN: &str = "zz";

#[derive(Clone, Debug)]
enum Piece {
	/// Tokens `start..start+len` of a document (indices taken modulo).
	FromDoc { doc: usize, start: usize, len: usize },
	/// Tokens drawn from the pool.
	Random(Vec<usize>),
	/// A token absent from the corpus.
	Unknown,
	/// The last `tail` tokens of a document followed by the first `head` of the next one:
	/// a span that exists only across a document boundary.
	Cross { doc: usize, tail: usize, head: usize },
}

#[derive(Clone, Debug)]
struct Case {
	pool: usize,
	/// (contributor 0..3, token pool indices)
	docs: Vec<(usize, Vec<usize>)>,
	pieces: Vec<Piece>,
	min_span: u32,
	max_occurrences: u32,
	shard_tokens: u64,
	sep_seed: u64,
}

fn piece() -> impl Strategy<Value = Piece> {
	prop_oneof![
		4 => (0usize..8, 0usize..40, 1usize..14).prop_map(|(doc, start, len)| Piece::FromDoc { doc, start, len }),
		2 => prop::collection::vec(0usize..11, 1..6).prop_map(Piece::Random),
		1 => Just(Piece::Unknown),
		2 => (0usize..8, 1usize..8, 1usize..8).prop_map(|(doc, tail, head)| Piece::Cross { doc, tail, head }),
	]
}

fn case() -> impl Strategy<Value = Case> {
	(
		2usize..=11,
		prop::collection::vec((0usize..3, prop::collection::vec(0usize..11, 0..32)), 1..=6),
		prop::collection::vec(piece(), 0..6),
		1u32..=4,
		prop_oneof![Just(1000u32), 1u32..=3],
		prop_oneof![1u64..=40, Just(u64::MAX)],
		any::<u64>(),
	)
		.prop_map(|(pool, docs, pieces, min_span, max_occurrences, shard_tokens, sep_seed)| {
			Case { pool, docs, pieces, min_span, max_occurrences, shard_tokens, sep_seed }
		})
}

/// Joins tokens with separators drawn from a seeded stream.
fn join(tokens: &[&str], seed: &mut u64) -> String {
	let mut s = String::new();
	for t in tokens {
		*seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
		s.push_str(SEPS[(*seed >> 33) as usize % SEPS.len()]);
		s.push_str(t);
	}
	s
}

struct Built {
	texts: Vec<String>,
	contributors: Vec<String>,
	doc_tokens: Vec<Vec<&'static str>>,
	query_tokens: Vec<&'static str>,
	query: String,
	/// Token sequences of the query that cross a document boundary.
	crosses: Vec<Vec<&'static str>>,
}

fn materialise(c: &Case) -> Built {
	let mut seed = c.sep_seed;
	let doc_tokens: Vec<Vec<&'static str>> =
		c.docs.iter().map(|(_, t)| t.iter().map(|&i| POOL[i % c.pool]).collect()).collect();
	let texts = doc_tokens.iter().map(|t| join(t, &mut seed)).collect();
	let contributors = c.docs.iter().map(|(k, _)| format!("{k}:0")).collect();
	let mut q: Vec<&'static str> = Vec::new();
	let mut crosses = Vec::new();
	let nd = doc_tokens.len();
	for p in &c.pieces {
		match p {
			Piece::FromDoc { doc, start, len } => {
				let d = &doc_tokens[doc % nd];
				if !d.is_empty() {
					let s = start % d.len();
					q.extend(&d[s..(s + len).min(d.len())]);
				}
			}
			Piece::Random(v) => q.extend(v.iter().map(|&i| POOL[i % c.pool])),
			Piece::Unknown => q.push(UNKNOWN),
			Piece::Cross { doc, tail, head } => {
				let (a, b) = (&doc_tokens[doc % nd], &doc_tokens[(doc + 1) % nd]);
				let mut x: Vec<&'static str> = a[a.len().saturating_sub(*tail)..].to_vec();
				x.extend(&b[..(*head).min(b.len())]);
				q.extend(&x);
				crosses.push(x);
			}
		}
	}
	let query = join(&q, &mut seed);
	Built { texts, contributors, doc_tokens, query_tokens: q, query, crosses }
}

fn occurs_in_a_document(docs: &[Vec<&str>], span: &[&str]) -> bool {
	docs.iter().any(|d| d.len() >= span.len() && d.windows(span.len()).any(|w| w == span))
}

/// What the generators reached.
#[derive(Default)]
struct Coverage {
	cases: AtomicUsize,
	multi_shard: AtomicUsize,
	capped_span: AtomicUsize,
	repeated_span: AtomicUsize,
	multi_contribution_span: AtomicUsize,
	unicode_span: AtomicUsize,
	unknown_token: AtomicUsize,
	cross_absent: AtomicUsize,
	empty_document: AtomicUsize,
	no_span: AtomicUsize,
	long_span: AtomicUsize,
	empty_query: AtomicUsize,
	spans: AtomicUsize,
}

fn check(c: &Case, cov: &Coverage) -> Result<(), TestCaseError> {
	let b = materialise(c);
	cov.cases.fetch_add(1, Relaxed);
	let docs: Vec<SpanDocument<'_>> = b
		.texts
		.iter()
		.zip(&b.contributors)
		.map(|(t, id)| SpanDocument { contributor: id, name: "doc", text: t.as_bytes() })
		.collect();
	if b.doc_tokens.iter().any(|d| d.is_empty()) {
		cov.empty_document.fetch_add(1, Relaxed);
	}
	let opts = SpanBuildOptions {
		min_span: c.min_span,
		max_occurrences: c.max_occurrences,
		shard_tokens: c.shard_tokens,
		progress: false,
	};
	let built = build_to_vec(&docs, &opts);
	if b.doc_tokens.iter().all(|d| d.is_empty()) {
		prop_assert!(matches!(built, Err(SpanError::EmptyCorpus)));
		return Ok(());
	}
	let (bytes, report) = built.map_err(|e| TestCaseError::fail(e.to_string()))?;
	// Deterministic, and the reader's hash is the builder's.
	let (again, _) = build_to_vec(&docs, &opts).unwrap();
	prop_assert_eq!(&bytes, &again);
	let index = SpanIndex::from_bytes(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
	prop_assert_eq!(index.hash(), report.hash);
	if index.shards() > 1 {
		cov.multi_shard.fetch_add(1, Relaxed);
	}
	let corpus = NaiveCorpus::new(&docs).unwrap();
	let (_, nq) = corpus.query(b.query.as_bytes()).unwrap();
	if nq.contains(&0) {
		cov.unknown_token.fetch_add(1, Relaxed);
	}
	let expected = naive::find_spans(&corpus, &nq, c.min_span as usize);
	let qopts = QueryOptions { min_span: c.min_span, max_occurrences: c.max_occurrences };
	let got = index.find_spans(b.query.as_bytes(), &qopts);
	if b.query_tokens.is_empty() {
		cov.empty_query.fetch_add(1, Relaxed);
		prop_assert!(matches!(got, Err(SpanError::EmptyQuery)), "{:?}", got);
		return Ok(());
	}
	if expected.is_empty() {
		cov.no_span.fetch_add(1, Relaxed);
		prop_assert!(
			matches!(got, Err(SpanError::NoSpan { min_span }) if min_span == c.min_span),
			"{:?}",
			got
		);
		return Ok(());
	}
	let got = got.map_err(|e| TestCaseError::fail(e.to_string()))?;
	let g: Vec<(usize, usize, u64)> = got.spans.iter().map(|s| (s.start, s.len, s.count)).collect();
	let e: Vec<(usize, usize, u64)> =
		expected.iter().map(|s| (s.start, s.len, s.occurrences.len() as u64)).collect();
	prop_assert_eq!(&g, &e);
	cov.spans.fetch_add(g.len(), Relaxed);
	// No span covers a sequence that exists only across a document boundary.
	for x in &b.crosses {
		if !x.is_empty() && !occurs_in_a_document(&b.doc_tokens, x) {
			cov.cross_absent.fetch_add(1, Relaxed);
			for s in &got.spans {
				let span = &b.query_tokens[s.start..s.start + s.len];
				prop_assert!(span.len() < x.len() || !span.windows(x.len()).any(|w| w == &x[..]));
			}
		}
	}
	let mut capped = false;
	for (s, n) in got.spans.iter().zip(&expected) {
		let text = &b.query[s.bytes.0..s.bytes.1];
		prop_assert_eq!(
			text.split(|ch: char| ch.is_whitespace()).filter(|t| !t.is_empty()).count() <= s.len,
			true
		);
		if !text.is_ascii() {
			cov.unicode_span.fetch_add(1, Relaxed);
		}
		if s.len >= 6 {
			// Long enough for the matcher to skip contained positions by binary search.
			cov.long_span.fetch_add(1, Relaxed);
		}
		if s.count > 1 {
			cov.repeated_span.fetch_add(1, Relaxed);
		}
		if s.contributions.len() > 1 {
			cov.multi_contribution_span.fetch_add(1, Relaxed);
		}
		prop_assert_eq!(s.read as u64, s.count.min(c.max_occurrences as u64));
		prop_assert_eq!(s.contributions.iter().map(|x| x.1 as u64).sum::<u64>(), s.read as u64);
		let all: BTreeSet<u32> = n.occurrences.iter().map(|o| corpus.contribution[o.0]).collect();
		if s.count > c.max_occurrences as u64 {
			capped = true;
			cov.capped_span.fetch_add(1, Relaxed);
			for (ci, _) in &s.contributions {
				let id = index.contributor(*ci as usize);
				prop_assert!(all.iter().any(|&k| b.contributors[corpus_doc_of(&corpus, k)] == id));
			}
		} else {
			// Every occurrence read: the per-contribution counts are the brute force's.
			let mut want: Vec<(String, u32)> = Vec::new();
			for o in &n.occurrences {
				let id = b.contributors[o.0].clone();
				match want.iter_mut().find(|w| w.0 == id) {
					Some(w) => w.1 += 1,
					None => want.push((id, 1)),
				}
			}
			want.sort();
			let mut have: Vec<(String, u32)> = s
				.contributions
				.iter()
				.map(|&(ci, k)| (index.contributor(ci as usize).to_string(), k))
				.collect();
			have.sort();
			prop_assert_eq!(have, want);
		}
	}
	// Scores: bit for bit the brute force's when nothing was capped; shares sum to 10⁹.
	let total: f64 = got.spans.iter().map(|s| s.credit).sum();
	let sum: f64 = got.scores.iter().sum();
	prop_assert!((sum - total).abs() <= 1e-9 * total.max(1.0));
	if !capped {
		let want = naive::scores(&corpus, &expected);
		for ci in 0..index.contributions() {
			let id = index.contributor(ci);
			let k = (0..corpus.contributions)
				.find(|&k| b.contributors[corpus_doc_of(&corpus, k as u32)] == id)
				.unwrap();
			prop_assert_eq!(got.scores[ci].to_bits(), want[k].to_bits());
		}
	}
	let shares = got.shares(usize::MAX);
	prop_assert_eq!(shares.iter().map(|s| s.1 as u64).sum::<u64>(), 1_000_000_000);
	// One shard or many: the same spans and counts.
	let one = SpanBuildOptions { shard_tokens: u64::MAX, ..opts };
	let one = SpanIndex::from_bytes(build_to_vec(&docs, &one).unwrap().0).unwrap();
	let r1 = one.find_spans(b.query.as_bytes(), &qopts).unwrap();
	let g1: Vec<(usize, usize, u64)> = r1.spans.iter().map(|s| (s.start, s.len, s.count)).collect();
	prop_assert_eq!(g1, g);
	if !capped {
		prop_assert_eq!(r1.scores, got.scores);
	}
	Ok(())
}

/// A document of the brute-force corpus's contribution `k`.
fn corpus_doc_of(corpus: &NaiveCorpus<'_>, k: u32) -> usize {
	corpus.contribution.iter().position(|&c| c == k).unwrap()
}

#[test]
fn span_matches_brute_force_on_random_corpora() {
	let cov = Coverage::default();
	let mut runner =
		TestRunner::new(Config { cases: 400, failure_persistence: None, ..Config::default() });
	runner.run(&case(), |c| check(&c, &cov)).unwrap();
	let n = |a: &AtomicUsize| a.load(Relaxed);
	let reached = [
		("multi_shard", n(&cov.multi_shard)),
		("capped_span", n(&cov.capped_span)),
		("repeated_span", n(&cov.repeated_span)),
		("multi_contribution_span", n(&cov.multi_contribution_span)),
		("unicode_span", n(&cov.unicode_span)),
		("unknown_token", n(&cov.unknown_token)),
		("cross_absent", n(&cov.cross_absent)),
		("empty_document", n(&cov.empty_document)),
		("no_span", n(&cov.no_span)),
		("long_span", n(&cov.long_span)),
		("empty_query", n(&cov.empty_query)),
		("spans", n(&cov.spans)),
	];
	eprintln!("{} cases: {reached:?}", n(&cov.cases));
	for (what, k) in reached {
		assert!(k > 0, "the generators never reached `{what}`");
	}
}

proptest! {
	#![proptest_config(Config { cases: 200, failure_persistence: None, rng_seed: RngSeed::Fixed(7), ..Config::default() })]
	#[test]
	fn span_libsais_suffix_array_is_the_sorted_one(text in prop::collection::vec(0u32..4, 0..300)) {
		prop_assert_eq!(suffix_array(&text, 4).unwrap(), naive::suffix_array(&text));
	}
}

// ---- bad input -----------------------------------------------------------------------

fn doc<'a>(id: &'a str, text: &'a str) -> SpanDocument<'a> {
	SpanDocument { contributor: id, name: id, text: text.as_bytes() }
}

fn small_index() -> SpanIndex {
	let docs = [
		doc("1:0", "the quick brown fox jumps over the lazy dog"),
		doc("1:1", "a stitch in time saves nine, said the old tailor"),
	];
	let opts = SpanBuildOptions { min_span: 3, ..Default::default() };
	SpanIndex::from_bytes(build_to_vec(&docs, &opts).unwrap().0).unwrap()
}

fn small_bytes() -> Vec<u8> {
	small_index().bytes().to_vec()
}

#[test]
fn span_empty_corpus_is_an_error() {
	let opts = SpanBuildOptions::default();
	assert!(matches!(build_to_vec(&[], &opts), Err(SpanError::EmptyCorpus)));
	let docs = [doc("a", ""), doc("b", " \n\t\u{3000}")];
	assert!(matches!(build_to_vec(&docs, &opts), Err(SpanError::EmptyCorpus)));
	let docs = [SpanDocument { contributor: "", name: "x.txt", text: b"text" }];
	assert!(
		matches!(build_to_vec(&docs, &opts), Err(SpanError::EmptyContributor(n)) if n == "x.txt")
	);
}

#[test]
fn span_invalid_utf8_is_an_error() {
	let docs = [
		doc("a", "fine"),
		SpanDocument { contributor: "b", name: "b.txt", text: b"ok \xc3\x28 no" },
	];
	match build_to_vec(&docs, &SpanBuildOptions::default()) {
		Err(SpanError::InvalidUtf8 { source, offset }) => {
			assert_eq!((source.as_str(), offset), ("b.txt", 3))
		}
		other => panic!("{other:?}"),
	}
	let index = small_index();
	match index.find_spans(b"the quick \xff brown", &index.query_options()) {
		Err(SpanError::InvalidUtf8 { source, offset }) => {
			assert_eq!((source.as_str(), offset), ("query", 10))
		}
		other => panic!("{other:?}"),
	}
}

#[test]
fn span_bad_query_parameters_are_errors() {
	let index = small_index();
	let o = index.query_options();
	assert!(matches!(index.find_spans(b"", &o), Err(SpanError::EmptyQuery)));
	assert!(matches!(index.find_spans(b" \n ", &o), Err(SpanError::EmptyQuery)));
	assert!(matches!(
		index.find_spans(b"the quick brown", &QueryOptions { min_span: 0, ..o }),
		Err(SpanError::ZeroMinSpan)
	));
	assert!(matches!(
		index.find_spans(b"the quick brown", &QueryOptions { max_occurrences: 0, ..o }),
		Err(SpanError::ZeroMaxOccurrences)
	));
	assert!(matches!(
		index.find_spans(b"entirely new words here", &o),
		Err(SpanError::NoSpan { min_span: 3 })
	));
	// "dog a stitch" exists only across the two documents.
	assert!(matches!(index.attribute(b"lazy dog a stitch", 10), Err(SpanError::NoSpan { .. })));
	let opts = |m, c, s| SpanBuildOptions {
		min_span: m,
		max_occurrences: c,
		shard_tokens: s,
		progress: false,
	};
	let docs = [doc("a", "some text")];
	assert!(matches!(build_to_vec(&docs, &opts(0, 1, 1)), Err(SpanError::ZeroMinSpan)));
	assert!(matches!(build_to_vec(&docs, &opts(1, 0, 1)), Err(SpanError::ZeroMaxOccurrences)));
	assert!(matches!(build_to_vec(&docs, &opts(1, 1, 0)), Err(SpanError::ZeroShardTokens)));
}

#[test]
fn span_attribute_and_attestation() {
	let index = small_index();
	let r = index.attribute(b"he said: a stitch in time saves nine!", 10).unwrap();
	assert_eq!(r, vec![(1, 1_000_000_000)]);
	let a = index.attestation(b"he said: a stitch in time saves nine!", 10).unwrap();
	// Two scores (f64), a count and one (index, ppb) pair.
	assert_eq!(a.len(), 2 * 8 + 4 + 8);
}

#[test]
fn span_corrupt_index_is_an_error() {
	let good = small_bytes();
	let mut b = good.clone();
	b[0] = b'X';
	assert!(matches!(SpanIndex::from_bytes(b), Err(SpanError::BadMagic)));
	let mut b = good.clone();
	b[8] = 2;
	assert!(matches!(SpanIndex::from_bytes(b), Err(SpanError::UnsupportedVersion(2))));
	let mut b = good.clone();
	b[10] = 9;
	assert!(matches!(SpanIndex::from_bytes(b), Err(SpanError::UnsupportedTokenizer(9))));
	// Any flipped byte after the versions: a clean error.
	for i in 12..good.len() {
		let mut b = good.clone();
		b[i] ^= 0x40;
		match SpanIndex::from_bytes(b) {
			Err(
				SpanError::ChecksumMismatch
				| SpanError::Corrupt(_)
				| SpanError::SizeMismatch { .. },
			) => {}
			other => panic!("byte {i}: {other:?}"),
		}
	}
	let mut b = good.clone();
	b.push(0);
	assert!(matches!(SpanIndex::from_bytes(b), Err(SpanError::SizeMismatch { .. })));
	assert!(matches!(
		SpanIndex::from_bytes(b"TRIBIDX\0rest of a gradient index".to_vec()),
		Err(SpanError::BadMagic)
	));
}

#[test]
fn span_truncated_index_is_an_error() {
	let good = small_bytes();
	for n in 0..good.len() {
		match SpanIndex::from_bytes(good[..n].to_vec()) {
			Err(SpanError::Truncated) if n < 112 => {}
			Err(SpanError::SizeMismatch { actual, .. }) if n >= 112 => assert_eq!(actual, n as u64),
			other => panic!("prefix {n}: {other:?}"),
		}
	}
}

/// Recomputes the trailing checksum, as a forger would.
fn reseal(b: &mut [u8]) {
	let n = b.len() - 32;
	let h = sp_crypto_hashing::blake2_256(&b[..n]);
	b[n..].copy_from_slice(&h);
}

#[test]
fn span_crafted_index_with_valid_checksum_never_panics() {
	let good = small_bytes();
	let mut r = tributary_attribution::projection::SplitMix64(11);
	let mut opened = 0;
	for _ in 0..3000 {
		let mut b = good.clone();
		for _ in 0..1 + r.next_u64() % 3 {
			let i = (r.next_u64() % (b.len() as u64 - 32)) as usize;
			b[i] = r.next_u64() as u8;
		}
		reseal(&mut b);
		if let Ok(index) = SpanIndex::from_bytes(b) {
			opened += 1;
			for q in
				["the quick brown fox", "a stitch in time saves nine", "over the lazy dog said the"]
			{
				let _ = index
					.find_spans(q.as_bytes(), &QueryOptions { min_span: 1, max_occurrences: 5 });
			}
		}
	}
	// Most single-byte changes in the streams and suffix arrays pass the table checks.
	assert!(opened > 100, "{opened}");
}

#[test]
fn span_memory_mapped_file() {
	let dir = std::env::temp_dir().join(format!("tributary-span-mmap-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let path = dir.join("text.idx");
	let docs = [doc("1:0", "the quick brown fox jumps over the lazy dog")];
	let report =
		tributary_attribution::span::build_file(&docs, &SpanBuildOptions::default(), &path)
			.unwrap();
	let index = SpanIndex::open(&path).unwrap();
	assert_eq!(index.hash(), report.hash);
	assert_eq!(index.hash(), sp_crypto_hashing::blake2_256(&std::fs::read(&path).unwrap()));
	assert_eq!(report.bytes, std::fs::metadata(&path).unwrap().len());
	// Replaced by rename while open: the open index keeps reading the old file.
	let docs2 = [doc("1:1", "an entirely different text with other words in it")];
	tributary_attribution::span::build_file(&docs2, &SpanBuildOptions::default(), &path).unwrap();
	let r = index
		.find_spans(b"quick brown fox jumps over the lazy dog!", &index.query_options())
		.unwrap();
	assert_eq!(r.spans.len(), 1);
	assert_ne!(SpanIndex::open(&path).unwrap().hash(), index.hash());
	// Truncated on disk, empty, missing.
	let b = std::fs::read(&path).unwrap();
	std::fs::write(&path, &b[..b.len() - 1]).unwrap();
	assert!(matches!(SpanIndex::open(&path), Err(SpanError::SizeMismatch { .. })));
	std::fs::write(&path, b"").unwrap();
	assert!(matches!(SpanIndex::open(&path), Err(SpanError::Truncated)));
	assert!(matches!(SpanIndex::open(&dir.join("missing.idx")), Err(SpanError::Io(..))));
	let _ = std::fs::remove_dir_all(&dir);
}

// ---- real text -----------------------------------------------------------------------

const BOOKS: [(&str, &str); 5] = [
	("pride_and_prejudice.txt", include_str!("../data/gutenberg/pride_and_prejudice.txt")),
	("emma.txt", include_str!("../data/gutenberg/emma.txt")),
	("frankenstein.txt", include_str!("../data/gutenberg/frankenstein.txt")),
	("a_modest_proposal.txt", include_str!("../data/gutenberg/a_modest_proposal.txt")),
	("the_cask_of_amontillado.txt", include_str!("../data/gutenberg/the_cask_of_amontillado.txt")),
];

fn books_index(shard_tokens: u64) -> SpanIndex {
	let docs: Vec<SpanDocument<'_>> = BOOKS
		.iter()
		.map(|(n, t)| SpanDocument { contributor: n, name: n, text: t.as_bytes() })
		.collect();
	let opts = SpanBuildOptions { shard_tokens, ..Default::default() };
	SpanIndex::from_bytes(build_to_vec(&docs, &opts).unwrap().0).unwrap()
}

/// An output quoting Emma and The Cask of Amontillado (line breaks and spacing differ from
/// the books), with new words around and between the quotes.
const OUTPUT: &str = "Here is a short story the model produced for a prompt about two friends. \
It opens gently: Emma Woodhouse, handsome, clever, and rich, with a comfortable home and happy \
disposition, seemed to unite some of the best blessings of existence. Later, in a darker turn \
borrowed from another century, the narrator confesses that the thousand injuries of Fortunato I \
had borne as I best could, but when he ventured upon insult, I vowed revenge. \
Purple kettles whistle over quiet harbours while nobody remembers the tune.";

#[test]
fn span_real_text_attributes_exactly_the_quoted_books() {
	for shard_tokens in [u64::MAX, 20_000] {
		let index = books_index(shard_tokens);
		assert_eq!(index.shards() > 1, shard_tokens == 20_000);
		let r = index.find_spans(OUTPUT.as_bytes(), &index.query_options()).unwrap();
		let shares = r.shares(usize::MAX);
		let mut names: Vec<&str> = shares.iter().map(|s| index.contributor(s.0 as usize)).collect();
		names.sort();
		assert_eq!(names, ["emma.txt", "the_cask_of_amontillado.txt"], "{:#?}", r.spans);
		assert_eq!(shares.iter().map(|s| s.1 as u64).sum::<u64>(), 1_000_000_000);
		// The two quotes are found whole.
		let texts: Vec<&str> = r.spans.iter().map(|s| &OUTPUT[s.bytes.0..s.bytes.1]).collect();
		assert!(
			texts.iter().any(|t| t.starts_with("Emma Woodhouse, handsome")
				&& t.contains("best blessings of existence")),
			"{texts:?}"
		);
		assert!(
			texts
				.iter()
				.any(|t| t.contains("thousand injuries of Fortunato")
					&& t.ends_with("I vowed revenge.")),
			"{texts:?}"
		);
	}
}

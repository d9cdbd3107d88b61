//! Brute-force counterparts of the index, for the property tests (the reference) and the
//! benchmarks (the baseline). They share only the tokeniser with the index: token ids are
//! assigned here in order of first appearance, matches are found by scanning every
//! document position, and maximality is checked against every other span.

use super::{index::SpanDocument, rarity_weight, tokenizer, SpanError};
use std::collections::HashMap;

/// The suffix array of `text` by comparison sorting (`O(n log n)` suffix comparisons):
/// suffixes compare as slices, so a suffix that is a prefix of another sorts first.
pub fn suffix_array(text: &[u32]) -> Vec<u64> {
	let mut sa: Vec<u64> = (0..text.len() as u64).collect();
	sa.sort_unstable_by(|&a, &b| text[a as usize..].cmp(&text[b as usize..]));
	sa
}

/// A corpus tokenised for brute force: each document's token ids (first appearance order)
/// and contribution, and the id map.
pub struct NaiveCorpus<'a> {
	/// Token ids of each document.
	pub docs: Vec<Vec<u32>>,
	/// Contribution of each document (first appearance order of the ids).
	pub contribution: Vec<u32>,
	/// Number of contributions.
	pub contributions: usize,
	ids: HashMap<&'a str, u32>,
}

impl<'a> NaiveCorpus<'a> {
	/// Tokenises `docs` (UTF-8 checked).
	pub fn new(docs: &[SpanDocument<'a>]) -> Result<NaiveCorpus<'a>, SpanError> {
		let mut ids: HashMap<&'a str, u32> = HashMap::new();
		let mut cids: HashMap<&'a str, u32> = HashMap::new();
		let mut out = Vec::new();
		let mut contribution = Vec::new();
		for d in docs {
			let text = tokenizer::validate(d.text, d.name)?;
			let next = cids.len() as u32;
			contribution.push(*cids.entry(d.contributor).or_insert(next));
			let mut v = Vec::new();
			for (a, b) in tokenizer::tokenize(text) {
				let next = ids.len() as u32 + 1;
				v.push(*ids.entry(&text[a..b]).or_insert(next));
			}
			out.push(v);
		}
		Ok(NaiveCorpus { docs: out, contribution, contributions: cids.len(), ids })
	}

	/// The query's token byte ranges and ids (0 for a token the corpus lacks).
	pub fn query(&self, query: &'a [u8]) -> Result<super::matcher::QueryTokens, SpanError> {
		let text = tokenizer::validate(query, "query")?;
		let ranges: Vec<(usize, usize)> = tokenizer::tokenize(text).collect();
		let ids =
			ranges.iter().map(|&(a, b)| self.ids.get(&text[a..b]).copied().unwrap_or(0)).collect();
		Ok((ranges, ids))
	}

	/// `L[i]`: the longest prefix of `q[i..]` found in a document, by scanning every
	/// position of every document (`O(m · N · ℓ)`).
	pub fn longest_matches(&self, q: &[u32]) -> Vec<usize> {
		(0..q.len())
			.map(|i| {
				let mut best = 0;
				for d in &self.docs {
					for p in 0..d.len() {
						let l = d[p..]
							.iter()
							.zip(&q[i..])
							.take_while(|(a, b)| a == b && **b != 0)
							.count();
						best = best.max(l);
					}
				}
				best
			})
			.collect()
	}

	/// Every occurrence `(document, position)` of `span`, in document and position order.
	pub fn occurrences(&self, span: &[u32]) -> Vec<(usize, usize)> {
		let mut out = Vec::new();
		for (di, d) in self.docs.iter().enumerate() {
			if d.len() < span.len() {
				continue;
			}
			for p in 0..=d.len() - span.len() {
				if &d[p..p + span.len()] == span {
					out.push((di, p));
				}
			}
		}
		out
	}
}

/// A span found by brute force, with all its occurrences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NaiveSpan {
	/// First token.
	pub start: usize,
	/// Length in tokens.
	pub len: usize,
	/// `(document, position)` of every occurrence.
	pub occurrences: Vec<(usize, usize)>,
}

/// The maximal matching spans of at least `min_span` tokens, by brute force: a span is
/// kept unless some other matching span strictly contains it.
pub fn find_spans(corpus: &NaiveCorpus<'_>, q: &[u32], min_span: usize) -> Vec<NaiveSpan> {
	let l = corpus.longest_matches(q);
	let mut out = Vec::new();
	for i in 0..q.len() {
		if l[i] == 0 || l[i] < min_span {
			continue;
		}
		let contained = (0..q.len()).any(|j| j < i && j + l[j] >= i + l[i] && l[j] > 0);
		if contained {
			continue;
		}
		out.push(NaiveSpan {
			start: i,
			len: l[i],
			occurrences: corpus.occurrences(&q[i..i + l[i]]),
		});
	}
	out
}

/// Contribution scores by the span method's rule when every occurrence is read:
/// `Σ_spans ℓ·w(C)·n_c / C`, accumulated in span order and, within a span, by contribution.
pub fn scores(corpus: &NaiveCorpus<'_>, spans: &[NaiveSpan]) -> Vec<f64> {
	let mut s = vec![0.0; corpus.contributions];
	for sp in spans {
		let c = sp.occurrences.len() as u64;
		let credit = sp.len as f64 * rarity_weight(c);
		let mut per: Vec<u32> = vec![0; corpus.contributions];
		for &(d, _) in &sp.occurrences {
			per[corpus.contribution[d] as usize] += 1;
		}
		for (ci, &n) in per.iter().enumerate() {
			if n > 0 {
				s[ci] += credit * n as f64 / c as f64;
			}
		}
	}
	s
}

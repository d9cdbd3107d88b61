//! Queries: the maximal spans of an output that occur in the corpus, and their credit
//! (the rules are in the [module docs](super)).
//!
//! Per shard, `L_s[i]` (the longest prefix of `q[i..]` in the shard) and its suffix-array
//! interval are found left to right using `L_s[i+1] ≥ L_s[i] − 1`: the interval of
//! `q[i+1..i+L_s[i])` by one binary search over whole token sequences, then one narrowing
//! binary search per further token (the suffixes of an interval that share `ℓ` tokens are
//! sorted by their token `ℓ`). `L[i] = max_s L_s[i]`; the occurrences of the span at `i`
//! are the intervals of the shards with `L_s[i] = L[i]`. Documents end with the separator
//! id 0, which no query token has, so no match crosses a document boundary.

use super::{rarity_weight, reader::ShardInfo, tokenizer, SpanError, SpanIndex};
use std::cmp::Ordering;

/// The parameters of a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryOptions {
	/// Minimum span length in tokens (≥ 1).
	pub min_span: u32,
	/// Occurrences read per span at most (≥ 1).
	pub max_occurrences: u32,
}

/// A query's token byte ranges and token ids (0: not in the vocabulary).
pub type QueryTokens = (Vec<(usize, usize)>, Vec<u32>);

/// One credited span of a query.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanMatch {
	/// First token (index into the query's tokens).
	pub start: usize,
	/// Length in tokens (≥ `min_span`).
	pub len: usize,
	/// Byte range of the span in the query text (first token's start, last token's end).
	pub bytes: (usize, usize),
	/// Occurrences in the corpus, `C`.
	pub count: u64,
	/// Occurrences read, `k = min(C, max_occurrences)`.
	pub read: u32,
	/// Rarity weight `w(C) = 1 / log₂(1 + C)`.
	pub weight: f64,
	/// The span's credit `len · w(C)`, split over the `read` occurrences.
	pub credit: f64,
	/// `(contribution, occurrences among those read)`, by contribution index.
	pub contributions: Vec<(u32, u32)>,
}

/// The result of a query.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanResult {
	/// Number of tokens of the query.
	pub query_tokens: usize,
	/// Credited spans, by start.
	pub spans: Vec<SpanMatch>,
	/// Score of each contribution (index order): the sum of its span credits.
	pub scores: Vec<f64>,
}

impl SpanResult {
	/// `(contribution, parts per billion)` of the top `max_entries` scores, summing to 10⁹
	/// ([`crate::shares::shares`]).
	pub fn shares(&self, max_entries: usize) -> Vec<(u32, u32)> {
		crate::shares::shares(&self.scores, max_entries)
	}
}

/// Matches of at least this many tokens skip the positions they contain by binary search
/// (`log₂ ℓ` searches instead of `ℓ − 1`).
const SKIP_FROM: usize = 4;

/// Per shard and query position: longest match length and its suffix-array interval.
struct ShardMatches {
	len: Vec<usize>,
	interval: Vec<(u64, u64)>,
}

impl SpanIndex {
	/// The index's default query parameters.
	pub fn query_options(&self) -> QueryOptions {
		QueryOptions { min_span: self.min_span(), max_occurrences: self.max_occurrences() }
	}

	/// The query's token byte ranges and ids (0 for a token not in the vocabulary).
	pub fn query_tokens(&self, query: &[u8]) -> Result<QueryTokens, SpanError> {
		let text = tokenizer::validate(query, "query")?;
		let ranges: Vec<(usize, usize)> = tokenizer::tokenize(text).collect();
		let ids = ranges.iter().map(|&(a, b)| self.token_id(&query[a..b]).unwrap_or(0)).collect();
		Ok((ranges, ids))
	}

	/// Compares the shard's stream at `p` with `q` over `q.len()` tokens.
	fn cmp_at(&self, s: &ShardInfo, p: u64, q: &[u32]) -> Ordering {
		for (k, &t) in q.iter().enumerate() {
			let c = self.stream_token(s, p + k as u64);
			match c.cmp(&t) {
				Ordering::Equal => {}
				o => return o,
			}
		}
		Ordering::Equal
	}

	/// The suffix-array interval of the suffixes that start with `q`.
	fn interval(&self, s: &ShardInfo, q: &[u32]) -> (u64, u64) {
		let n = s.suffixes();
		let (mut lo, mut hi) = (0u64, n);
		while lo < hi {
			let mid = lo + (hi - lo) / 2;
			if self.cmp_at(s, self.suffix(s, mid), q) == Ordering::Less {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		let first = lo;
		hi = n;
		while lo < hi {
			let mid = lo + (hi - lo) / 2;
			if self.cmp_at(s, self.suffix(s, mid), q) == Ordering::Greater {
				hi = mid;
			} else {
				lo = mid + 1;
			}
		}
		(first, lo)
	}

	/// Narrows `[lo, hi)` (suffixes sharing `depth` tokens) to those whose token `depth`
	/// is `tok`.
	fn narrow(&self, s: &ShardInfo, (lo, hi): (u64, u64), depth: u64, tok: u32) -> (u64, u64) {
		let key = |j: u64| self.stream_token(s, self.suffix(s, j) + depth);
		let (mut a, mut b) = (lo, hi);
		while a < b {
			let mid = a + (b - a) / 2;
			if key(mid) < tok {
				a = mid + 1;
			} else {
				b = mid;
			}
		}
		let first = a;
		b = hi;
		while a < b {
			let mid = a + (b - a) / 2;
			if key(mid) > tok {
				b = mid;
			} else {
				a = mid + 1;
			}
		}
		(first, a)
	}

	/// `L_s[i]` and intervals for one shard. After the longest match `q[i..e)` at `i`, the
	/// next position whose match reaches past `e` is the smallest `j ∈ (i, e]` with
	/// `q[j..e+1]` in the shard (that property is monotone in `j`), found by binary search;
	/// every position strictly between has `L_s = e − j` exactly and is contained in the
	/// match at `i`, so it is never a maximal span of this shard and keeps no interval.
	fn shard_matches(&self, s: &ShardInfo, q: &[u32]) -> ShardMatches {
		let m = q.len();
		let mut len = vec![0usize; m];
		let mut interval = vec![(0u64, 0u64); m];
		let full = (0, s.suffixes());
		let mut l = 0usize;
		let mut i = 0usize;
		// The interval of q[i..i+l] when the skip below found it.
		let mut known: Option<(u64, u64)> = None;
		while i < m {
			if q[i] == 0 {
				l = 0;
				i += 1;
				continue;
			}
			let mut iv = match known.take() {
				Some(iv) => iv,
				None if l == 0 => full,
				None => self.interval(s, &q[i..i + l]),
			};
			if iv.0 >= iv.1 {
				// Only in a corrupt index: restart from nothing.
				l = 0;
				iv = full;
			}
			while i + l < m && q[i + l] != 0 {
				let next = self.narrow(s, iv, l as u64, q[i + l]);
				if next.0 >= next.1 {
					break;
				}
				iv = next;
				l += 1;
			}
			if l == 0 {
				i += 1;
				continue;
			}
			len[i] = l;
			interval[i] = iv;
			let e = i + l;
			if l < SKIP_FROM {
				// Short match: the next position costs one search anyway.
				l -= 1;
				i += 1;
				continue;
			}
			// The first j in (i, e] whose match passes e (e + 1 if none; no j can pass the
			// end of the query or an unknown token).
			let (mut lo, mut hi) = (i + 1, e + 1);
			if e < m && q[e] != 0 {
				while lo < hi {
					let mid = lo + (hi - lo) / 2;
					let found = self.interval(s, &q[mid..e + 1]);
					if found.0 < found.1 {
						hi = mid;
						known = Some(found);
					} else {
						lo = mid + 1;
					}
				}
				if lo > e {
					known = None;
				}
			} else {
				lo = e + 1;
			}
			let next = lo.min(e);
			for (j, slot) in len.iter_mut().enumerate().take(next).skip(i + 1) {
				*slot = e - j;
			}
			if lo <= e {
				// q[lo..e+1] occurs: carry its length.
				l = e + 1 - lo;
				i = lo;
			} else {
				// Nothing passes e: the positions up to e are done (L_s[e] is computed
				// afresh when e < m).
				l = 0;
				i = e;
			}
		}
		ShardMatches { len, interval }
	}

	/// The maximal spans of `query` (UTF-8 output text) of at least `opts.min_span` tokens
	/// that occur in the corpus, their occurrences and credit, and the contributions'
	/// scores. Errors: [`SpanError::InvalidUtf8`], [`SpanError::EmptyQuery`],
	/// [`SpanError::ZeroMinSpan`], [`SpanError::ZeroMaxOccurrences`], and
	/// [`SpanError::NoSpan`] when no span qualifies.
	pub fn find_spans(&self, query: &[u8], opts: &QueryOptions) -> Result<SpanResult, SpanError> {
		if opts.min_span == 0 {
			return Err(SpanError::ZeroMinSpan);
		}
		if opts.max_occurrences == 0 {
			return Err(SpanError::ZeroMaxOccurrences);
		}
		let (ranges, q) = self.query_tokens(query)?;
		if q.is_empty() {
			return Err(SpanError::EmptyQuery);
		}
		let per_shard: Vec<ShardMatches> = if self.shards.len() > 1 {
			use rayon::prelude::*;
			self.shards.par_iter().map(|s| self.shard_matches(s, &q)).collect()
		} else {
			self.shards.iter().map(|s| self.shard_matches(s, &q)).collect()
		};
		let m = q.len();
		let best: Vec<usize> =
			(0..m).map(|i| per_shard.iter().map(|r| r.len[i]).max().unwrap_or(0)).collect();
		let mut scores = vec![0.0f64; self.contributions()];
		let mut spans = Vec::new();
		for i in 0..m {
			let l = best[i];
			let maximal = i == 0 || l >= best[i - 1];
			if l == 0 || !maximal || l < opts.min_span as usize {
				continue;
			}
			let parts: Vec<(usize, u64, u64)> = per_shard
				.iter()
				.enumerate()
				.filter(|(_, r)| r.len[i] == l)
				.map(|(si, r)| {
					// A shard's skipped position is never maximal (`shard_matches`); look
					// its interval up all the same should one be.
					let (lo, hi) = match r.interval[i] {
						(a, b) if a < b => (a, b),
						_ => self.interval(&self.shards[si], &q[i..i + l]),
					};
					(si, lo, hi - lo)
				})
				.collect();
			let count: u64 = parts.iter().map(|p| p.2).sum();
			if count == 0 {
				continue;
			}
			let cap = opts.max_occurrences as u64;
			let read = count.min(cap);
			let mut contribs: Vec<u32> = Vec::with_capacity(read as usize);
			let mut occurrence = |t: u64| {
				// Occurrence `t` of the list of every shard's interval, in shard order.
				let mut t = t;
				for &(si, lo, n) in &parts {
					if t < n {
						let s = &self.shards[si];
						let doc = self.document_at(s, self.suffix(s, lo + t));
						contribs.push(self.document_contribution(doc));
						return;
					}
					t -= n;
				}
			};
			if count <= cap {
				(0..count).for_each(&mut occurrence);
			} else {
				(0..cap).for_each(|j| occurrence((j as u128 * count as u128 / cap as u128) as u64));
			}
			contribs.sort_unstable();
			let mut per: Vec<(u32, u32)> = Vec::new();
			for c in contribs {
				match per.last_mut() {
					Some((pc, n)) if *pc == c => *n += 1,
					_ => per.push((c, 1)),
				}
			}
			let weight = rarity_weight(count);
			let credit = l as f64 * weight;
			for &(c, n) in &per {
				if let Some(sc) = scores.get_mut(c as usize) {
					*sc += credit * n as f64 / read as f64;
				}
			}
			spans.push(SpanMatch {
				start: i,
				len: l,
				bytes: (ranges[i].0, ranges[i + l - 1].1),
				count,
				read: read as u32,
				weight,
				credit,
				contributions: per,
			});
		}
		if spans.is_empty() {
			return Err(SpanError::NoSpan { min_span: opts.min_span });
		}
		Ok(SpanResult { query_tokens: m, spans, scores })
	}

	/// The on-chain result for a query with the index's own parameters: `(contribution
	/// index, parts per billion)` of the top `max_entries` scores, summing to exactly 10⁹.
	/// A query without a qualifying span is [`SpanError::NoSpan`] (nothing to pay for).
	pub fn attribute(
		&self,
		query: &[u8],
		max_entries: usize,
	) -> Result<Vec<(u32, u32)>, SpanError> {
		Ok(self.find_spans(query, &self.query_options())?.shares(max_entries))
	}

	/// The attestation bytes of a query, encoded as for gradient indexes
	/// ([`crate::index::attestation_bytes`]): every contribution score's f64 bits, then the
	/// shares of [`SpanIndex::attribute`].
	pub fn attestation(&self, query: &[u8], max_entries: usize) -> Result<Vec<u8>, SpanError> {
		let r = self.find_spans(query, &self.query_options())?;
		Ok(crate::index::attestation_bytes(&r.scores, max_entries))
	}
}

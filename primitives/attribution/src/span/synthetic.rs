//! A deterministic synthetic text corpus for benchmarks (`examples/bench_span.rs`,
//! `benches/span.rs`): English-like text whose word frequencies follow Zipf's law.
//!
//! Words: the distinct words of the shipped public-domain texts (`data/gutenberg/`), most
//! frequent first, then generated syllable words, `vocabulary` in all; word of rank `r`
//! (from 1) is drawn with probability ∝ `1/r`. Sentences of 4–24 words end with `.`, `?`
//! or `!`, with a comma after a word one time in ten; documents are 2 000–40 000 words.

use crate::projection::SplitMix64;

const BOOKS: [&str; 5] = [
	include_str!("../../data/gutenberg/pride_and_prejudice.txt"),
	include_str!("../../data/gutenberg/emma.txt"),
	include_str!("../../data/gutenberg/frankenstein.txt"),
	include_str!("../../data/gutenberg/a_modest_proposal.txt"),
	include_str!("../../data/gutenberg/the_cask_of_amontillado.txt"),
];

/// A Zipf word sampler.
pub struct Words {
	words: Vec<String>,
	/// Cumulative weights.
	cum: Vec<f64>,
}

impl Words {
	/// `vocabulary` words (≥ the books' own), Zipf weights.
	pub fn new(vocabulary: usize) -> Words {
		let mut count: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
		for b in BOOKS {
			for w in b.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()) {
				*count.entry(w).or_default() += 1;
			}
		}
		let mut real: Vec<(&str, u64)> = count.into_iter().collect();
		real.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
		let mut words: Vec<String> = real.iter().map(|w| w.0.to_string()).collect();
		const SYL: [&str; 24] = [
			"ka", "lo", "mi", "ne", "ru", "ta", "ve", "so", "pri", "dan", "hel", "mor", "qui",
			"sta", "ber", "lin", "gor", "fe", "zu", "an", "ol", "is", "en", "um",
		];
		let mut r = SplitMix64(0x5eed);
		while words.len() < vocabulary {
			let n = 2 + (r.next_u64() % 3) as usize;
			let w: String =
				(0..n).map(|_| SYL[(r.next_u64() % SYL.len() as u64) as usize]).collect();
			words.push(w);
		}
		let mut acc = 0.0;
		let cum = (0..words.len())
			.map(|i| {
				acc += 1.0 / (i + 1) as f64;
				acc
			})
			.collect();
		Words { words, cum }
	}

	/// A word drawn from the Zipf distribution.
	pub fn draw(&self, r: &mut SplitMix64) -> &str {
		let total = *self.cum.last().unwrap_or(&1.0);
		let u = r.next_f64() * total;
		let i = self.cum.partition_point(|&c| c <= u).min(self.words.len() - 1);
		&self.words[i]
	}

	/// `n` words of running text (sentences with punctuation), appended to `out`.
	pub fn text(&self, r: &mut SplitMix64, n: usize, out: &mut String) {
		let mut left_in_sentence = 0u64;
		for _ in 0..n {
			if left_in_sentence == 0 {
				left_in_sentence = 4 + r.next_u64() % 21;
			}
			out.push_str(self.draw(r));
			left_in_sentence -= 1;
			if left_in_sentence == 0 {
				out.push_str([".", ".", ".", "?", "!"][(r.next_u64() % 5) as usize]);
				out.push(if r.next_u64().is_multiple_of(6) { '\n' } else { ' ' });
			} else if r.next_u64().is_multiple_of(10) {
				out.push_str(", ");
			} else {
				out.push(' ');
			}
		}
	}
}

/// Documents `(contributor id, text)` of about `bytes` bytes in total, ids `1:0`, `1:1`, ….
pub fn corpus(bytes: usize, vocabulary: usize, seed: u64) -> Vec<(String, String)> {
	let words = Words::new(vocabulary);
	let mut r = SplitMix64(seed);
	let mut out = Vec::new();
	let mut total = 0;
	while total < bytes {
		let n = 2_000 + (r.next_u64() % 38_000) as usize;
		let mut t = String::with_capacity(n * 7);
		words.text(&mut r, n, &mut t);
		total += t.len();
		out.push((format!("1:{}", out.len()), t));
	}
	out
}

/// A model output of about `tokens` tokens: `quotes` passages of `quote_tokens` tokens
/// copied from random documents, between runs of new Zipf words.
pub fn output(
	docs: &[(String, String)],
	tokens: usize,
	quotes: usize,
	quote_tokens: usize,
	vocabulary: usize,
	seed: u64,
) -> String {
	let words = Words::new(vocabulary);
	let mut r = SplitMix64(seed);
	let mut out = String::new();
	let new_words = tokens.saturating_sub(quotes * quote_tokens) / (quotes + 1);
	for q in 0..=quotes {
		words.text(&mut r, new_words * 9 / 10, &mut out);
		if q == quotes {
			break;
		}
		let (_, d) = &docs[(r.next_u64() % docs.len() as u64) as usize];
		let toks: Vec<(usize, usize)> = super::tokenize(d).collect();
		if toks.len() > quote_tokens {
			let s = (r.next_u64() % (toks.len() - quote_tokens) as u64) as usize;
			out.push_str(&d[toks[s].0..toks[s + quote_tokens - 1].1]);
			out.push(' ');
		}
	}
	out
}

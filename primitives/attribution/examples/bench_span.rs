//! Span method performance, printed as a Markdown table, with the naive baselines measured
//! in the same run:
//!
//! * index build (tokenise, vocabulary, libsais suffix arrays, write + checksum) in MB/s of
//!   input text, and suffix-array construction alone: libsais vs comparison sorting
//!   (`naive::suffix_array`) of the same token stream;
//! * peak memory of the build (Linux `VmHWM`, reset before the build);
//! * opening the index (memory map + checksum pass);
//! * query latency for a ~200-token output (3 quoted passages of 30 tokens between new
//!   words): the suffix-array matcher vs the brute-force scan (`naive::find_spans`);
//! * bytes of index per corpus token.
//!
//! ```text
//! cargo run --release --example bench_span -- --mb 20 [--shard-tokens N] [--queries 50]
//!     [--naive-queries 2] [--vocabulary 200000] [--dir /tmp]
//! ```
//! The corpus is `span::synthetic::corpus` (Zipf words, deterministic); the input files
//! are in memory (file reading is not part of the build time).

use std::{hint::black_box, time::Instant};
use tributary_attribution::span::{
	build_file, naive, synthetic, QueryOptions, SpanBuildOptions, SpanDocument, SpanIndex,
};

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
	args.iter()
		.position(|a| a == name)
		.and_then(|i| args.get(i + 1))
		.and_then(|v| v.parse().ok())
		.unwrap_or(default)
}

/// Minor page faults of this process so far (`/proc/self/stat`, field 10).
fn minor_faults() -> u64 {
	let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
	// Fields after the command name (which ends with the last ')').
	s.rsplit_once(')')
		.and_then(|(_, rest)| rest.split_whitespace().nth(7))
		.and_then(|v| v.parse().ok())
		.unwrap_or(0)
}

/// A `/proc/self/status` field in MiB.
fn status_mib(field: &str) -> f64 {
	let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
	s.lines()
		.find(|l| l.starts_with(field))
		.and_then(|l| l.split_whitespace().nth(1))
		.and_then(|k| k.parse::<f64>().ok())
		.map(|kb| kb / 1024.0)
		.unwrap_or(f64::NAN)
}

fn main() {
	let args: Vec<String> = std::env::args().collect();
	let mb: f64 = arg(&args, "--mb", 20.0);
	let shard_tokens: u64 = arg(&args, "--shard-tokens", SpanBuildOptions::default().shard_tokens);
	let queries: usize = arg(&args, "--queries", 50);
	let naive_queries: usize = arg(&args, "--naive-queries", 2);
	let vocabulary: usize = arg(&args, "--vocabulary", 200_000);
	let dir: String = arg(&args, "--dir", std::env::temp_dir().display().to_string());

	let t = Instant::now();
	let corpus = synthetic::corpus((mb * 1e6) as usize, vocabulary, 1);
	let bytes: usize = corpus.iter().map(|d| d.1.len()).sum();
	eprintln!(
		"corpus: {} documents, {:.1} MB, generated in {:.1}s",
		corpus.len(),
		bytes as f64 / 1e6,
		t.elapsed().as_secs_f64()
	);
	let docs: Vec<SpanDocument<'_>> = corpus
		.iter()
		.map(|(id, text)| SpanDocument { contributor: id, name: id, text: text.as_bytes() })
		.collect();

	// Build.
	let path = std::path::Path::new(&dir).join(format!("bench-span-{}.idx", std::process::id()));
	let _ = std::fs::write("/proc/self/clear_refs", "5");
	let rss_before = status_mib("VmRSS:");
	let opts = SpanBuildOptions { shard_tokens, ..Default::default() };
	let t = Instant::now();
	let report = build_file(&docs, &opts, &path).expect("build");
	let build_s = t.elapsed().as_secs_f64();
	let peak = status_mib("VmHWM:");
	let tokens = report.tokens;

	// Suffix-array construction alone, libsais vs sorting, on the same stream.
	let nc = naive::NaiveCorpus::new(&docs).expect("naive corpus");
	let mut stream: Vec<u32> = Vec::with_capacity(tokens as usize + docs.len());
	for d in &nc.docs {
		stream.extend_from_slice(d);
		stream.push(0);
	}
	let k = stream.iter().copied().max().unwrap_or(0) as u64 + 1;
	let t = Instant::now();
	let sa = tributary_attribution::span::index::suffix_array(&stream, k).expect("libsais");
	let sais_s = t.elapsed().as_secs_f64();
	let t = Instant::now();
	let sa_sorted = naive::suffix_array(&stream);
	let sort_s = t.elapsed().as_secs_f64();
	assert_eq!(sa, sa_sorted, "libsais and sorting disagree");
	drop((sa, sa_sorted, stream));

	// Open (map + checksum).
	let t = Instant::now();
	let index = SpanIndex::open(&path).expect("open");
	let open_s = t.elapsed().as_secs_f64();

	// Queries.
	let outputs: Vec<String> = (0..queries.max(naive_queries))
		.map(|i| synthetic::output(&corpus, 200, 3, 30, vocabulary, 100 + i as u64))
		.collect();
	let qtokens: Vec<usize> =
		outputs.iter().map(|o| tributary_attribution::span::tokenize(o).count()).collect();
	let qo = QueryOptions { min_span: 8, max_occurrences: 1000 };
	for o in outputs.iter().take(3) {
		black_box(index.find_spans(o.as_bytes(), &qo).ok());
	}
	let mut lat: Vec<f64> = Vec::new();
	let mut spans = 0usize;
	let faults_before = minor_faults();
	for o in outputs.iter().take(queries) {
		let t = Instant::now();
		let r = index.find_spans(o.as_bytes(), &qo);
		lat.push(t.elapsed().as_secs_f64());
		spans += r.map(|r| r.spans.len()).unwrap_or(0);
	}
	let faults_per_query = (minor_faults() - faults_before) as f64 / lat.len().max(1) as f64;
	lat.sort_by(f64::total_cmp);
	let median = lat[lat.len() / 2];
	let p95 = lat[(lat.len() * 95 / 100).min(lat.len() - 1)];
	let mut naive_lat = Vec::new();
	for o in outputs.iter().take(naive_queries) {
		let t = Instant::now();
		let (_, q) = nc.query(o.as_bytes()).expect("query");
		let found = naive::find_spans(&nc, &q, 8);
		naive_lat.push(t.elapsed().as_secs_f64());
		let r = index.find_spans(o.as_bytes(), &qo).expect("spans");
		let a: Vec<(usize, usize)> = r.spans.iter().map(|s| (s.start, s.len)).collect();
		let b: Vec<(usize, usize)> = found.iter().map(|s| (s.start, s.len)).collect();
		assert_eq!(a, b, "index and brute force disagree");
	}
	let naive_mean = naive_lat.iter().sum::<f64>() / naive_lat.len().max(1) as f64;

	let mbps = |s: f64| bytes as f64 / 1e6 / s;
	println!("| measure | value |");
	println!("|---|---|");
	println!(
		"| corpus | {:.1} MB, {} documents, {} tokens, vocabulary {} |",
		bytes as f64 / 1e6,
		report.documents,
		tokens,
		report.vocabulary
	);
	println!("| shards | {} (shard bound {} tokens) |", report.shards, shard_tokens);
	println!(
		"| index build | {:.2} s = **{:.1} MB/s** (tokenise + vocabulary {:.2} s, libsais {:.2} s, write + checksum {:.2} s) |",
		build_s, mbps(build_s), report.seconds[0], report.seconds[1], report.seconds[2]
	);
	println!(
		"| suffix array alone, libsais | {:.2} s ({:.1} M tokens/s) |",
		sais_s,
		tokens as f64 / 1e6 / sais_s
	);
	println!(
		"| suffix array alone, naive comparison sort | {:.2} s ({:.1}× libsais) |",
		sort_s,
		sort_s / sais_s
	);
	println!("| peak memory during build (VmHWM) | {:.0} MiB ({:.0} MiB before, corpus text in memory) |", peak, rss_before);
	println!(
		"| index size | {} bytes = **{:.2} bytes/token** |",
		report.bytes,
		report.bytes as f64 / tokens as f64
	);
	println!("| open (map + checksum) | {:.1} ms |", open_s * 1e3);
	println!(
		"| query, ~{} tokens, suffix array | median **{:.3} ms**, p95 {:.3} ms ({} queries, {:.1} spans each, {:.0} minor page faults each) |",
		qtokens.iter().sum::<usize>() / qtokens.len().max(1),
		median * 1e3,
		p95 * 1e3,
		lat.len(),
		spans as f64 / lat.len() as f64,
		faults_per_query
	);
	println!(
		"| query, brute-force scan | {:.0} ms ({} queries; {:.0}× the index) |",
		naive_mean * 1e3,
		naive_lat.len(),
		naive_mean / median
	);
	drop(index);
	let _ = std::fs::remove_file(&path);
}

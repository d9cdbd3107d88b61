//! Criterion benchmarks of the span method (the Markdown table of the README comes from
//! `examples/bench_span.rs`, which also measures build throughput and index size):
//!
//! * query latency for a ~200-token output, suffix-array index vs the brute-force scan,
//!   on a synthetic corpus of `SPAN_BENCH_MB` MB (default 5);
//! * index build of the same corpus, and suffix-array construction alone: libsais vs
//!   comparison sorting.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tributary_attribution::span::{
	index::{build_to_vec, suffix_array},
	naive, synthetic, QueryOptions, SpanBuildOptions, SpanDocument, SpanIndex,
};

fn mb() -> f64 {
	std::env::var("SPAN_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(5.0)
}

fn span(c: &mut Criterion) {
	let corpus = synthetic::corpus((mb() * 1e6) as usize, 200_000, 1);
	let bytes: usize = corpus.iter().map(|d| d.1.len()).sum();
	let docs: Vec<SpanDocument<'_>> = corpus
		.iter()
		.map(|(id, t)| SpanDocument { contributor: id, name: id, text: t.as_bytes() })
		.collect();
	let opts = SpanBuildOptions::default();
	let index = SpanIndex::from_bytes(build_to_vec(&docs, &opts).unwrap().0).unwrap();
	let output = synthetic::output(&corpus, 200, 3, 30, 200_000, 100);
	let qo = QueryOptions { min_span: 8, max_occurrences: 1000 };
	let nc = naive::NaiveCorpus::new(&docs).unwrap();

	let mut g = c.benchmark_group(format!("span_query_200_tokens_{:.0}mb", bytes as f64 / 1e6));
	g.sample_size(10);
	g.bench_function("suffix_array_index", |b| {
		b.iter(|| black_box(index.find_spans(output.as_bytes(), &qo).unwrap().spans.len()))
	});
	g.bench_function("brute_force_scan", |b| {
		b.iter(|| {
			let (_, q) = nc.query(output.as_bytes()).unwrap();
			black_box(naive::find_spans(&nc, &q, 8).len())
		})
	});
	g.finish();

	let mut g = c.benchmark_group(format!("span_build_{:.0}mb", bytes as f64 / 1e6));
	g.sample_size(10);
	g.throughput(Throughput::Bytes(bytes as u64));
	g.bench_function("index_build", |b| {
		b.iter(|| black_box(build_to_vec(&docs, &opts).unwrap().1.bytes))
	});
	let mut stream: Vec<u32> = Vec::new();
	for d in &nc.docs {
		stream.extend_from_slice(d);
		stream.push(0);
	}
	let k = stream.iter().copied().max().unwrap_or(0) as u64 + 1;
	g.bench_function("suffix_array_libsais", |b| {
		b.iter(|| black_box(suffix_array(&stream, k).unwrap().len()))
	});
	g.bench_function("suffix_array_sort", |b| {
		b.iter(|| black_box(naive::suffix_array(&stream).len()))
	});
	g.finish();
}

criterion_group!(benches, span);
criterion_main!(benches);

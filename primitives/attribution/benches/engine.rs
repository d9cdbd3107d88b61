//! Criterion benchmarks of query scoring (the numbers in the README come from
//! `scripts/bench/engine.sh`, which also runs the index build against NumPy).
//!
//! * per-example scoring, N = 10⁶ rows, k = 512, f32, vs a plain streaming read;
//! * batched (8 queries per pass);
//! * contribution-level query through the no_std core API, G = 10⁴, k = 512.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tributary_attribution::{kernel, projection::SplitMix64};

fn random_f32(n: usize, seed: u64) -> Vec<f32> {
	let mut r = SplitMix64(seed);
	(0..n).map(|_| (r.next_f64() - 0.5) as f32).collect()
}

fn stream_read(x: &[f32]) -> u32 {
	let mut acc = [0u32; 32];
	for c in x.chunks_exact(32) {
		for l in 0..32 {
			acc[l] = acc[l].wrapping_add(c[l].to_bits());
		}
	}
	acc.iter().fold(0u32, |a, b| a.wrapping_add(*b))
}

fn per_example(c: &mut Criterion) {
	let (n, k) = (1_000_000usize, 512usize);
	let rows = random_f32(n * k, 1);
	let phi: Vec<f64> = random_f32(k, 2).iter().map(|&x| x as f64).collect();
	let phis: Vec<f64> = random_f32(8 * k, 3).iter().map(|&x| x as f64).collect();
	let mut out = vec![0.0; n];
	let mut outb = vec![0.0; 8 * n];
	let mut g = c.benchmark_group("per_example_n1e6_k512");
	g.sample_size(10);
	g.throughput(Throughput::Bytes((n * k * 4) as u64));
	g.bench_function("streaming_read", |b| b.iter(|| black_box(stream_read(&rows))));
	g.bench_function("score_one_query", |b| {
		b.iter(|| {
			kernel::score_rows(&phi, &rows, &mut out);
			black_box(out[0])
		})
	});
	g.bench_function("score_8_queries_batched", |b| {
		b.iter(|| {
			kernel::score_rows_batch(&phis, k, &rows, &mut outb);
			black_box(outb[0])
		})
	});
	g.finish();
}

fn contribution(c: &mut Criterion) {
	let (index, query) = tributary_attribution::fixture::projected_index(999, 10_000, 512);
	let mut g = c.benchmark_group("contribution_g1e4_k512_p1000");
	g.sample_size(20);
	g.bench_function("attribute_top64", |b| {
		b.iter(|| black_box(index.attribute(&query, 64).unwrap()))
	});
	g.finish();
}

criterion_group!(benches, per_example, contribution);
criterion_main!(benches);

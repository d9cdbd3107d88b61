//! Engine performance numbers (see `scripts/bench/engine.sh`), printed as a Markdown table.
//!
//! * per-example query scoring, N = 10⁶, k = 512, f32: time per query vs a plain
//!   streaming read of the same bytes in the same run; batched queries;
//! * contribution-level query in the no_std core (`Index::score`, projected index with
//!   p = 1,000, k = 512, G = 10⁴), query parsing and gradient included;
//! * index build (`--build X.npy Y.npy`): N × p logistic, exact method, G = 100.

use std::{hint::black_box, time::Instant};
use tributary_attribution::{
	build::BuildOptions, data::Dataset, kernel, projection::SplitMix64, Family, Index, Method,
};

fn best_of<F: FnMut() -> f64>(reps: usize, mut f: F) -> f64 {
	let mut best = f64::INFINITY;
	for _ in 0..reps {
		let t = Instant::now();
		black_box(f());
		best = best.min(t.elapsed().as_secs_f64());
	}
	best
}

/// A plain streaming read: wrapping sum of every 32-bit word (32 independent lanes),
/// compiled with AVX2 where available, like the kernel.
#[inline(always)]
fn stream_read_portable(x: &[f32]) -> f64 {
	let mut acc = [0u32; 32];
	for c in x.chunks_exact(32) {
		for l in 0..32 {
			acc[l] = acc[l].wrapping_add(c[l].to_bits());
		}
	}
	acc.iter().fold(0u32, |a, b| a.wrapping_add(*b)) as f64
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn stream_read_avx2(x: &[f32]) -> f64 {
	stream_read_portable(x)
}

fn stream_read(x: &[f32]) -> f64 {
	#[cfg(target_arch = "x86_64")]
	if std::is_x86_feature_detected!("avx2") {
		// SAFETY: AVX2 checked.
		return unsafe { stream_read_avx2(x) };
	}
	stream_read_portable(x)
}

fn random_f32(n: usize, seed: u64) -> Vec<f32> {
	let mut r = SplitMix64(seed);
	(0..n).map(|_| (r.next_f64() - 0.5) as f32).collect()
}

fn main() {
	let args: Vec<String> = std::env::args().collect();
	println!("| benchmark | value |");
	println!("|---|---|");
	if let Some(i) = args.iter().position(|a| a == "--build") {
		build(&args[i + 1], &args[i + 2]);
		return;
	}
	// Per-example scoring.
	let (n, k) = (1_000_000usize, 512usize);
	let rows = random_f32(n * k, 1);
	let phi: Vec<f64> = random_f32(k, 2).iter().map(|&x| x as f64).collect();
	let mut out = vec![0.0; n];
	let gb = (n * k * 4) as f64 / 1e9;
	// Interleave the two measurements so that both see the same machine load.
	let (mut t_read, mut t_q) = (f64::INFINITY, f64::INFINITY);
	for _ in 0..7 {
		t_read = t_read.min(best_of(1, || stream_read(&rows)));
		t_q = t_q.min(best_of(1, || {
			kernel::score_rows(&phi, &rows, &mut out);
			out[n / 2]
		}));
	}
	let b = 8;
	let phis: Vec<f64> = random_f32(b * k, 3).iter().map(|&x| x as f64).collect();
	let mut outb = vec![0.0; b * n];
	let t_b = best_of(3, || {
		kernel::score_rows_batch(&phis, k, &rows, &mut outb);
		outb[7]
	});
	println!(
		"| streaming read of N=10⁶ × k=512 f32 ({gb:.2} GB), 1 thread | {:.1} ms ({:.1} GB/s) |",
		t_read * 1e3,
		gb / t_read
	);
	println!("| per-example query, 1 thread | {:.1} ms per query |", t_q * 1e3);
	println!("| ratio query / streaming read | {:.2}× |", t_q / t_read);
	println!(
		"| batched, {b} queries per pass, 1 thread | {:.1} ms per query ({:.2}× the read) |",
		t_b * 1e3 / b as f64,
		t_b / b as f64 / t_read
	);
	drop(rows);
	drop(outb);

	// Contribution-level query in the no_std core.
	let g = 10_000usize;
	let (index, query) = tributary_attribution::fixture::projected_index(999, g, 512);
	let bytes = index.encode();
	let index = Index::decode(&bytes).unwrap();
	let t_c = best_of(20, || index.score_bytes(&query).unwrap()[0]);
	let q = index.parse_query(&query).unwrap();
	let t_phi = best_of(20, || index.query_vector(&q).unwrap()[0]);
	let mut outc = vec![0.0; g];
	let t_portable = best_of(20, || {
		let q = index.parse_query(&query).unwrap();
		let phi = index.query_vector(&q).unwrap();
		kernel::score_rows_portable(&phi, &index.u, &mut outc);
		outc[0]
	});
	let t_shares = best_of(20, || index.attribute(&query, 64).unwrap().len() as f64);
	println!("| contribution query, G=10⁴, k=512, p=1000 projected (parse + gradient + projection + G·k) | {:.2} ms |", t_c * 1e3);
	println!(
		"| same, portable kernel (the code path the wasm build compiles) | {:.2} ms |",
		t_portable * 1e3
	);
	println!("| … of which gradient + projection (k·p) | {:.2} ms |", t_phi * 1e3);
	println!("| contribution query + shares (top 64) | {:.2} ms |", t_shares * 1e3);
}

fn build(xp: &str, yp: &str) {
	let read = |p: &str| {
		let b = std::fs::read(p).expect("read .npy");
		tributary_attribution::data::read_npy(&b).expect("parse .npy")
	};
	let (n, d, x) = read(xp);
	let (_, _, y) = read(yp);
	let g = 100;
	let ds = Dataset {
		features: (0..d).map(|j| format!("f{j}")).collect(),
		x,
		y,
		contribution: (0..n).map(|i| (i % g) as u32).collect(),
		contributors: (0..g).map(|c| format!("1:{c}")).collect(),
	};
	let opts = BuildOptions {
		family: Family::Logistic,
		l2: 0.01,
		method: Method::Exact,
		..Default::default()
	};
	let t = Instant::now();
	let (index, rep) = Index::build(&ds, &opts).unwrap();
	let secs = t.elapsed().as_secs_f64();
	println!(
		"| index build N={n}, p={}, exact, {} threads | {secs:.2} s ({} Newton iterations, ‖∇F‖={:.1e}) |",
		d + 1,
		rayon::current_num_threads(),
		rep.iterations,
		rep.grad_norm
	);
	println!("BUILD_SECONDS {secs}");
	println!("KERNEL {:?}", tributary_attribution::linalg::kernel());
	println!("INDEX_HASH {}", tributary_attribution::cli::hex(&Index::hash(&index.encode())));
	let mut s = String::new();
	for (c, v) in index.u.chunks(d + 1).take(3).enumerate() {
		s.push_str(&format!("u[{c}][0..3] = {:?}; ", &v[..3]));
	}
	println!("CHECK {s}");
	println!("THETA0 {:.12e}", index.theta[0]);
}

//! Copying decode vs zero-copy view, side by side in one run: for the G = 10⁴, k = 512
//! index projected from p = 1000 (`fixture::projected_index`), times
//! (a) `Index::decode_with_limits` + 10 queries and (b) `IndexView::parse` + 10 queries
//! (each query: parse, score, top-64 shares, attestation bytes), natively and in the
//! `wasm-probe` module (the no_std core built for wasm32v1-none) under wasmtime, and reports
//! the peak live heap and the largest single allocation of each. All results must be equal.
//!
//! Usage: `tributary-attribution-view-bench <probe.wasm>` (see `scripts/bench/wasm-query.sh`).

use std::{
	alloc::{GlobalAlloc, Layout, System},
	sync::atomic::{AtomicUsize, Ordering::Relaxed},
	time::Instant,
};
use tributary_attribution::{Index, IndexView, WorkLimits};
use wasmtime::{Config, Engine, Instance, Memory, Module, OptLevel, Store, TypedFunc};

/// The system allocator, counting live bytes, their peak and the largest allocation.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
	unsafe fn alloc(&self, l: Layout) -> *mut u8 {
		let live = LIVE.fetch_add(l.size(), Relaxed) + l.size();
		PEAK.fetch_max(live, Relaxed);
		LARGEST.fetch_max(l.size(), Relaxed);
		System.alloc(l)
	}
	unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
		LIVE.fetch_sub(l.size(), Relaxed);
		System.dealloc(p, l)
	}
}

#[global_allocator]
static A: Counting = Counting;

/// Runs `f` and returns its result with (peak live bytes above the start, largest allocation).
fn measured<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
	let base = LIVE.load(Relaxed);
	PEAK.store(base, Relaxed);
	LARGEST.store(0, Relaxed);
	let r = f();
	(r, PEAK.load(Relaxed) - base, LARGEST.load(Relaxed))
}

/// Best of `runs` wall-clock seconds of `f`.
fn best_of<R>(runs: usize, mut f: impl FnMut() -> R) -> f64 {
	(0..runs)
		.map(|_| {
			let t = Instant::now();
			std::hint::black_box(f());
			t.elapsed().as_secs_f64()
		})
		.fold(f64::INFINITY, f64::min)
}

const QUERIES: usize = 10;
const MAX: usize = 64;

/// The index bytes and ten queries (the fixture's header, ten different rows).
fn inputs() -> (Vec<u8>, Vec<Vec<u8>>) {
	let (index, first) = tributary_attribution::fixture::projected_index(999, 10_000, 512);
	let header = String::from_utf8(first).unwrap().lines().next().unwrap().to_string();
	let queries = (0..QUERIES)
		.map(|q| {
			let row: Vec<String> = (0..999)
				.map(|j| format!("{:.6}", (j as f64 * 0.37 + q as f64 * 0.11).sin()))
				.collect();
			format!("{header}\n{}\n", row.join(",")).into_bytes()
		})
		.collect();
	(index.encode(), queries)
}

struct Probe {
	store: Store<()>,
	memory: Memory,
	instance: Instance,
}

impl Probe {
	fn new(wasm: &[u8]) -> Probe {
		let mut config = Config::new();
		// As the node's executor compiles runtimes.
		config.cranelift_opt_level(OptLevel::SpeedAndSize);
		let engine = Engine::new(&config).expect("wasmtime engine");
		let module = Module::new(&engine, wasm).expect("probe module");
		let mut store = Store::new(&engine, ());
		let instance = Instance::new(&mut store, &module, &[]).expect("instantiate");
		let memory = instance.get_memory(&mut store, "memory").expect("memory export");
		Probe { store, memory, instance }
	}

	fn func<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
		&mut self,
		name: &str,
	) -> TypedFunc<P, R> {
		self.instance.get_typed_func(&mut self.store, name).expect(name)
	}

	fn put(&mut self, bytes: &[u8]) -> (i32, i32) {
		let alloc = self.func::<i32, i32>("alloc");
		let p = alloc.call(&mut self.store, bytes.len() as i32).expect("alloc");
		self.memory.write(&mut self.store, p as usize, bytes).expect("write");
		(p, bytes.len() as i32)
	}

	fn call0(&mut self, name: &str) -> i32 {
		self.func::<(), i32>(name).call(&mut self.store, ()).expect(name)
	}

	fn unload_and_reset(&mut self) {
		self.func::<(), ()>("unload").call(&mut self.store, ()).expect("unload");
		self.func::<(), ()>("alloc_reset").call(&mut self.store, ()).expect("alloc_reset");
	}

	/// `load`/`view_load` then `attribute_loaded`/`view_attribute_loaded` per query; returns
	/// the last result's bytes.
	fn run(&mut self, view: bool, index: (i32, i32), queries: &[(i32, i32)]) -> Vec<u8> {
		let (load, score) = if view {
			("view_load", "view_attribute_loaded")
		} else {
			("load", "attribute_loaded")
		};
		let load = self.func::<(i32, i32), i32>(load);
		let score = self.func::<(i32, i32, i32), i32>(score);
		assert_eq!(load.call(&mut self.store, index).expect("load"), 1);
		let mut n = 0;
		for &(qp, ql) in queries {
			n = score.call(&mut self.store, (qp, ql, MAX as i32)).expect("score");
		}
		let p = self.call0("result_ptr");
		let mut out = vec![0u8; n as usize];
		self.memory.read(&self.store, p as usize, &mut out).expect("read");
		out
	}
}

fn mib(b: usize) -> f64 {
	b as f64 / (1 << 20) as f64
}

fn main() {
	let path =
		std::env::args().nth(1).expect("usage: tributary-attribution-view-bench <probe.wasm>");
	let wasm = std::fs::read(&path).expect("read the probe");
	let (bytes, queries) = inputs();
	let limits = WorkLimits::ON_CHAIN;
	let runs = 10;

	// Native.
	let decode_run = || {
		let index = Index::decode_with_limits(&bytes, &limits).expect("decode");
		queries.iter().map(|q| index.attestation(q, MAX).expect("attestation")).collect::<Vec<_>>()
	};
	let view_run = || {
		let view = IndexView::parse(&bytes, &limits).expect("parse");
		queries.iter().map(|q| view.attestation(q, MAX).expect("attestation")).collect::<Vec<_>>()
	};
	let (a, a_peak, a_largest) = measured(decode_run);
	let (b, b_peak, b_largest) = measured(view_run);
	assert_eq!(a, b, "decode and view results differ");
	let t_decode = best_of(runs, decode_run);
	let t_view = best_of(runs, view_run);
	let t_decode_only = best_of(runs, || Index::decode_with_limits(&bytes, &limits).unwrap());
	let t_parse_only = best_of(runs, || IndexView::parse(&bytes, &limits).unwrap().k());

	// wasm.
	let mut probe = Probe::new(&wasm);
	let ip = probe.put(&bytes);
	let qs: Vec<(i32, i32)> = queries.iter().map(|q| probe.put(q)).collect();
	let mut wasm_case = |view: bool| {
		probe.unload_and_reset();
		let out = probe.run(view, ip, &qs);
		let peak = probe.call0("alloc_peak") as u32 as usize;
		let largest = probe.call0("alloc_largest") as u32 as usize;
		let t = best_of(runs, || {
			probe.unload_and_reset();
			probe.run(view, ip, &qs).len()
		});
		let t_load = best_of(runs, || {
			probe.unload_and_reset();
			probe.run(view, ip, &[]).len()
		});
		(out, peak, largest, t, t_load)
	};
	let (wa, wa_peak, wa_largest, tw_decode, tw_decode_only) = wasm_case(false);
	let (wb, wb_peak, wb_largest, tw_view, tw_parse_only) = wasm_case(true);
	assert_eq!(wa, a[QUERIES - 1], "wasm decode result differs from native");
	assert_eq!(wb, a[QUERIES - 1], "wasm view result differs from native");

	println!(
		"index: G = 10⁴, k = 512, projected from p = 1000; {:.2} MiB; {QUERIES} queries, top {MAX} shares, best of {runs}",
		mib(bytes.len())
	);
	println!("| | load | load + {QUERIES} queries | peak heap | largest allocation |");
	println!("|---|---|---|---|---|");
	let row = |name: &str, load: f64, all: f64, peak: usize, largest: usize| {
		println!(
			"| {name} | {:.2} ms | {:.2} ms | {:.2} MiB | {:.2} MiB |",
			load * 1e3,
			all * 1e3,
			mib(peak),
			mib(largest)
		)
	};
	row("native, (a) Index::decode_with_limits", t_decode_only, t_decode, a_peak, a_largest);
	row("native, (b) IndexView::parse", t_parse_only, t_view, b_peak, b_largest);
	row("wasm under wasmtime 36, (a) decode", tw_decode_only, tw_decode, wa_peak, wa_largest);
	row("wasm under wasmtime 36, (b) view", tw_parse_only, tw_view, wb_peak, wb_largest);
	println!("(identical attestation bytes in all four: {} bytes per query)", a[0].len());

	// An index at the on-chain limits: G·k = 8·10⁶ (G = 15 625, k = 512) and k·p = 32·10⁶
	// (p = 62 500): one query through the view.
	drop(queries);
	let (big, query) = tributary_attribution::fixture::projected_index(62_499, 15_625, 512);
	at_limits(&wasm, "index at the on-chain limits: G = 15 625, k = 512, p = 62 500", big, query);
	// The largest subspace index the limits admit: its basis (4·k·p bytes) and u (4·G·k)
	// share the 32 MiB, so k·p + G·k ≤ 8.4·10⁶ multiply-adds: k = 512, p = 8192, G = 8000.
	let (sub, query) = tributary_attribution::fixture::subspace_index(8191, 8000, 512);
	let title = "subspace index at the on-chain limits: G = 8 000, k = 512, p = 8 192";
	at_limits(&wasm, title, sub, query);
}

/// One query through the view on `index` (admitted by the on-chain limits), natively and in
/// wasm (identical bytes checked): view parse, and parse + the query.
fn at_limits(wasm: &[u8], title: &str, index: tributary_attribution::Index, query: Vec<u8>) {
	let limits = WorkLimits::ON_CHAIN;
	let big = index.encode();
	drop(index);
	let view = IndexView::parse(&big, &limits).expect("the limits admit this index");
	let native = view.attestation(&query, MAX).unwrap();
	let t_native = best_of(5, || view.attestation(&query, MAX).unwrap().len());
	let t_native_parse = best_of(5, || IndexView::parse(&big, &limits).unwrap().k());
	let mut probe = Probe::new(wasm);
	let ip = probe.put(&big);
	let qp = probe.put(&query);
	probe.unload_and_reset();
	assert_eq!(probe.run(true, ip, &[qp]), native, "wasm view result differs from native");
	let t_wasm = best_of(5, || {
		probe.unload_and_reset();
		probe.run(true, ip, &[qp]).len()
	});
	let t_wasm_parse = best_of(5, || {
		probe.unload_and_reset();
		probe.run(true, ip, &[]).len()
	});
	println!();
	println!("{title} ({:.2} MiB), one query", mib(big.len()));
	println!("| | view parse | parse + 1 query |");
	println!("|---|---|---|");
	println!(
		"| native | {:.2} ms | {:.2} ms |",
		t_native_parse * 1e3,
		(t_native_parse + t_native) * 1e3
	);
	println!("| wasm under wasmtime 36 | {:.2} ms | {:.2} ms |", t_wasm_parse * 1e3, t_wasm * 1e3);
}

//! The contribution-level query (G = 10⁴ contributions, k = 512, p = 1000, projected index)
//! scored by the engine's no_std core inside wasm under wasmtime, next to the native build in
//! the same run; both must return identical bytes.
//!
//! Usage: `tributary-wasm-query-bench <probe.wasm>` (see `scripts/bench/wasm-query.sh`).

use std::time::Instant;
use tributary_attribution::Index;
use wasmtime::{Config, Engine, Instance, Memory, Module, OptLevel, Store, TypedFunc};

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

/// The benchmark index of `examples/bench_engine.rs`: G = 10⁴ contributions, k = 512.
fn index_and_query() -> (Vec<u8>, Vec<u8>) {
	let (index, query) = tributary_attribution::fixture::projected_index(999, 10_000, 512);
	(index.encode(), query)
}

struct Probe {
	store: Store<()>,
	memory: Memory,
	alloc: TypedFunc<i32, i32>,
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
		let alloc = instance.get_typed_func(&mut store, "alloc").expect("alloc export");
		Probe { store, memory, alloc, instance }
	}

	fn put(&mut self, bytes: &[u8]) -> i32 {
		let p = self.alloc.call(&mut self.store, bytes.len() as i32).expect("alloc");
		self.memory.write(&mut self.store, p as usize, bytes).expect("write");
		p
	}

	fn load(&mut self, index: &[u8]) {
		let p = self.put(index);
		let load: TypedFunc<(i32, i32), i32> =
			self.instance.get_typed_func(&mut self.store, "load").expect("load export");
		assert_eq!(load.call(&mut self.store, (p, index.len() as i32)).expect("load"), 1);
	}

	fn attribute(&mut self, query_ptr: i32, query_len: usize, max: usize) -> Vec<u8> {
		let f: TypedFunc<(i32, i32, i32), i32> = self
			.instance
			.get_typed_func(&mut self.store, "attribute_loaded")
			.expect("attribute_loaded export");
		let n = f.call(&mut self.store, (query_ptr, query_len as i32, max as i32)).expect("call");
		let rp: TypedFunc<(), i32> =
			self.instance.get_typed_func(&mut self.store, "result_ptr").expect("result_ptr");
		let p = rp.call(&mut self.store, ()).expect("result_ptr");
		let mut out = vec![0u8; n as usize];
		self.memory.read(&self.store, p as usize, &mut out).expect("read");
		out
	}
}

fn main() {
	let path = std::env::args().nth(1).expect("usage: tributary-wasm-query-bench <probe.wasm>");
	let wasm = std::fs::read(&path).expect("read the probe");
	let (index_bytes, query) = index_and_query();
	let max = 64;

	let index = Index::decode(&index_bytes).expect("decode");
	let native = index.attestation(&query, max).expect("native attestation");
	let t_native = best_of(20, || index.attestation(&query, max).unwrap().len());

	let mut probe = Probe::new(&wasm);
	probe.load(&index_bytes);
	let qp = probe.put(&query);
	let in_wasm = probe.attribute(qp, query.len(), max);
	assert_eq!(native, in_wasm, "native and wasm results differ");
	let t_wasm = best_of(20, || probe.attribute(qp, query.len(), max).len());

	println!("| contribution query + shares (top {max}), G=10⁴, k=512, p=1000 | time |");
	println!("|---|---|");
	println!("| native build | {:.2} ms |", t_native * 1e3);
	println!("| no_std core in wasm (wasm32v1-none) under wasmtime 36 | {:.2} ms |", t_wasm * 1e3);
	println!("| ratio wasm / native | {:.2}× |", t_wasm / t_native);
	println!("(identical result bytes: {} bytes)", native.len());
}

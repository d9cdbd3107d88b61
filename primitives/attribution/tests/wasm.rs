//! Native vs wasm: the no_std core compiled for `wasm32v1-none` (the `wasm-probe` crate,
//! built here with cargo) and run under wasmi gives the same bytes as the native build.

mod common;
use common::*;
use std::{path::PathBuf, process::Command};
use tributary_attribution::{Index, Method};

fn build_probe() -> Vec<u8> {
	let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("wasm-probe");
	let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasm-probe");
	let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
	let out = Command::new(cargo)
		.args(["build", "--release", "--target", "wasm32v1-none", "--manifest-path"])
		.arg(dir.join("Cargo.toml"))
		.env("CARGO_TARGET_DIR", &target)
		.env_remove("RUSTFLAGS")
		.env_remove("CARGO_ENCODED_RUSTFLAGS")
		.output()
		.expect("run cargo");
	assert!(
		out.status.success(),
		"building the wasm probe failed (is the wasm32v1-none target installed? `rustup target add wasm32v1-none`):\n{}",
		String::from_utf8_lossy(&out.stderr)
	);
	std::fs::read(target.join("wasm32v1-none/release/tributary_attribution_wasm_probe.wasm"))
		.unwrap()
}

struct Probe {
	store: wasmi::Store<()>,
	instance: wasmi::Instance,
}

impl Probe {
	fn new(wasm: &[u8]) -> Probe {
		let engine = wasmi::Engine::default();
		let module = wasmi::Module::new(&engine, wasm).unwrap();
		let mut store = wasmi::Store::new(&engine, ());
		let linker = wasmi::Linker::<()>::new(&engine);
		let instance = linker.instantiate(&mut store, &module).unwrap().start(&mut store).unwrap();
		Probe { store, instance }
	}
	fn put(&mut self, bytes: &[u8]) -> i32 {
		let alloc = self.instance.get_typed_func::<i32, i32>(&self.store, "alloc").unwrap();
		let p = alloc.call(&mut self.store, bytes.len() as i32).unwrap();
		let mem = self.instance.get_memory(&self.store, "memory").unwrap();
		mem.write(&mut self.store, p as usize, bytes).unwrap();
		p
	}
	fn attribute(&mut self, index: &[u8], query: &[u8], max: usize) -> Vec<u8> {
		self.call("attribute", index, query, max)
	}
	/// The same through the zero-copy view (`IndexView::parse` with the on-chain limits).
	fn view_attribute(&mut self, index: &[u8], query: &[u8], max: usize) -> Vec<u8> {
		self.call("view_attribute", index, query, max)
	}
	fn call(&mut self, name: &str, index: &[u8], query: &[u8], max: usize) -> Vec<u8> {
		let ip = self.put(index);
		let qp = self.put(query);
		let f = self
			.instance
			.get_typed_func::<(i32, i32, i32, i32, i32), i32>(&self.store, name)
			.unwrap();
		let n = f
			.call(&mut self.store, (ip, index.len() as i32, qp, query.len() as i32, max as i32))
			.unwrap();
		let rp = self.instance.get_typed_func::<(), i32>(&self.store, "result_ptr").unwrap();
		let p = rp.call(&mut self.store, ()).unwrap();
		let mem = self.instance.get_memory(&self.store, "memory").unwrap();
		let mut out = vec![0u8; n as usize];
		mem.read(&self.store, p as usize, &mut out).unwrap();
		out
	}
}

fn native(index: &[u8], query: &[u8], max: usize) -> Vec<u8> {
	match Index::decode(index) {
		Ok(i) => i.attestation(query, max).unwrap_or_else(|e| {
			let mut v = vec![0xff];
			v.extend_from_slice(e.to_string().as_bytes());
			v
		}),
		Err(e) => {
			let mut v = vec![0xff];
			v.extend_from_slice(e.to_string().as_bytes());
			v
		}
	}
}

#[test]
fn native_and_wasm_give_identical_bytes() {
	let wasm = build_probe();
	let mut probe = Probe::new(&wasm);
	let labelled = format!("label,{WINE_HEADER}\n1,{WINE_ROW}\n").into_bytes();
	let other =
		format!("{WINE_HEADER}\n12.1,3.1,2.5,19,95,1.9,1.1,0.4,1.2,7.1,0.7,1.8,600\n").into_bytes();
	for method in [Method::Exact, Method::Projected, Method::GradDot, Method::Subspace] {
		let index = wine_index(method, false).encode();
		for (q, max) in [(wine_query(), 4usize), (labelled.clone(), 10), (other.clone(), 3)] {
			let n = native(&index, &q, max);
			let w = probe.attribute(&index, &q, max);
			assert_ne!(n[0], 0xff, "{}", String::from_utf8_lossy(&n));
			assert_eq!(n, w, "{method:?}: native and wasm differ");
			let v = probe.view_attribute(&index, &q, max);
			assert_eq!(n, v, "{method:?}: native decode and wasm view differ");
		}
	}
	// Errors agree too.
	let index = wine_index(Method::Exact, false).encode();
	let bad = b"alcohol\n1\n".to_vec();
	assert_eq!(native(&index, &bad, 3), probe.attribute(&index, &bad, 3));
	assert_eq!(native(&index[..100], &bad, 3), probe.attribute(&index[..100], &bad, 3));
	assert_eq!(native(&index, &bad, 3), probe.view_attribute(&index, &bad, 3));
	assert_eq!(native(&index[..100], &bad, 3), probe.view_attribute(&index[..100], &bad, 3));
}

//! Builds the runtime to wasm (`wasm32v1-none`) with substrate-wasm-builder.
//! Set `SKIP_WASM_BUILD=1` to iterate on native code without it.

#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// Compiled to wasm itself, the runtime needs no build step.
#[cfg(not(feature = "std"))]
fn main() {}

//! wasm exports around the no_std core: `alloc(len) -> ptr` and
//! `attribute(index_ptr, index_len, query_ptr, query_len, max_entries) -> len`, which writes
//! [`tributary_attribution::index::Index::attestation`] bytes (or an error text prefixed
//! with 0xff) to a buffer whose address `result_ptr()` returns. `view_attribute` does the
//! same through [`tributary_attribution::IndexView`] with the on-chain
//! [`tributary_attribution::WorkLimits`]; `load`/`attribute_loaded` and
//! `view_load`/`view_attribute_loaded` keep the decoded index (or the view) across calls.
//! `alloc_reset`, `alloc_peak` and `alloc_largest` report the live-byte peak and the
//! largest single allocation since the last reset.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use tributary_attribution::{Index, IndexView, WorkLimits};

/// A bump allocator on top of `memory.grow` (never frees; enough for a test module).
struct Bump;

static mut NEXT: usize = 0;
/// Live bytes, their peak and the largest single allocation since `alloc_reset`.
static mut LIVE: usize = 0;
static mut PEAK: usize = 0;
static mut LARGEST: usize = 0;
static mut BASE: usize = 0;

unsafe impl GlobalAlloc for Bump {
	unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
		const PAGE: usize = 65536;
		if NEXT == 0 {
			NEXT = core::arch::wasm32::memory_size(0) * PAGE;
		}
		let start = (NEXT + layout.align() - 1) & !(layout.align() - 1);
		let end = start + layout.size();
		let have = core::arch::wasm32::memory_size(0) * PAGE;
		if end > have {
			let pages = (end - have).div_ceil(PAGE);
			if core::arch::wasm32::memory_grow(0, pages) == usize::MAX {
				return core::ptr::null_mut();
			}
		}
		NEXT = end;
		LIVE += layout.size();
		PEAK = PEAK.max(LIVE);
		LARGEST = LARGEST.max(layout.size());
		start as *mut u8
	}
	unsafe fn dealloc(&self, _: *mut u8, layout: Layout) {
		LIVE -= layout.size();
	}
}

#[global_allocator]
static A: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
	core::arch::wasm32::unreachable()
}

static mut RESULT: Vec<u8> = Vec::new();

/// Allocates `len` bytes for the host to write into.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
	let mut v = Vec::<u8>::with_capacity(len.max(1));
	let p = v.as_mut_ptr();
	core::mem::forget(v);
	p
}

/// Address of the last result.
#[no_mangle]
pub extern "C" fn result_ptr() -> *const u8 {
	#[allow(static_mut_refs)]
	unsafe {
		RESULT.as_ptr()
	}
}

/// Decodes the index, scores the query, returns the result length.
///
/// # Safety
/// The pointers must address `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn attribute(
	ip: *const u8,
	il: usize,
	qp: *const u8,
	ql: usize,
	max: usize,
) -> usize {
	let index = core::slice::from_raw_parts(ip, il);
	let query = core::slice::from_raw_parts(qp, ql);
	let out = match Index::decode(index) {
		Ok(idx) => match idx.attestation(query, max) {
			Ok(b) => b,
			Err(e) => error_bytes(&e),
		},
		Err(e) => error_bytes(&e),
	};
	let n = out.len();
	#[allow(static_mut_refs)]
	{
		RESULT = out;
	}
	n
}

fn error_bytes(e: &dyn core::fmt::Display) -> Vec<u8> {
	use core::fmt::Write;
	let mut s = alloc::string::String::new();
	let _ = write!(s, "{e}");
	let mut v = alloc::vec![0xff];
	v.extend_from_slice(s.as_bytes());
	v
}

static mut LOADED: Option<Index> = None;

/// Decodes the index once and keeps it, as the attestors' off-chain worker does; returns 1 on
/// success, 0 if the bytes are not a valid index.
///
/// # Safety
/// The pointer must address `il` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn load(ip: *const u8, il: usize) -> usize {
	let index = core::slice::from_raw_parts(ip, il);
	let decoded = Index::decode(index).ok();
	let ok = decoded.is_some();
	#[allow(static_mut_refs)]
	{
		LOADED = decoded;
	}
	ok as usize
}

/// Scores the query against the index kept by `load`; returns the result length (0 if none
/// is loaded).
///
/// # Safety
/// The pointer must address `ql` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn attribute_loaded(qp: *const u8, ql: usize, max: usize) -> usize {
	let query = core::slice::from_raw_parts(qp, ql);
	#[allow(static_mut_refs)]
	let Some(idx) = (unsafe { LOADED.as_ref() }) else {
		return 0;
	};
	let out = match idx.attestation(query, max) {
		Ok(b) => b,
		Err(e) => error_bytes(&e),
	};
	let n = out.len();
	#[allow(static_mut_refs)]
	{
		RESULT = out;
	}
	n
}

/// Resets the allocation statistics: the peak is counted above the bytes live now.
#[no_mangle]
pub extern "C" fn alloc_reset() {
	unsafe {
		BASE = LIVE;
		PEAK = LIVE;
		LARGEST = 0;
	}
}

/// Peak live bytes since `alloc_reset`, above those live at the reset.
#[no_mangle]
pub extern "C" fn alloc_peak() -> usize {
	unsafe { PEAK - BASE }
}

/// Largest single allocation since `alloc_reset`.
#[no_mangle]
pub extern "C" fn alloc_largest() -> usize {
	unsafe { LARGEST }
}

fn set_result(out: Vec<u8>) -> usize {
	let n = out.len();
	#[allow(static_mut_refs)]
	unsafe {
		RESULT = out;
	}
	n
}

/// Parses a zero-copy view of the index (on-chain limits), scores the query, returns the
/// result length (same bytes as `attribute`, or an error text prefixed with 0xff).
///
/// # Safety
/// The pointers must address `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn view_attribute(
	ip: *const u8,
	il: usize,
	qp: *const u8,
	ql: usize,
	max: usize,
) -> usize {
	let index = core::slice::from_raw_parts(ip, il);
	let query = core::slice::from_raw_parts(qp, ql);
	let out = match IndexView::parse(index, &WorkLimits::ON_CHAIN) {
		Ok(v) => match v.attestation(query, max) {
			Ok(b) => b,
			Err(e) => error_bytes(&e),
		},
		Err(e) => error_bytes(&e),
	};
	set_result(out)
}

static mut VIEW: Option<IndexView<'static>> = None;

/// Parses a view of the index at `ip` (which must stay in place: the host's `alloc` buffers
/// are never freed) and keeps it; returns 1 on success, 0 otherwise.
///
/// # Safety
/// The pointer must address `il` readable bytes that outlive the module instance.
#[no_mangle]
pub unsafe extern "C" fn view_load(ip: *const u8, il: usize) -> usize {
	let index: &'static [u8] = core::slice::from_raw_parts(ip, il);
	let view = IndexView::parse(index, &WorkLimits::ON_CHAIN).ok();
	let ok = view.is_some();
	#[allow(static_mut_refs)]
	{
		VIEW = view;
	}
	ok as usize
}

/// Scores the query against the view kept by `view_load`; returns the result length (0 if
/// none is loaded).
///
/// # Safety
/// The pointer must address `ql` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn view_attribute_loaded(qp: *const u8, ql: usize, max: usize) -> usize {
	let query = core::slice::from_raw_parts(qp, ql);
	#[allow(static_mut_refs)]
	let Some(view) = (unsafe { VIEW.as_ref() }) else {
		return 0;
	};
	let out = match view.attestation(query, max) {
		Ok(b) => b,
		Err(e) => error_bytes(&e),
	};
	set_result(out)
}

/// Drops the index kept by `load` and the view kept by `view_load`.
#[no_mangle]
pub extern "C" fn unload() {
	#[allow(static_mut_refs)]
	unsafe {
		LOADED = None;
		VIEW = None;
		RESULT = Vec::new();
	}
}

//! Fetching an index over HTTP inside the off-chain worker, with a size bound and deadlines.
//!
//! The body is read straight into one buffer allocated once at the response's
//! `Content-Length` (the worker's allocator rounds every allocation up to a power of two and
//! caps one at 32 MiB, so growing a buffer by doubling would fail long before the bound).

use alloc::{string::String, vec, vec::Vec};
use core::fmt;
use sp_runtime::offchain::{http, Duration};

/// How long one index download may take.
pub const FETCH_TIMEOUT_MS: u64 = 30_000;

/// Why an index could not be fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
	/// The URI is not UTF-8 or not `http://` / `https://`.
	BadUri,
	/// The request could not be sent or timed out.
	Unreachable,
	/// The server answered with a status other than 200.
	Status(u16),
	/// The response has no (valid) `Content-Length` header.
	NoLength,
	/// `Content-Length` is above the runtime's `MaxIndexBytes`.
	TooLarge { length: u64, limit: u32 },
	/// The body ended before `Content-Length` bytes, or went on after them.
	LengthMismatch,
}

impl fmt::Display for FetchError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			FetchError::BadUri => write!(f, "the index URI is not an http(s) URI"),
			FetchError::Unreachable => write!(f, "unreachable or timed out"),
			FetchError::Status(code) => write!(f, "HTTP status {code}"),
			FetchError::NoLength => write!(f, "no Content-Length header"),
			FetchError::TooLarge { length, limit } => {
				write!(f, "Content-Length {length} above the limit of {limit} bytes")
			}
			FetchError::LengthMismatch => write!(f, "body length differs from Content-Length"),
		}
	}
}

/// The URI as text, if it is an `http://` or `https://` URI.
pub fn http_uri(uri: &[u8]) -> Result<String, FetchError> {
	let text = core::str::from_utf8(uri).map_err(|_| FetchError::BadUri)?;
	if !(text.starts_with("http://") || text.starts_with("https://")) {
		return Err(FetchError::BadUri);
	}
	Ok(String::from(text))
}

/// GETs `uri` and returns its body, refusing a `Content-Length` above `limit`.
pub fn fetch(uri: &str, limit: u32) -> Result<Vec<u8>, FetchError> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(FETCH_TIMEOUT_MS));
	let pending =
		http::Request::get(uri).deadline(deadline).send().map_err(|_| FetchError::Unreachable)?;
	let mut response = pending
		.try_wait(deadline)
		.map_err(|_| FetchError::Unreachable)?
		.map_err(|_| FetchError::Unreachable)?;
	if response.code != 200 {
		return Err(FetchError::Status(response.code));
	}
	let length: u64 = response
		.headers()
		.find("content-length")
		.and_then(|v| v.trim().parse().ok())
		.ok_or(FetchError::NoLength)?;
	if length > limit as u64 {
		return Err(FetchError::TooLarge { length, limit });
	}
	let mut body = vec![0u8; length as usize];
	let mut filled = 0usize;
	loop {
		let read = if filled < body.len() {
			sp_io::offchain::http_response_read_body(
				response.id,
				&mut body[filled..],
				Some(deadline),
			)
		} else {
			// One more read must find the end of the body.
			let mut probe = [0u8; 1];
			sp_io::offchain::http_response_read_body(response.id, &mut probe, Some(deadline))
		}
		.map_err(|_| FetchError::Unreachable)? as usize;
		if read == 0 {
			break;
		}
		if filled >= body.len() {
			return Err(FetchError::LengthMismatch);
		}
		filled += read;
	}
	if filled != body.len() {
		return Err(FetchError::LengthMismatch);
	}
	Ok(body)
}

//! HTTP inside the off-chain worker (fetching an index, asking the span service), with a
//! size bound and deadlines.
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
	/// A service answered a POST with a status other than 200 and this message (its first
	/// 256 bytes).
	Refused { code: u16, message: String },
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
			FetchError::Refused { code, message } => write!(f, "HTTP status {code}: {message}"),
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
	read_response(pending, limit, deadline, false)
}

/// POSTs `body` to `uri` (with its `Content-Length`) and returns the answer's body,
/// refusing a `Content-Length` above `limit`; the whole exchange takes at most
/// `timeout_ms`.
pub fn post(uri: &str, body: &[u8], limit: u32, timeout_ms: u64) -> Result<Vec<u8>, FetchError> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(timeout_ms));
	let length = alloc::format!("{}", body.len());
	let pending = http::Request::post(uri, vec![body])
		.add_header("Content-Length", &length)
		.deadline(deadline)
		.send()
		.map_err(|_| FetchError::Unreachable)?;
	read_response(pending, limit, deadline, true)
}

/// Waits for the answer to `pending` and reads its body of at most `limit` bytes into one
/// buffer of exactly its `Content-Length`. An answer other than 200 is an error; with
/// `keep_message`, it carries the start of the answer's body.
fn read_response(
	pending: http::PendingRequest,
	limit: u32,
	deadline: sp_runtime::offchain::Timestamp,
	keep_message: bool,
) -> Result<Vec<u8>, FetchError> {
	let mut response = pending
		.try_wait(deadline)
		.map_err(|_| FetchError::Unreachable)?
		.map_err(|_| FetchError::Unreachable)?;
	if response.code != 200 {
		if !keep_message {
			return Err(FetchError::Status(response.code));
		}
		let mut start = [0u8; 256];
		let read = sp_io::offchain::http_response_read_body(response.id, &mut start, Some(deadline))
			.unwrap_or(0) as usize;
		let message = String::from_utf8_lossy(&start[..read.min(start.len())]);
		return Err(FetchError::Refused {
			code: response.code,
			message: String::from(message.trim_end()),
		});
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

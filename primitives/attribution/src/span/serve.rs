//! `tributary attribution serve`: span attribution for an attestor's off-chain worker.
//!
//! A span index can be gigabytes, too large for the runtime's wasm worker, so the attestor
//! scores span inferences natively: the node operator runs this service on loopback next to
//! the node (`tributary attribution serve --index text.idx`) and starts the node with
//! `--attribution-span-service http://127.0.0.1:7070`. The worker asks the service, submits
//! through the same authorized commit-reveal path as gradient results, and checks that the
//! answer names the index hash the inference was paid against.
//!
//! The protocol (HTTP/1.1, one request per connection, `Connection: close`):
//!
//! * `GET /v1/indexes` → `200`, one line per index served: `0x<blake2-256 of the file>`.
//! * `POST /v1/attribute/0x<hash>?max=N` with the query (the model's output text) as the
//!   body (`Content-Length` or chunked, at most `--max-query-bytes`) → `200` with the text
//!   ```text
//!   tributary-span 0x<hash> engine=<ENGINE_VERSION> tokenizer=<SPAN_TOKENIZER_VERSION>
//!   <contributor>\t<parts per billion>
//!   …
//!   ```
//!   the top `N` contributions (default: all) with shares summing to exactly 10⁹, the same
//!   numbers `score --index text.idx --query output.txt --top N --format json` prints.
//! * Errors: `400` (malformed request, query not UTF-8, no token, no span: nothing to pay
//!   for), `404` (no such index or route; also an index whose file changed to other bytes),
//!   `411`/`413` (no length / query too long), `500` (a defect while scoring), `503` (the
//!   file changed while scoring), each with a one-line message naming the problem.
//!
//! Requests are answered one at a time; a connection has 10 s in all to send its request,
//! so a slow client holds the service for at most that long.
//!
//! An index is served from the path it was opened at. Replace an index by renaming a new
//! file over it (the open map keeps the old bytes valid), never by rewriting it in place
//! (the map would see the new bytes, and a truncation would stop the process): the service
//! notices the change at the next request (file identity, length, modification and inode
//! change times), opens and verifies the new file (hashing it: the first request after a
//! swap of a large index waits for that), and from then on serves the new hash only. A file
//! that fails to open is tried again only once it changes again. A request for the old hash is
//! refused with 404, and an answer is never sent for bytes other than the hash it names.

use super::{SpanIndex, SPAN_TOKENIZER_VERSION};
use crate::cli::{hex, Error};
use std::{
	io::{BufRead, BufReader, Read, Write},
	net::{SocketAddr, TcpListener, TcpStream},
	path::{Path, PathBuf},
	time::{Duration, Instant, SystemTime},
};

/// Arguments of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
	/// A span index to serve (repeat for several).
	#[arg(long = "index", required = true, value_name = "FILE")]
	pub index: Vec<PathBuf>,
	/// The loopback address and port to listen on.
	#[arg(long, default_value = "127.0.0.1:7070", value_name = "ADDR")]
	pub listen: SocketAddr,
	/// The longest query accepted, in bytes.
	#[arg(long, default_value_t = 65_536, value_name = "BYTES")]
	pub max_query_bytes: usize,
}

/// The first line of a successful answer starts with this word.
pub const ANSWER_TAG: &str = "tributary-span";

/// Longest request head (request line and headers) read.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// At most this much of a refused request's body is read and dropped before closing …
const DRAIN_BYTES: usize = 1 << 20;
/// … for at most this long.
const DRAIN_TIME: Duration = Duration::from_millis(200);
/// How long a connection may take to send its whole request, and then to take its answer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// What identifies a file's content without reading it: replacing or rewriting the file
/// changes at least one of these.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FileStamp {
	len: u64,
	modified: Option<SystemTime>,
	/// Device, inode, and the inode's change time (which no tool can set back).
	#[cfg(unix)]
	identity: (u64, u64, i64, i64),
}

impl FileStamp {
	fn of(path: &Path) -> std::io::Result<FileStamp> {
		let m = std::fs::metadata(path)?;
		#[cfg(unix)]
		let identity = {
			use std::os::unix::fs::MetadataExt;
			(m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
		};
		Ok(FileStamp {
			len: m.len(),
			modified: m.modified().ok(),
			#[cfg(unix)]
			identity,
		})
	}
}

/// One served index: the file it was opened from and what the file was then.
struct Served {
	path: PathBuf,
	index: SpanIndex,
	stamp: FileStamp,
	/// The file as it was when it last failed to open: not tried again until it changes.
	failed: Option<FileStamp>,
}

impl Served {
	fn open(path: &Path) -> Result<Served, Error> {
		// The stamp first: a change between the two is then seen at the next request.
		let stamp = FileStamp::of(path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
		let index = super::cli::open(path)?;
		Ok(Served { path: path.to_path_buf(), index, stamp, failed: None })
	}

	fn current(&self) -> bool {
		FileStamp::of(&self.path).is_ok_and(|s| s == self.stamp)
	}
}

/// The indexes a service answers for.
pub struct Service {
	served: Vec<Served>,
	max_query_bytes: usize,
	io_timeout: Duration,
}

/// An HTTP answer: status code, reason and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
	/// The HTTP status code.
	pub status: u16,
	/// The body (text).
	pub body: String,
}

impl Answer {
	fn ok(body: String) -> Answer {
		Answer { status: 200, body }
	}

	fn error(status: u16, message: impl Into<String>) -> Answer {
		let mut body = message.into();
		body.push('\n');
		Answer { status, body }
	}

	fn reason(&self) -> &'static str {
		match self.status {
			200 => "OK",
			400 => "Bad Request",
			404 => "Not Found",
			405 => "Method Not Allowed",
			411 => "Length Required",
			413 => "Payload Too Large",
			500 => "Internal Server Error",
			503 => "Service Unavailable",
			_ => "Error",
		}
	}
}

/// A request's parts that the service reads.
#[derive(Debug)]
pub struct Request {
	/// `GET`, `POST`, …
	pub method: String,
	/// The path with its query string.
	pub target: String,
	/// The body.
	pub body: Vec<u8>,
}

impl Service {
	/// Opens and verifies every index; fails on the first that cannot be used or on two
	/// files with the same bytes.
	pub fn open(paths: &[PathBuf], max_query_bytes: usize) -> Result<Service, Error> {
		let mut served: Vec<Served> = Vec::with_capacity(paths.len());
		for path in paths {
			let s = Served::open(path)?;
			if let Some(other) = served.iter().find(|o| o.index.hash() == s.index.hash()) {
				return Err(Error::Usage(format!(
					"{} and {} are the same index {}",
					other.path.display(),
					path.display(),
					hex(&s.index.hash())
				)));
			}
			served.push(s);
		}
		Ok(Service { served, max_query_bytes, io_timeout: IO_TIMEOUT })
	}

	/// The time a connection has to send its whole request (default 10 s).
	pub fn with_io_timeout(mut self, timeout: Duration) -> Service {
		self.io_timeout = timeout;
		self
	}

	/// The hashes of the indexes served, in `--index` order.
	pub fn hashes(&self) -> Vec<[u8; 32]> {
		self.served.iter().map(|s| s.index.hash()).collect()
	}

	/// Re-opens every index whose file changed since it was opened; a file that cannot be
	/// opened any more is served by no hash until it can.
	fn refresh(&mut self) {
		for s in &mut self.served {
			if s.current() {
				continue;
			}
			let now = FileStamp::of(&s.path).ok();
			if now.is_some() && now == s.failed {
				continue;
			}
			match Served::open(&s.path) {
				Ok(new) => {
					eprintln!(
						"{}: the file changed: index {} replaced by {}",
						s.path.display(),
						hex(&s.index.hash()),
						hex(&new.index.hash())
					);
					*s = new;
				}
				Err(e) => {
					eprintln!("{}: the file changed and cannot be used: {e}", s.path.display());
					// Keep the old entry, stale (its stamp no longer matches the file): it
					// answers nothing until the file changes again and opens.
					s.failed = now;
				}
			}
		}
	}

	/// Answers one request.
	pub fn answer(&mut self, request: &Request) -> Answer {
		self.refresh();
		let (path, query) = match request.target.split_once('?') {
			Some((p, q)) => (p, Some(q)),
			None => (request.target.as_str(), None),
		};
		match (request.method.as_str(), path) {
			("GET", "/v1/indexes") => {
				let mut body = String::new();
				for s in self.served.iter().filter(|s| s.current()) {
					body.push_str(&hex(&s.index.hash()));
					body.push('\n');
				}
				Answer::ok(body)
			}
			("POST", p) if p.starts_with("/v1/attribute/") => {
				let hash = &p["/v1/attribute/".len()..];
				self.attribute(hash, query, &request.body)
			}
			(_, "/v1/indexes") => Answer::error(405, "use GET /v1/indexes"),
			(_, p) if p.starts_with("/v1/attribute/") => {
				Answer::error(405, "use POST /v1/attribute/0x<index hash>")
			}
			_ => Answer::error(404, format!("no such route: {path}")),
		}
	}

	fn attribute(&self, hash: &str, query: Option<&str>, body: &[u8]) -> Answer {
		let mut max: Option<usize> = None;
		for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
			match pair.split_once('=') {
				Some(("max", v)) => match v.parse::<usize>() {
					Ok(n) if n >= 1 => max = Some(n),
					_ => {
						return Answer::error(
							400,
							format!("max must be a positive integer, got {v:?}"),
						)
					}
				},
				_ => return Answer::error(400, format!("unknown parameter {pair:?}")),
			}
		}
		let Some(served) = self.served.iter().find(|s| hex(&s.index.hash()) == hash) else {
			return Answer::error(404, format!("index {hash} is not served here"));
		};
		if !served.current() {
			return Answer::error(
				404,
				format!("index {hash} is not served here: {} changed", served.path.display()),
			);
		}
		if body.len() > self.max_query_bytes {
			return Answer::error(
				413,
				format!(
					"query of {} bytes above the limit of {}",
					body.len(),
					self.max_query_bytes
				),
			);
		}
		let index = &served.index;
		// Not UTF-8, no token, no span: nothing to pay for, said in the message.
		let result = match index.find_spans(body, &index.query_options()) {
			Ok(r) => r,
			Err(e) => return Answer::error(400, e.to_string()),
		};
		// The bytes scored must be the bytes the hash names.
		if !served.current() {
			return Answer::error(
				503,
				format!("{} changed while scoring; ask again", served.path.display()),
			);
		}
		let shares = result.shares(max.unwrap_or(result.scores.len()));
		let mut body = format!(
			"{ANSWER_TAG} {hash} engine={} tokenizer={SPAN_TOKENIZER_VERSION}\n",
			crate::ENGINE_VERSION
		);
		for (c, ppb) in shares {
			body.push_str(index.contributor(c as usize));
			body.push('\t');
			body.push_str(&ppb.to_string());
			body.push('\n');
		}
		Answer::ok(body)
	}
}

/// A connection read under one deadline for the whole request (a client sending a byte at a
/// time cannot hold the service longer than that).
struct DeadlineReader {
	stream: TcpStream,
	deadline: Instant,
}

impl Read for DeadlineReader {
	fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
		let left = self.deadline.saturating_duration_since(Instant::now());
		if left.is_zero() {
			return Err(std::io::ErrorKind::TimedOut.into());
		}
		self.stream.set_read_timeout(Some(left))?;
		self.stream.read(buf)
	}
}

/// Why a request could not be read.
#[derive(Debug)]
enum ReadError {
	Io,
	Bad(String),
	NoLength,
	TooLarge(usize),
}

/// Reads one HTTP/1.1 request: its head (at most [`MAX_HEAD_BYTES`]) and its body
/// (`Content-Length` or chunked, at most `max_body` bytes).
fn read_request(stream: &mut impl BufRead, max_body: usize) -> Result<Request, ReadError> {
	let mut head = Vec::new();
	loop {
		let before = head.len();
		let n = stream
			.by_ref()
			.take((MAX_HEAD_BYTES + 1 - head.len().min(MAX_HEAD_BYTES)) as u64)
			.read_until(b'\n', &mut head)
			.map_err(|_| ReadError::Io)?;
		if n == 0 {
			return Err(ReadError::Bad("the request ended in its head".into()));
		}
		if head.len() > MAX_HEAD_BYTES {
			return Err(ReadError::Bad(format!("request head above {MAX_HEAD_BYTES} bytes")));
		}
		let line = &head[before..];
		if line == b"\r\n" || line == b"\n" {
			break;
		}
	}
	let head =
		String::from_utf8(head).map_err(|_| ReadError::Bad("request head not UTF-8".into()))?;
	let mut lines = head.lines();
	let request_line = lines.next().unwrap_or_default();
	let mut parts = request_line.split(' ');
	let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
	else {
		return Err(ReadError::Bad(format!("malformed request line {request_line:?}")));
	};
	if !version.starts_with("HTTP/1.") {
		return Err(ReadError::Bad(format!("unsupported protocol {version:?}")));
	}
	let mut length: Option<usize> = None;
	let mut chunked = false;
	for line in lines.filter(|l| !l.is_empty()) {
		let Some((name, value)) = line.split_once(':') else {
			return Err(ReadError::Bad(format!("malformed header {line:?}")));
		};
		let value = value.trim();
		if name.eq_ignore_ascii_case("content-length") {
			let n: usize = value
				.parse()
				.map_err(|_| ReadError::Bad(format!("bad Content-Length {value:?}")))?;
			length = Some(n);
		} else if name.eq_ignore_ascii_case("transfer-encoding") {
			chunked = value.eq_ignore_ascii_case("chunked");
			if !chunked {
				return Err(ReadError::Bad(format!("unsupported Transfer-Encoding {value:?}")));
			}
		}
	}
	let body = if chunked {
		read_chunked(stream, max_body)?
	} else if method == "POST" {
		let n = length.ok_or(ReadError::NoLength)?;
		if n > max_body {
			return Err(ReadError::TooLarge(n));
		}
		let mut body = vec![0u8; n];
		stream.read_exact(&mut body).map_err(|_| ReadError::Io)?;
		body
	} else {
		Vec::new()
	};
	Ok(Request { method: method.to_string(), target: target.to_string(), body })
}

/// Reads a chunked body of at most `max_body` bytes.
fn read_chunked(stream: &mut impl BufRead, max_body: usize) -> Result<Vec<u8>, ReadError> {
	let mut body = Vec::new();
	loop {
		let mut line = Vec::new();
		stream.by_ref().take(64).read_until(b'\n', &mut line).map_err(|_| ReadError::Io)?;
		let text =
			core::str::from_utf8(&line).map_err(|_| ReadError::Bad("bad chunk size".into()))?;
		let size_text = text.trim().split(';').next().unwrap_or("");
		let size = usize::from_str_radix(size_text, 16)
			.map_err(|_| ReadError::Bad(format!("bad chunk size {size_text:?}")))?;
		if size == 0 {
			// Trailers, if any, end with an empty line; at most MAX_HEAD_BYTES of them.
			let mut trailers = 0usize;
			loop {
				let mut t = Vec::new();
				let n = stream
					.by_ref()
					.take(MAX_HEAD_BYTES as u64)
					.read_until(b'\n', &mut t)
					.map_err(|_| ReadError::Io)?;
				if n == 0 || t == b"\r\n" || t == b"\n" {
					return Ok(body);
				}
				trailers += n;
				if trailers > MAX_HEAD_BYTES {
					return Err(ReadError::Bad(format!("trailers above {MAX_HEAD_BYTES} bytes")));
				}
			}
		}
		if body.len().saturating_add(size) > max_body {
			return Err(ReadError::TooLarge(body.len().saturating_add(size)));
		}
		let start = body.len();
		body.resize(start + size, 0);
		stream.read_exact(&mut body[start..]).map_err(|_| ReadError::Io)?;
		let mut crlf = [0u8; 2];
		stream.read_exact(&mut crlf).map_err(|_| ReadError::Io)?;
		if &crlf != b"\r\n" {
			return Err(ReadError::Bad("chunk not followed by CRLF".into()));
		}
	}
}

fn write_answer(stream: &mut TcpStream, answer: &Answer) -> std::io::Result<()> {
	let head = format!(
		"HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
		answer.status,
		answer.reason(),
		answer.body.len()
	);
	stream.write_all(head.as_bytes())?;
	stream.write_all(answer.body.as_bytes())?;
	stream.flush()
}

/// Reads one request from `stream` (within the service's I/O timeout in all), answers it
/// and closes the connection.
fn handle(service: &mut Service, stream: TcpStream) {
	let started = Instant::now();
	let _ = stream.set_write_timeout(Some(service.io_timeout));
	let Ok(read_half) = stream.try_clone() else { return };
	let deadline = started + service.io_timeout;
	let mut reader = BufReader::new(DeadlineReader { stream: read_half, deadline });
	let (answer, what) = match read_request(&mut reader, service.max_query_bytes) {
		Ok(request) => {
			let what =
				format!("{} {} ({} bytes)", request.method, request.target, request.body.len());
			// A panic while scoring (a defect, never expected) answers 500 and keeps serving.
			let answer =
				std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| service.answer(&request)))
					.unwrap_or_else(|_| {
						Answer::error(500, "internal error while scoring; see the service's log")
					});
			(answer, what)
		}
		Err(ReadError::Io) => return,
		Err(ReadError::Bad(m)) => (Answer::error(400, m), "malformed request".to_string()),
		Err(ReadError::NoLength) => {
			(Answer::error(411, "a POST needs a Content-Length or a chunked body"), "POST".into())
		}
		Err(ReadError::TooLarge(n)) => (
			Answer::error(
				413,
				format!("query of {n} bytes above the limit of {}", service.max_query_bytes),
			),
			"POST".into(),
		),
	};
	let mut stream = stream;
	let _ = write_answer(&mut stream, &answer);
	// Close gracefully: a request refused before its body was read would otherwise be reset
	// (and the client lose the answer). What is left is read for at most DRAIN_TIME.
	let _ = stream.shutdown(std::net::Shutdown::Write);
	reader.get_mut().deadline = Instant::now() + DRAIN_TIME;
	let mut scratch = [0u8; 8192];
	let mut drained = 0usize;
	while drained < DRAIN_BYTES {
		match reader.read(&mut scratch) {
			Ok(0) | Err(_) => break,
			Ok(n) => drained += n,
		}
	}
	let first_line = answer.body.lines().next().unwrap_or("");
	eprintln!(
		"{what} -> {} in {:.1} ms: {first_line}",
		answer.status,
		started.elapsed().as_secs_f64() * 1e3
	);
}

/// `serve`: opens the indexes, listens on a loopback address and answers requests one at a
/// time until the process is stopped.
pub fn serve(a: &ServeArgs) -> Result<(), Error> {
	if !a.listen.ip().is_loopback() {
		return Err(Error::Usage(format!(
			"--listen {}: the service is for the node on this machine; listen on a loopback address (127.0.0.1 or [::1])",
			a.listen
		)));
	}
	let service = Service::open(&a.index, a.max_query_bytes)?;
	let listener = TcpListener::bind(a.listen)
		.map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", a.listen)))?;
	let addr = listener.local_addr().unwrap_or(a.listen);
	let mut out = std::io::stdout();
	for (s, hash) in service.served.iter().zip(service.hashes()) {
		let _ = writeln!(out, "serving {} ({})", hex(&hash), s.path.display());
	}
	let _ = writeln!(out, "listening on http://{addr}");
	let _ = out.flush();
	serve_on(service, listener);
	Ok(())
}

/// Answers the connections of `listener` one at a time, for as long as it accepts them.
pub fn serve_on(mut service: Service, listener: TcpListener) {
	for stream in listener.incoming() {
		match stream {
			Ok(stream) => handle(&mut service, stream),
			Err(e) => eprintln!("accept failed: {e}"),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::io::Cursor;

	fn read(raw: &[u8], max: usize) -> Result<Request, ReadError> {
		read_request(&mut Cursor::new(raw.to_vec()), max)
	}

	#[test]
	fn a_request_with_a_length_is_read_whole() {
		let r = read(
			b"POST /v1/attribute/0x00?max=3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
			10,
		)
		.unwrap();
		assert_eq!((r.method.as_str(), r.target.as_str()), ("POST", "/v1/attribute/0x00?max=3"));
		assert_eq!(r.body, b"hello");
	}

	#[test]
	fn a_chunked_request_is_read_whole() {
		let raw = b"POST /v1/attribute/0x00 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2;x=y\r\nlo\r\n0\r\n\r\n";
		assert_eq!(read(raw, 10).unwrap().body, b"hello");
	}

	#[test]
	fn bad_requests_are_refused() {
		assert!(matches!(read(b"POST /x HTTP/1.1\r\n\r\n", 10), Err(ReadError::NoLength)));
		assert!(matches!(
			read(b"POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", 10),
			Err(ReadError::TooLarge(11))
		));
		assert!(matches!(
			read(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n4\r\n1234\r\n0\r\n\r\n", 10),
			Err(ReadError::TooLarge(12))
		));
		assert!(matches!(read(b"GARBAGE\r\n\r\n", 10), Err(ReadError::Bad(_))));
		assert!(matches!(read(b"GET / SPDY/3\r\n\r\n", 10), Err(ReadError::Bad(_))));
		assert!(matches!(read(b"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 10), Err(ReadError::Bad(_))));
		assert!(matches!(read(b"GET / HTTP/1.1\r\n", 10), Err(ReadError::Bad(_))));
		let huge =
			[b"GET / HTTP/1.1\r\nX: ".as_slice(), &[b'a'; MAX_HEAD_BYTES], b"\r\n\r\n"].concat();
		assert!(matches!(read(&huge, 10), Err(ReadError::Bad(_))));
	}
}

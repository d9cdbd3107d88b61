//! The span service (`tributary attribution serve`) over real loopback sockets: its answers
//! equal `score`'s, bad requests get their status and message, and an index file replaced
//! under the running service is never answered for with the old hash.

use std::{
	io::{Read, Write},
	net::{SocketAddr, TcpListener, TcpStream},
	path::{Path, PathBuf},
};
use tributary_attribution::{
	cli::{hex, run_to_string, AttributionCmd, ScoreArgs},
	span::{
		build_file,
		serve::{serve_on, Service, ANSWER_TAG},
		SpanBuildOptions, SpanDocument,
	},
};

fn scratch(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("tributary-serve-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

const FOX: &str = "the quick brown fox jumps over the lazy dog near the river bank";
const TAILOR: &str = "a stitch in time saves nine, said the old tailor to his apprentice";
const OTHER: &str = "an entirely different text with other words in it and no animals";

fn build(path: &Path, docs: &[(&str, &str)]) -> [u8; 32] {
	let docs: Vec<SpanDocument<'_>> = docs
		.iter()
		.map(|(id, text)| SpanDocument { contributor: id, name: id, text: text.as_bytes() })
		.collect();
	let opts = SpanBuildOptions { min_span: 3, ..Default::default() };
	build_file(&docs, &opts, path).unwrap().hash
}

/// Starts a service for `paths` on a free loopback port.
fn start(paths: &[PathBuf], max_query_bytes: usize) -> SocketAddr {
	let service = Service::open(paths, max_query_bytes)
		.unwrap()
		.with_io_timeout(std::time::Duration::from_millis(500));
	let listener = TcpListener::bind("127.0.0.1:0").unwrap();
	let addr = listener.local_addr().unwrap();
	std::thread::spawn(move || serve_on(service, listener));
	addr
}

/// Sends raw request bytes; returns the status and the body.
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
	let mut s = TcpStream::connect(addr).unwrap();
	s.write_all(request).unwrap();
	let mut answer = String::new();
	s.read_to_string(&mut answer).unwrap();
	let status = answer[9..12].parse().unwrap();
	let body = answer.split_once("\r\n\r\n").unwrap().1.to_string();
	(status, body)
}

fn post(addr: SocketAddr, target: &str, body: &[u8]) -> (u16, String) {
	let head =
		format!("POST {target} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n", body.len());
	raw(addr, &[head.as_bytes(), body].concat())
}

fn get(addr: SocketAddr, target: &str) -> (u16, String) {
	raw(addr, format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
}

/// `(contributor, parts per billion)` of a successful answer, after checking its first line.
fn shares_of(body: &str, hash: &[u8; 32]) -> Vec<(String, u32)> {
	let mut lines = body.lines();
	let first = lines.next().unwrap();
	assert!(first.starts_with(&format!("{ANSWER_TAG} {} engine=", hex(hash))), "{first}");
	lines
		.map(|l| {
			let (c, p) = l.split_once('\t').unwrap();
			(c.to_string(), p.parse().unwrap())
		})
		.collect()
}

/// `(contributor, parts per billion)` as `score --format json` prints them.
fn cli_shares(index: &Path, query: &Path, top: Option<usize>) -> Vec<(String, u32)> {
	let args = ScoreArgs {
		index: index.to_path_buf(),
		query: query.to_path_buf(),
		per_example: false,
		top,
		format: "json".into(),
		data: Vec::new(),
		max_memory: None,
		per_span: false,
		min_span: None,
		max_occurrences: None,
	};
	let out = run_to_string(AttributionCmd::Score(args)).unwrap();
	let v: serde_json::Value = serde_json::from_str(&out).unwrap();
	v["contributions"]
		.as_array()
		.unwrap()
		.iter()
		.filter(|c| c["share"].as_f64().unwrap() > 0.0)
		.map(|c| {
			let ppb = (c["share"].as_f64().unwrap() * 1e9).round() as u32;
			(c["contributor"].as_str().unwrap().to_string(), ppb)
		})
		.collect()
}

#[test]
fn answers_equal_the_command_line_and_bad_requests_are_refused() {
	let dir = scratch("answers");
	let path = dir.join("text.idx");
	let hash = build(&path, &[("1:0", FOX), ("1:1", TAILOR), ("2:0", OTHER)]);
	let addr = start(std::slice::from_ref(&path), 256);

	assert_eq!(get(addr, "/v1/indexes"), (200, format!("{}\n", hex(&hash))));

	let output = "she wrote: the quick brown fox jumps over, and then a stitch in time saves nine.";
	let query = dir.join("output.txt");
	std::fs::write(&query, output).unwrap();
	let (status, body) = post(addr, &format!("/v1/attribute/{}", hex(&hash)), output.as_bytes());
	assert_eq!(status, 200, "{body}");
	let mut served = shares_of(&body, &hash);
	assert_eq!(served.iter().map(|(_, p)| *p as u64).sum::<u64>(), 1_000_000_000);
	assert_eq!(served.len(), 2, "exactly the two quoted contributions: {served:?}");
	let mut cli = cli_shares(&path, &query, None);
	served.sort();
	cli.sort();
	assert_eq!(served, cli);

	// `max` keeps the top contributions, as `score --top` does.
	let (status, body) =
		post(addr, &format!("/v1/attribute/{}?max=1", hex(&hash)), output.as_bytes());
	assert_eq!(status, 200);
	let top = shares_of(&body, &hash);
	assert_eq!(top, cli_shares(&path, &query, Some(1)));
	assert_eq!(top.len(), 1);
	assert_eq!(top[0].1, 1_000_000_000);

	// A chunked body (as an HTTP client without a length sends it) gets the same answer.
	let chunked = format!(
		"POST /v1/attribute/{} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{output}\r\n0\r\n\r\n",
		hex(&hash),
		output.len()
	);
	let (status, again) = raw(addr, chunked.as_bytes());
	assert_eq!(status, 200);
	let mut again = shares_of(&again, &hash);
	again.sort();
	assert_eq!(again, cli);

	// Bad requests: their status and a message naming the problem.
	let attribute = format!("/v1/attribute/{}", hex(&hash));
	let cases: Vec<(u16, (u16, String), &str)> = vec![
		(404, post(addr, &format!("/v1/attribute/0x{}", "ab".repeat(32)), b"x y z"), "not served"),
		(400, post(addr, &attribute, b"nothing from the corpus here at all"), "no span"),
		(400, post(addr, &attribute, b"   "), "empty query"),
		(400, post(addr, &attribute, b"the quick \xff brown"), "invalid UTF-8"),
		(413, post(addr, &attribute, &[b'a'; 300]), "above the limit"),
		(400, post(addr, &format!("{attribute}?max=0"), output.as_bytes()), "positive integer"),
		(400, post(addr, &format!("{attribute}?top=3"), output.as_bytes()), "unknown parameter"),
		(405, get(addr, &attribute), "use POST"),
		(404, get(addr, "/"), "no such route"),
		(411, raw(addr, format!("POST {attribute} HTTP/1.1\r\n\r\n").as_bytes()), "Content-Length"),
		(400, raw(addr, b"NONSENSE\r\n\r\n"), "malformed request line"),
	];
	for (status, (got, body), says) in cases {
		assert_eq!(got, status, "{body}");
		assert!(body.contains(says), "{body:?} should say {says:?}");
	}
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_index_replaced_under_the_service_is_never_answered_for_with_the_old_hash() {
	let dir = scratch("swap");
	let path = dir.join("text.idx");
	let old = build(&path, &[("1:0", FOX), ("1:1", TAILOR)]);
	let addr = start(std::slice::from_ref(&path), 4096);
	let quote = b"the quick brown fox jumps over the lazy dog";
	assert_eq!(post(addr, &format!("/v1/attribute/{}", hex(&old)), quote).0, 200);

	// Another index renamed over the file: the old hash is refused, the new one served.
	let new = build(&path, &[("1:0", FOX), ("3:0", OTHER)]);
	assert_ne!(old, new);
	let (status, body) = post(addr, &format!("/v1/attribute/{}", hex(&old)), quote);
	assert_eq!(status, 404, "{body}");
	assert_eq!(get(addr, "/v1/indexes"), (200, format!("{}\n", hex(&new))));
	let (status, body) = post(addr, &format!("/v1/attribute/{}", hex(&new)), quote);
	assert_eq!(status, 200, "{body}");
	assert_eq!(shares_of(&body, &new), vec![("1:0".to_string(), 1_000_000_000)]);

	// A damaged file (truncated in place): nothing is served, nothing panics.
	let bytes = std::fs::read(&path).unwrap();
	std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
	let (status, body) = post(addr, &format!("/v1/attribute/{}", hex(&new)), quote);
	assert_eq!(status, 404, "{body}");
	assert!(body.contains("changed"), "{body}");
	assert_eq!(get(addr, "/v1/indexes"), (200, String::new()));

	// Repaired: served again.
	std::fs::write(&path, &bytes).unwrap();
	assert_eq!(get(addr, "/v1/indexes"), (200, format!("{}\n", hex(&new))));
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_same_index_twice_or_an_unusable_file_is_refused_at_start() {
	let dir = scratch("start");
	let a = dir.join("a.idx");
	build(&a, &[("1:0", FOX)]);
	let b = dir.join("b.idx");
	std::fs::copy(&a, &b).unwrap();
	let err = Service::open(&[a.clone(), b], 64).err().unwrap().to_string();
	assert!(err.contains("are the same index"), "{err}");
	let bad = dir.join("bad.idx");
	std::fs::write(&bad, b"not an index").unwrap();
	assert!(Service::open(&[bad], 64).is_err());
	assert!(Service::open(&[dir.join("missing.idx")], 64).is_err());
	let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_client_that_stalls_holds_the_service_for_its_timeout_only() {
	let dir = scratch("stall");
	let path = dir.join("text.idx");
	let hash = build(&path, &[("1:0", FOX)]);
	let addr = start(&[path], 4096);
	// One client sends half a request head and stalls; another stalls in its trailers.
	let mut stalled = TcpStream::connect(addr).unwrap();
	stalled.write_all(b"POST /v1/attribute/").unwrap();
	let mut trickle = TcpStream::connect(addr).unwrap();
	trickle
		.write_all(b"POST /v1/indexes HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n")
		.unwrap();
	let started = std::time::Instant::now();
	// The next client is answered once the timeouts (0.5 s each) have passed.
	assert_eq!(get(addr, "/v1/indexes"), (200, format!("{}\n", hex(&hash))));
	let waited = started.elapsed();
	assert!(waited < std::time::Duration::from_secs(5), "waited {waited:?}");
	drop((stalled, trickle));
	let _ = std::fs::remove_dir_all(&dir);
}

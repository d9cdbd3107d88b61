//! Span results from the node operator's span service (`tributary attribution serve`).
//!
//! A span index (text attribution by suffix-array span matching) can be gigabytes: too large
//! to fetch into the worker and score in wasm. The operator runs the service on loopback
//! with the index file and starts the node with `--attribution-span-service URL`, which the
//! node writes to PERSISTENT off-chain storage under
//! [`SPAN_SERVICE_STORAGE_KEY`]. Once per run the worker asks the service which index
//! hashes it serves (`GET /v1/indexes`); inferences paid against one of them are scored by
//! `POST /v1/attribute/0x<hash>?max=MaxAttributedContributions` with the query bytes. An
//! answer counts only if its first line names that very hash (the service refuses a hash
//! whose file changed), and its shares become a result like the engine's: contributions
//! `dataset:contribution`, sorted, summing to 10⁹ (the runtime checks them again).

use alloc::{format, string::String, vec::Vec};
use sp_core::H256;
use sp_runtime::Perbill;
use tributary_attribution::parse_contribution_id;
use tributary_primitives::{attestor::SPAN_SERVICE_STORAGE_KEY, ContributionRef};

use super::http::{self, FetchError};

/// The longest answer read from the service (a list of hashes or one result).
const MAX_ANSWER_BYTES: u32 = 64 * 1024;
/// How long one request to the service may take.
const SERVICE_TIMEOUT_MS: u64 = 10_000;
/// The word the first line of a result starts with.
const ANSWER_TAG: &str = "tributary-span";

/// Why the service gave no usable result.
#[derive(Debug, PartialEq, Eq)]
pub enum SpanServiceError {
	/// The request failed or the service refused it (with its message).
	Fetch(FetchError),
	/// The answer is not a result for the index asked about (what is wrong).
	BadAnswer(&'static str),
	/// A contributor id is not of the form `dataset:contribution`.
	BadContributor(String),
}

impl core::fmt::Display for SpanServiceError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			SpanServiceError::Fetch(e) => write!(f, "{e}"),
			SpanServiceError::BadAnswer(what) => write!(f, "bad answer: {what}"),
			SpanServiceError::BadContributor(id) => {
				write!(f, "contributor {id:?} is not of the form dataset:contribution")
			}
		}
	}
}

/// The service's base URL, if the node was started with one.
pub fn configured() -> Option<String> {
	let raw = sp_io::offchain::local_storage_get(
		sp_core::offchain::StorageKind::PERSISTENT,
		SPAN_SERVICE_STORAGE_KEY,
	)?;
	let url = String::from_utf8(raw).ok()?;
	let url = String::from(url.trim().trim_end_matches('/'));
	(!url.is_empty()).then_some(url)
}

/// The index hashes the service at `url` serves.
pub fn served(url: &str) -> Result<Vec<H256>, SpanServiceError> {
	let body = http::fetch(&format!("{url}/v1/indexes"), MAX_ANSWER_BYTES)
		.map_err(SpanServiceError::Fetch)?;
	parse_hashes(&body)
}

/// The result of `query` against the index `hash` at the service at `url`: at most
/// `max_entries` contributions, sorted, with their shares.
pub fn attribute(
	url: &str,
	hash: &H256,
	query: &[u8],
	max_entries: u32,
) -> Result<Vec<(ContributionRef, Perbill)>, SpanServiceError> {
	let uri = format!("{url}/v1/attribute/{}?max={max_entries}", hex(hash));
	let body = http::post(&uri, query, MAX_ANSWER_BYTES, SERVICE_TIMEOUT_MS)
		.map_err(SpanServiceError::Fetch)?;
	parse_result(&body, hash, max_entries)
}

/// `0x` and the hash's 64 lower-case hex digits, as the service names its indexes.
pub fn hex(hash: &H256) -> String {
	format!("0x{}", sp_core::hexdisplay::HexDisplay::from(&hash.0))
}

fn parse_hash(text: &str) -> Option<H256> {
	let digits = text.strip_prefix("0x")?;
	if digits.len() != 64 {
		return None;
	}
	let mut out = [0u8; 32];
	for (i, byte) in out.iter_mut().enumerate() {
		*byte = u8::from_str_radix(digits.get(2 * i..2 * i + 2)?, 16).ok()?;
	}
	Some(H256(out))
}

/// One `0x…` hash per line.
pub fn parse_hashes(body: &[u8]) -> Result<Vec<H256>, SpanServiceError> {
	let text = core::str::from_utf8(body).map_err(|_| SpanServiceError::BadAnswer("not UTF-8"))?;
	text.lines()
		.filter(|l| !l.trim().is_empty())
		.map(|l| parse_hash(l.trim()).ok_or(SpanServiceError::BadAnswer("not a list of hashes")))
		.collect()
}

/// A result answer for index `hash`: its first line names the hash and this runtime's
/// `ENGINE_VERSION` (a service of another engine version scores differently, and its
/// result would not be the quorum's), every other line is `dataset:contribution<TAB>parts
/// per billion`, each share positive, the shares summing to exactly 10⁹: a result the
/// runtime would refuse at reveal is never committed to.
pub fn parse_result(
	body: &[u8],
	hash: &H256,
	max_entries: u32,
) -> Result<Vec<(ContributionRef, Perbill)>, SpanServiceError> {
	let text = core::str::from_utf8(body).map_err(|_| SpanServiceError::BadAnswer("not UTF-8"))?;
	let mut lines = text.lines();
	let mut first = lines.next().unwrap_or("").split(' ');
	if first.next() != Some(ANSWER_TAG) {
		return Err(SpanServiceError::BadAnswer("no result header"));
	}
	if first.next().and_then(parse_hash) != Some(*hash) {
		return Err(SpanServiceError::BadAnswer("the result is for another index"));
	}
	let engine = alloc::format!("engine={}", tributary_attribution::ENGINE_VERSION);
	if first.next() != Some(engine.as_str()) {
		return Err(SpanServiceError::BadAnswer("the service runs another engine version"));
	}
	let mut result = Vec::new();
	let mut total: u64 = 0;
	for line in lines.filter(|l| !l.is_empty()) {
		if result.len() >= max_entries as usize {
			return Err(SpanServiceError::BadAnswer("more contributions than asked for"));
		}
		let (id, ppb) =
			line.split_once('\t').ok_or(SpanServiceError::BadAnswer("malformed share line"))?;
		let (dataset, contribution) = parse_contribution_id(id.as_bytes())
			.ok_or_else(|| SpanServiceError::BadContributor(String::from(id)))?;
		let ppb: u32 = ppb.parse().map_err(|_| SpanServiceError::BadAnswer("malformed share"))?;
		if ppb == 0 || ppb > 1_000_000_000 {
			return Err(SpanServiceError::BadAnswer("a share outside 1..=10⁹ parts per billion"));
		}
		total = total.saturating_add(ppb as u64);
		result.push((ContributionRef::new(dataset, contribution), Perbill::from_parts(ppb)));
	}
	if result.is_empty() {
		return Err(SpanServiceError::BadAnswer("no contribution"));
	}
	if total != 1_000_000_000 {
		return Err(SpanServiceError::BadAnswer("the shares do not sum to 10⁹"));
	}
	result.sort_by_key(|(c, _)| *c);
	if result.windows(2).any(|w| w[0].0 == w[1].0) {
		return Err(SpanServiceError::BadAnswer("a contribution named twice"));
	}
	Ok(result)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hash() -> H256 {
		H256::repeat_byte(0xab)
	}

	fn answer(hash: &str, lines: &[&str]) -> Vec<u8> {
		let mut s = format!(
			"{ANSWER_TAG} {hash} engine={} tokenizer=1\n",
			tributary_attribution::ENGINE_VERSION
		);
		for l in lines {
			s.push_str(l);
			s.push('\n');
		}
		s.into_bytes()
	}

	#[test]
	fn a_result_for_the_index_asked_about_is_parsed_and_sorted() {
		let body = answer(&hex(&hash()), &["2:0\t250000000", "1:5\t750000000"]);
		assert_eq!(
			parse_result(&body, &hash(), 32).unwrap(),
			vec![
				(ContributionRef::new(1, 5), Perbill::from_parts(750_000_000)),
				(ContributionRef::new(2, 0), Perbill::from_parts(250_000_000)),
			]
		);
	}

	#[test]
	fn answers_that_are_not_a_result_for_this_index_are_refused() {
		let other = hex(&H256::repeat_byte(0xcd));
		let ours = hex(&hash());
		let cases: Vec<(Vec<u8>, SpanServiceError)> = vec![
			(
				answer(&other, &["1:0\t1000000000"]),
				SpanServiceError::BadAnswer("the result is for another index"),
			),
			(b"hello\n1:0\t1000000000\n".to_vec(), SpanServiceError::BadAnswer("no result header")),
			(answer(&ours, &[]), SpanServiceError::BadAnswer("no contribution")),
			(
				answer(&ours, &["1:0 1000000000"]),
				SpanServiceError::BadAnswer("malformed share line"),
			),
			(answer(&ours, &["1:0\tmany"]), SpanServiceError::BadAnswer("malformed share")),
			(
				answer(&ours, &["book.txt\t1000000000"]),
				SpanServiceError::BadContributor("book.txt".into()),
			),
			(
				answer(&ours, &["1:0\t500000000", "1:0\t500000000"]),
				SpanServiceError::BadAnswer("a contribution named twice"),
			),
			(
				answer(&ours, &["1:0\t500000000", "1:1\t500000000"]),
				SpanServiceError::BadAnswer("more contributions than asked for"),
			),
			(
				answer(&ours, &["1:0\t500000000", "1:1\t400000000"]),
				SpanServiceError::BadAnswer("the shares do not sum to 10⁹"),
			),
			(
				answer(&ours, &["1:0\t0", "1:1\t1000000000"]),
				SpanServiceError::BadAnswer("a share outside 1..=10⁹ parts per billion"),
			),
			(
				answer(&ours, &["1:0\t2000000000"]),
				SpanServiceError::BadAnswer("a share outside 1..=10⁹ parts per billion"),
			),
			(
				format!("{ANSWER_TAG} {ours} engine=999 tokenizer=1\n1:0\t1000000000\n")
					.into_bytes(),
				SpanServiceError::BadAnswer("the service runs another engine version"),
			),
			(vec![0xff, 0xfe], SpanServiceError::BadAnswer("not UTF-8")),
		];
		for (body, error) in cases {
			let max = if error == SpanServiceError::BadAnswer("more contributions than asked for") {
				1
			} else {
				32
			};
			assert_eq!(parse_result(&body, &hash(), max), Err(error));
		}
	}

	#[test]
	fn hash_lists_are_parsed_and_garbage_is_refused() {
		let body = format!("{}\n{}\n", hex(&hash()), hex(&H256::zero()));
		assert_eq!(parse_hashes(body.as_bytes()).unwrap(), vec![hash(), H256::zero()]);
		assert_eq!(parse_hashes(b"").unwrap(), vec![]);
		assert!(parse_hashes(b"0x1234\n").is_err());
		assert!(parse_hashes(format!("{}zz", &hex(&hash())[..64]).as_bytes()).is_err());
	}
}

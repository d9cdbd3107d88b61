//! The zero-copy [`IndexView`] against the copying [`Index::decode`]: identical results bit
//! for bit, identical accept/reject on corrupted bytes, work limits, query column matching,
//! score canonicalisation.

mod common;
use common::*;
use tributary_attribution::{
	fixture, parse_contribution_id, projection::SplitMix64, DecodeError, Examples, Family, Index,
	IndexView, Method, Query, QueryError, WorkLimits, ENGINE_VERSION,
};

fn uniform(r: &mut SplitMix64, lo: f64, hi: f64) -> f64 {
	lo + (hi - lo) * r.next_f64()
}

/// A random index (no training: random θ and vectors) of the given shape.
fn random_index(
	r: &mut SplitMix64,
	family: Family,
	method: Method,
	d: usize,
	classes: u32,
	per_example: bool,
) -> Index {
	let p = family.params(d, classes).unwrap();
	let grad = family.grad_dim(d, classes).unwrap();
	let (projection, k) = if matches!(method, Method::Projected | Method::Subspace) {
		let k = 1 + (r.next_u64() % grad as u64) as u32;
		(Some((r.next_u64(), k)), k as usize)
	} else {
		(None, grad)
	};
	let basis = (method == Method::Subspace)
		.then(|| (0..k * grad).map(|_| uniform(r, -1.0, 1.0) as f32).collect());
	let g = 1 + (r.next_u64() % 40) as usize;
	let u = (0..g * k).map(|_| uniform(r, -1.0, 1.0) as f32).collect();
	let examples = per_example.then(|| {
		let n = 1 + (r.next_u64() % 60) as usize;
		Examples {
			contribution: (0..n).map(|_| (r.next_u64() % g as u64) as u32).collect(),
			vectors: (0..n * k).map(|_| uniform(r, -1.0, 1.0) as f32).collect(),
		}
	});
	Index {
		family,
		method,
		features: (0..d).map(|j| format!("x{j}")).collect(),
		classes,
		n_train: 1 + r.next_u64() % 1000,
		l2: 0.01,
		theta: (0..p).map(|_| uniform(r, -2.0, 2.0)).collect(),
		projection,
		basis,
		baseline: (family == Family::Linear && r.next_u64().is_multiple_of(2))
			.then(|| uniform(r, -5.0, 5.0)),
		contributors: (0..g).map(|c| format!("{}:{c}", r.next_u64() % 5).into_bytes()).collect(),
		u,
		examples,
	}
}

/// A query over `names` in a random column order, with a random label (if `label`).
fn random_query(r: &mut SplitMix64, names: &[String], label: Option<f64>) -> Vec<u8> {
	let mut cols: Vec<(String, String)> =
		names.iter().map(|n| (n.clone(), format!("{:.5}", uniform(r, -3.0, 3.0)))).collect();
	if let Some(y) = label {
		cols.push(("label".into(), format!("{y}")));
	}
	if r.next_u64() % 2 == 0 {
		cols.push(("contributor".into(), "7:1".into()));
	}
	// Half the time in the index's order, else shuffled.
	if r.next_u64() % 2 == 0 {
		for i in (1..cols.len()).rev() {
			let j = (r.next_u64() % (i as u64 + 1)) as usize;
			cols.swap(i, j);
		}
	}
	let h: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
	let v: Vec<&str> = cols.iter().map(|c| c.1.as_str()).collect();
	format!("{}\n{}\n", h.join(","), v.join(",")).into_bytes()
}

fn label_for(r: &mut SplitMix64, family: Family, classes: u32) -> Option<f64> {
	if r.next_u64() % 2 == 0 {
		return None;
	}
	Some(match family {
		Family::Linear => uniform(r, -2.0, 2.0),
		Family::Logistic => (r.next_u64() % 2) as f64,
		Family::Softmax => (r.next_u64() % classes as u64) as f64,
		Family::External => 0.0,
	})
}

fn bits(v: &[f64]) -> Vec<u64> {
	v.iter().map(|x| x.to_bits()).collect()
}

/// Every result of the view equals the decoded index's, bit for bit.
fn assert_same(bytes: &[u8], queries: &[Vec<u8>], limits: &WorkLimits) {
	let index = Index::decode_with_limits(bytes, limits).unwrap();
	let view = IndexView::parse(bytes, limits).unwrap();
	assert_eq!(view.contributions(), index.contributions());
	assert_eq!(view.k(), index.k());
	assert_eq!(view.family(), index.family);
	assert_eq!(view.method(), index.method);
	assert_eq!(view.projection(), index.projection);
	assert_eq!(view.theta(), &index.theta[..]);
	for i in 0..index.contributions() {
		assert_eq!(view.contributor(i), &index.contributors[i][..]);
		assert_eq!(view.row(i), index.u[i * index.k()..(i + 1) * index.k()]);
	}
	for q in queries {
		let a = index.score_bytes(q);
		let b = view.score_bytes(q);
		match (&a, &b) {
			(Ok(a), Ok(b)) => assert_eq!(bits(a), bits(b)),
			_ => assert_eq!(a, b),
		}
		for m in [1, 3, 1000] {
			assert_eq!(index.attribute(q, m), view.attribute(q, m));
			assert_eq!(index.attestation(q, m), view.attestation(q, m));
		}
		if let (Ok(qa), Ok(qb)) = (index.parse_query(q), view.parse_query(q)) {
			assert_eq!(qa, qb);
			let (ea, eb) = (index.score_examples(&qa), view.score_examples(&qb));
			match (&ea, &eb) {
				(Ok(a), Ok(b)) => assert_eq!(bits(a), bits(b)),
				_ => assert_eq!(ea, eb),
			}
		}
	}
}

#[test]
fn view_equals_decode_on_random_indices_of_every_family() {
	let mut r = SplitMix64(11);
	let shapes = [
		(Family::Linear, 1u32),
		(Family::Logistic, 1),
		(Family::Softmax, 3),
		(Family::Softmax, 2),
		(Family::External, 1),
	];
	let mut checked = 0;
	for round in 0..150 {
		let (family, classes) = shapes[round % shapes.len()];
		let methods: &[Method] = if family == Family::External {
			&[Method::Exact, Method::Projected, Method::GradDot, Method::Subspace]
		} else {
			&[Method::Exact, Method::Cg, Method::Projected, Method::GradDot, Method::Subspace]
		};
		let method = methods[(round / shapes.len()) % methods.len()];
		// Lengths around the kernel's 16 lanes (tails of every size).
		let d = 1 + (r.next_u64() % 40) as usize;
		let index = random_index(&mut r, family, method, d, classes, round % 3 == 0);
		let bytes = index.encode();
		let queries: Vec<Vec<u8>> = (0..4)
			.map(|_| {
				let y = label_for(&mut r, family, classes);
				random_query(&mut r, &index.features, y)
			})
			.chain([b"x0\n1\n".to_vec(), b"nope,x0\n1,2\n".to_vec()])
			.collect();
		assert_same(&bytes, &queries, &WorkLimits::ON_CHAIN);
		checked += 1;
	}
	assert_eq!(checked, 150);
}

#[test]
fn view_equals_decode_on_the_fixture_and_trained_indices() {
	let (index, query) = fixture::projected_index(999, 10_000, 512);
	let bytes = index.encode();
	let mut r = SplitMix64(3);
	let queries = vec![query, random_query(&mut r, &index.features, Some(1.0))];
	assert_same(&bytes, &queries, &WorkLimits::ON_CHAIN);
	let labelled = format!("label,{WINE_HEADER}\n1,{WINE_ROW}\n").into_bytes();
	for method in [Method::Exact, Method::Cg, Method::Projected, Method::GradDot, Method::Subspace]
	{
		let bytes = wine_index(method, true).encode();
		assert_same(&bytes, &[wine_query(), labelled.clone()], &WorkLimits::ON_CHAIN);
	}
}

/// Re-seals a mutated body with a valid checksum.
fn reseal(body: &[u8]) -> Vec<u8> {
	let mut v = body.to_vec();
	v.extend_from_slice(&tributary_attribution::index::blake2_256(body));
	v
}

fn both(bytes: &[u8], limits: &WorkLimits) -> Result<(), DecodeError> {
	let a = Index::decode_with_limits(bytes, limits).map(|_| ());
	let b = IndexView::parse(bytes, limits).map(|_| ());
	assert_eq!(a, b, "decode and view disagree");
	a
}

#[test]
fn corrupted_bytes_never_panic_and_both_paths_agree() {
	let mut r = SplitMix64(17);
	let sources = [
		random_index(&mut r, Family::Softmax, Method::Projected, 5, 3, true).encode(),
		random_index(&mut r, Family::Linear, Method::Exact, 3, 1, false).encode(),
		random_index(&mut r, Family::External, Method::GradDot, 4, 1, true).encode(),
		random_index(&mut r, Family::Logistic, Method::Subspace, 6, 1, true).encode(),
	];
	let limits = [WorkLimits::ON_CHAIN, WorkLimits::UNLIMITED];
	let mut accepted = 0;
	for round in 0..6_000 {
		let src = &sources[round % sources.len()];
		let body = &src[..src.len() - 32];
		let mut b = body.to_vec();
		match round % 5 {
			0 => {
				let i = 10 + (r.next_u64() % 58) as usize;
				b[i] = r.next_u64() as u8;
			}
			1 => {
				let l = (r.next_u64() % b.len() as u64) as usize;
				b.truncate(l);
			}
			2 => {
				for _ in 0..3 {
					let i = (r.next_u64() % b.len() as u64) as usize;
					b[i] ^= 1 << (r.next_u64() % 8);
				}
			}
			3 => {
				// Insert or remove a byte in the body.
				let i = 68 + (r.next_u64() % (b.len() as u64 - 68)) as usize;
				if r.next_u64() % 2 == 0 {
					b.insert(i, r.next_u64() as u8);
				} else {
					b.remove(i);
				}
			}
			_ => {
				// A non-finite f32 somewhere in the last quarter (vectors).
				let i = b.len() - 4 - (r.next_u64() % (b.len() as u64 / 4)) as usize;
				b[i..i + 4].copy_from_slice(&f32::NAN.to_le_bytes());
			}
		}
		let sealed = reseal(&b);
		let lim = &limits[round % 2];
		if both(&sealed, lim).is_ok() {
			accepted += 1;
			let view = IndexView::parse(&sealed, lim).unwrap();
			let index = Index::decode_with_limits(&sealed, lim).unwrap();
			let q = random_query(&mut r, &index.features, None);
			assert_eq!(index.attestation(&q, 5), view.attestation(&q, 5));
		}
		// Unsealed (checksum mismatch in general) and truncated raw bytes.
		let _ = both(&b, lim);
		let cut = (r.next_u64() % src.len() as u64) as usize;
		assert!(both(&src[..cut], lim).is_err());
	}
	assert!(accepted > 0);
	for len in 0..200 {
		let b: Vec<u8> = (0..len).map(|_| r.next_u64() as u8).collect();
		assert!(both(&b, &WorkLimits::UNLIMITED).is_err());
	}
}

/// Sets a little-endian u32 header field and re-seals.
fn with_u32(bytes: &[u8], at: usize, v: u32) -> Vec<u8> {
	let mut b = bytes[..bytes.len() - 32].to_vec();
	b[at..at + 4].copy_from_slice(&v.to_le_bytes());
	reseal(&b)
}

#[test]
fn every_limit_has_its_error_before_any_work() {
	let (index, _) = fixture::projected_index(999, 10_000, 512);
	let bytes = index.encode();
	assert!(both(&bytes, &WorkLimits::ON_CHAIN).is_ok());
	// Damage the checksum: a limit violation must be reported instead of the checksum
	// mismatch, i.e. before the checksum pass over the body.
	let mut damaged = bytes.clone();
	let n = damaged.len();
	damaged[n - 1] ^= 1;
	assert_eq!(both(&damaged, &WorkLimits::ON_CHAIN), Err(DecodeError::ChecksumMismatch));
	let cases: [(&str, WorkLimits, u64, u64); 7] = [
		(
			"index bytes",
			WorkLimits { max_index_bytes: 1 << 20, ..WorkLimits::ON_CHAIN },
			n as u64,
			1 << 20,
		),
		("features", WorkLimits { max_features: 998, ..WorkLimits::ON_CHAIN }, 999, 998),
		("parameters", WorkLimits { max_params: 999, ..WorkLimits::ON_CHAIN }, 1000, 999),
		("vector length", WorkLimits { max_vector_len: 256, ..WorkLimits::ON_CHAIN }, 512, 256),
		(
			"contributions",
			WorkLimits { max_contributions: 9_999, ..WorkLimits::ON_CHAIN },
			10_000,
			9_999,
		),
		(
			"score work G·k",
			WorkLimits { max_score_work: 5_000_000, ..WorkLimits::ON_CHAIN },
			5_120_000,
			5_000_000,
		),
		(
			"projection work k·p",
			WorkLimits { max_projection_work: 500_000, ..WorkLimits::ON_CHAIN },
			512_000,
			500_000,
		),
	];
	for (what, lim, value, limit) in cases {
		let want = Err(DecodeError::TooLarge { what, value, limit });
		assert_eq!(both(&bytes, &lim), want, "{what}");
		assert_eq!(both(&damaged, &lim), want, "{what} (checked before the checksum)");
	}
	// Examples: a small per-example index.
	let mut r = SplitMix64(4);
	let ex = random_index(&mut r, Family::Logistic, Method::Exact, 3, 1, true);
	let n_ex = ex.examples.as_ref().unwrap().contribution.len() as u64;
	let lim = WorkLimits { max_examples: n_ex - 1, ..WorkLimits::ON_CHAIN };
	assert_eq!(
		both(&ex.encode(), &lim),
		Err(DecodeError::TooLarge { what: "examples", value: n_ex, limit: n_ex - 1 })
	);
	// Declared sizes far beyond the bytes: a limit error, not an attempt to read them.
	let huge = with_u32(&bytes, 56, u32::MAX);
	assert_eq!(
		both(&huge, &WorkLimits::ON_CHAIN),
		Err(DecodeError::TooLarge {
			what: "contributions",
			value: u32::MAX as u64,
			limit: WorkLimits::ON_CHAIN.max_contributions
		})
	);
	assert_eq!(both(&huge, &WorkLimits::UNLIMITED), Err(DecodeError::TruncatedBody));
	// k above the gradient dimension (projected): rejected on chain, accepted unlimited.
	let (small, _) = fixture::projected_index(9, 3, 16);
	let small = small.encode();
	assert_eq!(
		both(&small, &WorkLimits::ON_CHAIN),
		Err(DecodeError::ProjectionAboveDimension { k: 16, dim: 10 })
	);
	assert!(both(&small, &WorkLimits::UNLIMITED).is_ok());
	// The on-chain limits admit the reference workload (G = 10⁴, k = 512, p = 1000).
	assert_eq!(WorkLimits::default(), WorkLimits::ON_CHAIN);
	// Display names the limit.
	let e = DecodeError::TooLarge { what: "contributions", value: 5, limit: 4 };
	assert!(e.to_string().contains("contributions 5 exceeds the limit 4"), "{e}");
	let e = DecodeError::ProjectionAboveDimension { k: 16, dim: 10 };
	assert!(e.to_string().contains("16") && e.to_string().contains("10"), "{e}");
}

/// The quadratic reference: every column looked up by a linear scan.
fn reference_parse(bytes: &[u8], names: &[String]) -> Result<Query, QueryError> {
	let text = std::str::from_utf8(bytes).map_err(|_| QueryError::NotUtf8)?;
	let mut lines = text.lines().filter(|l| !l.trim().is_empty());
	let header: Vec<&str> =
		lines.next().ok_or(QueryError::Empty)?.split(',').map(str::trim).collect();
	let row: Vec<&str> =
		lines.next().ok_or(QueryError::NoDataRow)?.split(',').map(str::trim).collect();
	let mut features = vec![f64::NAN; names.len()];
	let mut seen = vec![false; names.len()];
	let (mut label, mut sl, mut sc) = (None, false, false);
	for (name, value) in header.iter().zip(&row) {
		if *name == "contributor" {
			if sc {
				return Err(QueryError::DuplicateColumn(name.to_string()));
			}
			sc = true;
			continue;
		}
		let v: f64 = value.parse().unwrap();
		if *name == "label" {
			if sl {
				return Err(QueryError::DuplicateColumn(name.to_string()));
			}
			sl = true;
			label = Some(v);
			continue;
		}
		let j = names
			.iter()
			.position(|n| n == name)
			.ok_or_else(|| QueryError::UnknownColumn(name.to_string()))?;
		if seen[j] {
			return Err(QueryError::DuplicateColumn(name.to_string()));
		}
		seen[j] = true;
		features[j] = v;
	}
	if let Some(j) = seen.iter().position(|s| !s) {
		return Err(QueryError::MissingColumn(names[j].clone()));
	}
	Ok(Query { features, label })
}

#[test]
fn column_matching_in_any_order_agrees_with_a_linear_scan() {
	let mut r = SplitMix64(23);
	for round in 0..3_000 {
		let d = 1 + (r.next_u64() % 12) as usize;
		// Names from a small alphabet: collisions (duplicate names) happen sometimes.
		let alphabet = if round % 4 == 0 { 6 } else { 1000 };
		let names: Vec<String> = (0..d).map(|_| format!("c{}", r.next_u64() % alphabet)).collect();
		// Header: a random multiset of names, unknown names, label and contributor.
		let mut cols: Vec<String> = names.clone();
		for i in (1..cols.len()).rev() {
			if r.next_u64() % 3 == 0 {
				let j = (r.next_u64() % (i as u64 + 1)) as usize;
				cols.swap(i, j);
			}
		}
		match r.next_u64() % 8 {
			0 => {
				cols.pop();
			}
			1 => {
				let c = cols[(r.next_u64() % cols.len() as u64) as usize].clone();
				cols.push(c);
			}
			2 => cols.insert(0, "unknown".into()),
			3 => cols.push("label".into()),
			4 => cols.extend(["label".into(), "label".into()]),
			5 => cols.insert(0, "contributor".into()),
			6 => cols.extend(["contributor".into(), "contributor".into()]),
			_ => {}
		}
		if cols.is_empty() {
			continue;
		}
		let values: Vec<String> = (0..cols.len()).map(|i| format!("{i}.5")).collect();
		let q = format!("{}\n{}\n", cols.join(","), values.join(",")).into_bytes();
		let want = reference_parse(&q, &names);
		assert_eq!(Query::parse(&q, &names), want, "{}", String::from_utf8_lossy(&q));
		let strs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
		assert_eq!(Query::parse(&q, &strs), want);
	}
}

#[test]
fn column_matching_is_linear_for_a_large_index_order_query() {
	// d = 10⁵ columns in index order and reversed: both parse quickly (the quadratic scan
	// took seconds here).
	let names: Vec<String> = (0..100_000).map(|j| format!("feature_{j}")).collect();
	let values: Vec<String> = (0..names.len()).map(|j| format!("{j}")).collect();
	let q = format!("{}\n{}\n", names.join(","), values.join(",")).into_bytes();
	let t = std::time::Instant::now();
	let parsed = Query::parse(&q, &names).unwrap();
	assert_eq!(parsed.features[99_999], 99_999.0);
	let mut rev_n = names.clone();
	rev_n.reverse();
	let mut rev_v = values.clone();
	rev_v.reverse();
	let q = format!("{}\n{}\n", rev_n.join(","), rev_v.join(",")).into_bytes();
	let parsed = Query::parse(&q, &names).unwrap();
	assert_eq!(parsed.features[12_345], 12_345.0);
	assert!(t.elapsed().as_secs_f64() < 5.0, "column matching too slow: {:?}", t.elapsed());
}

#[test]
fn non_finite_scores_are_canonical_zero() {
	// An external model (φ = the query's features): finite φ and u whose products overflow,
	// giving the raw scores NaN (∞ − ∞), +∞, a finite positive and a finite negative score.
	let index = Index {
		family: Family::External,
		method: Method::GradDot,
		features: vec!["a".into(), "b".into()],
		classes: 1,
		n_train: 10,
		l2: 0.0,
		theta: vec![],
		projection: None,
		basis: None,
		baseline: None,
		contributors: vec![b"1:0".to_vec(), b"1:1".to_vec(), b"1:2".to_vec(), b"1:3".to_vec()],
		u: vec![1e10, 1e10, 1e10, 0.0, 1e-10, 0.0, 0.0, 1e-10],
		examples: None,
	};
	let bytes = index.encode();
	let q = b"a,b\n1e300,-1e300\n";
	let phi = index.query_vector(&index.parse_query(q).unwrap()).unwrap();
	let raw: Vec<f64> =
		index.u.chunks_exact(2).map(|row| tributary_attribution::kernel::dot(&phi, row)).collect();
	assert!(raw[0].is_nan() && raw[1] == f64::INFINITY && raw[2] > 0.0 && raw[3] < 0.0, "{raw:?}");
	let view = IndexView::parse(&bytes, &WorkLimits::ON_CHAIN).unwrap();
	for scores in [index.score_bytes(q).unwrap(), view.score_bytes(q).unwrap()] {
		assert_eq!(bits(&scores), vec![0, 0, raw[2].to_bits(), raw[3].to_bits()]);
	}
	let a = index.attestation(q, 10).unwrap();
	assert_eq!(a, view.attestation(q, 10).unwrap());
	assert_eq!(&a[..16], &[0u8; 16]);
	// Canonicalised scores earn no share: all of it goes to the finite positive score.
	assert_eq!(index.attribute(q, 10).unwrap(), vec![(2, 1_000_000_000)]);
	assert_eq!(view.attribute(q, 10).unwrap(), vec![(2, 1_000_000_000)]);
	// The per-example path canonicalises too.
	let mut ex = index.clone();
	ex.examples = Some(Examples { contribution: vec![0, 1], vectors: ex.u[..4].to_vec() });
	let q2 = ex.parse_query(q).unwrap();
	assert_eq!(bits(&ex.score_examples(&q2).unwrap()), vec![0, 0]);
}

#[test]
fn contribution_ids() {
	assert_eq!(parse_contribution_id(b"1:0"), Some((1, 0)));
	assert_eq!(parse_contribution_id(b"0:0"), Some((0, 0)));
	assert_eq!(parse_contribution_id(b"4294967295:4294967295"), Some((u32::MAX, u32::MAX)));
	assert_eq!(parse_contribution_id(b"12:345"), Some((12, 345)));
	for bad in [
		&b""[..],
		b":",
		b"1:",
		b":1",
		b"1",
		b"1:2:3",
		b"+1:2",
		b"1:+2",
		b"-1:2",
		b" 1:2",
		b"1 :2",
		b"1: 2",
		b"1:2 ",
		b"01:2",
		b"1:02",
		b"00:0",
		b"4294967296:0",
		b"0:4294967296",
		b"99999999999999999999:1",
		b"1:2\n",
		b"a:b",
		b"1.0:2",
		"١:٢".as_bytes(),
	] {
		assert_eq!(parse_contribution_id(bad), None, "{:?}", String::from_utf8_lossy(bad));
	}
	// Every fixture contributor maps to its contribution.
	let (index, _) = fixture::projected_index(3, 50, 2);
	for (c, id) in index.contributors.iter().enumerate() {
		assert_eq!(parse_contribution_id(id), Some((1, c as u32)));
	}
}

#[test]
fn engine_version_is_set() {
	assert_eq!(ENGINE_VERSION, 2);
}

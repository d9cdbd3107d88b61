//! The no_std core: index format, decoding robustness, query parsing, shares, determinism.

mod common;
use common::*;
use tributary_attribution::{
	projection::SplitMix64, shares, DecodeError, Index, Method, Query, QueryError, ScoreError,
};

#[test]
fn index_roundtrip_and_checksum() {
	for m in [Method::Exact, Method::Cg, Method::Projected, Method::GradDot, Method::Subspace] {
		let idx = wine_index(m, true);
		let bytes = idx.encode();
		let back = Index::decode(&bytes).unwrap();
		assert_eq!(back, idx);
		assert_eq!(back.encode(), bytes);
		assert_eq!(back.contributions(), 10);
	}
}

#[test]
fn decode_rejects_every_truncation() {
	let bytes = wine_index(Method::Exact, false).encode();
	for len in 0..bytes.len() {
		assert!(Index::decode(&bytes[..len]).is_err(), "truncated to {len} accepted");
	}
	assert_eq!(Index::decode(&bytes[..bytes.len() - 1]), Err(DecodeError::ChecksumMismatch));
	assert_eq!(Index::decode(&bytes[..4]), Err(DecodeError::Truncated));
}

#[test]
fn decode_rejects_bit_flips() {
	let bytes = wine_index(Method::Projected, false).encode();
	let mut rng = SplitMix64(1);
	for _ in 0..2000 {
		let mut b = bytes.clone();
		let i = (rng.next_u64() % b.len() as u64) as usize;
		b[i] ^= 1 << (rng.next_u64() % 8);
		assert!(Index::decode(&b).is_err());
	}
}

/// Re-seals a mutated body with a valid checksum, so decoding goes past the checksum.
fn reseal(body: &[u8]) -> Vec<u8> {
	let mut v = body.to_vec();
	v.extend_from_slice(&tributary_attribution::index::blake2_256(body));
	v
}

#[test]
fn decode_never_panics_on_resealed_garbage() {
	// Small index (a per-example section with a projection keeps the body short).
	let bytes = wine_index(Method::Projected, true).encode();
	let body = &bytes[..bytes.len() - 32];
	let mut rng = SplitMix64(2);
	let query = wine_query();
	for round in 0..6_000 {
		let mut b = body.to_vec();
		match round % 4 {
			0 => {
				// Mutate header bytes (sizes, codes, flags).
				let i = 10 + (rng.next_u64() % 58) as usize;
				b[i] = rng.next_u64() as u8;
			}
			1 => {
				// Truncate the body.
				let l = (rng.next_u64() % b.len() as u64) as usize;
				b.truncate(l);
			}
			2 => {
				// Random bytes anywhere.
				for _ in 0..4 {
					let i = (rng.next_u64() % b.len() as u64) as usize;
					b[i] = rng.next_u64() as u8;
				}
			}
			_ => {
				// Pure random body with a valid magic and version.
				let l = (rng.next_u64() % 200) as usize;
				b = bytes[..10].to_vec();
				b.extend((0..l).map(|_| rng.next_u64() as u8));
			}
		}
		let sealed = reseal(&b);
		if let Ok(idx) = Index::decode(&sealed) {
			// Whatever decodes must also score without panicking.
			let _ = idx.score_bytes(&query);
			if let Ok(q) = idx.parse_query(&query) {
				let _ = idx.score_examples(&q);
			}
		}
	}
	// Random buffers of every small length.
	for len in 0..300 {
		let b: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
		assert!(Index::decode(&b).is_err());
	}
}

#[test]
fn specific_decode_errors() {
	let bytes = wine_index(Method::Exact, false).encode();
	let mut b = bytes.clone();
	b[0] = b'X';
	assert_eq!(Index::decode(&b), Err(DecodeError::BadMagic));
	let mut b = bytes.clone();
	b[8] = 9;
	assert_eq!(Index::decode(&b), Err(DecodeError::UnsupportedVersion(9)));
	let mut body = bytes[..bytes.len() - 32].to_vec();
	body[10] = 77;
	assert_eq!(Index::decode(&reseal(&body)), Err(DecodeError::UnknownFamily(77)));
	// A projected index declaring an absurd k is rejected before anything is allocated.
	let proj = wine_index(Method::Projected, false).encode();
	let mut body = proj[..proj.len() - 32].to_vec();
	body[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
	assert!(Index::decode(&reseal(&body)).is_err());
	let mut body = bytes[..bytes.len() - 32].to_vec();
	body.push(0);
	assert_eq!(Index::decode(&reseal(&body)), Err(DecodeError::TrailingBytes));
}

#[test]
fn query_parsing() {
	let idx = wine_index(Method::Exact, false);
	let names = &idx.features;
	let q = Query::parse(&wine_query(), names).unwrap();
	assert_eq!(q.features.len(), 13);
	assert_eq!(q.label, None);
	// Columns in another order, a label, a contributor, CRLF.
	let cols: Vec<&str> = WINE_HEADER.split(',').rev().collect();
	let vals: Vec<&str> = WINE_ROW.split(',').rev().collect();
	let text = format!("contributor,label,{}\r\n\"1:2\",2,{}\r\n", cols.join(","), vals.join(","));
	let q2 = Query::parse(text.as_bytes(), names).unwrap();
	assert_eq!(q2.features, q.features);
	assert_eq!(q2.label, Some(2.0));
	let bad = |s: String| Query::parse(s.as_bytes(), names).unwrap_err();
	assert!(matches!(bad(String::new()), QueryError::Empty));
	assert!(matches!(bad(format!("{WINE_HEADER}\n")), QueryError::NoDataRow));
	assert!(matches!(
		bad(format!("{WINE_HEADER}\n{WINE_ROW}\n{WINE_ROW}\n")),
		QueryError::TooManyRows { rows: 2 }
	));
	assert!(
		matches!(bad(format!("{WINE_HEADER},extra\n{WINE_ROW},1\n")), QueryError::UnknownColumn(c) if c == "extra")
	);
	let short_h = WINE_HEADER.rsplit_once(',').unwrap().0;
	let short_r = WINE_ROW.rsplit_once(',').unwrap().0;
	assert!(
		matches!(bad(format!("{short_h}\n{short_r}\n")), QueryError::MissingColumn(c) if c == "proline")
	);
	assert!(matches!(bad(format!("{WINE_HEADER}\n{short_r}\n")), QueryError::FieldCount { .. }));
	let nan_row = WINE_ROW.replacen("13.2", "NaN", 1);
	assert!(matches!(bad(format!("{WINE_HEADER}\n{nan_row}\n")), QueryError::NonFinite { .. }));
	let inf_row = WINE_ROW.replacen("13.2", "inf", 1);
	assert!(matches!(bad(format!("{WINE_HEADER}\n{inf_row}\n")), QueryError::NonFinite { .. }));
	let txt_row = WINE_ROW.replacen("13.2", "abc", 1);
	assert!(matches!(bad(format!("{WINE_HEADER}\n{txt_row}\n")), QueryError::NotANumber { .. }));
	assert!(matches!(bad("\"a,b\n1\n".to_string()), QueryError::Csv(_)));
	assert_eq!(Query::parse(&[0xff, 0xfe], names), Err(QueryError::NotUtf8));
	// Invalid label for the family.
	let e = idx.parse_query(format!("label,{WINE_HEADER}\n7,{WINE_ROW}\n").as_bytes()).unwrap_err();
	assert!(matches!(e, ScoreError::Query(QueryError::InvalidLabel { .. })));
}

#[test]
fn shares_sum_exactly_and_are_positive() {
	let mut rng = SplitMix64(9);
	for round in 0..3000 {
		let g = 1 + (rng.next_u64() % 300) as usize;
		let scores: Vec<f64> = (0..g)
			.map(|_| match rng.next_u64() % 5 {
				0 => -rng.next_f64(),
				1 => 0.0,
				2 => rng.next_f64() * 1e-12,
				3 => (rng.next_u64() % 4) as f64, // many ties
				_ => rng.next_f64() * 1e6,
			})
			.collect();
		let max = 1 + (rng.next_u64() % 64) as usize;
		let s = shares(&scores, max);
		assert!(s.len() <= max);
		if scores.iter().any(|&x| x > 0.0) {
			assert_eq!(s.iter().map(|x| x.1 as u64).sum::<u64>(), 1_000_000_000, "round {round}");
		} else {
			assert!(s.is_empty());
		}
		for &(i, ppb) in &s {
			assert!(ppb > 0 && scores[i as usize] > 0.0);
		}
		assert_eq!(s, shares(&scores, max), "deterministic");
	}
	// Ties are broken by the smaller index, remainders included.
	assert_eq!(
		shares(&[1.0, 1.0, 1.0], 3),
		vec![(0, 333_333_334), (1, 333_333_333), (2, 333_333_333)]
	);
	assert_eq!(shares(&[1.0, 2.0, 2.0, -1.0], 2), vec![(1, 500_000_000), (2, 500_000_000)]);
	assert_eq!(shares(&[-1.0, 0.0, f64::NAN], 5), vec![]);
}

#[test]
fn scoring_is_deterministic_and_consistent() {
	let idx = wine_index(Method::Exact, true);
	let q = idx.parse_query(&wine_query()).unwrap();
	let s1 = idx.score(&q).unwrap();
	let s2 = Index::decode(&idx.encode()).unwrap().score(&q).unwrap();
	assert_eq!(
		s1.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
		s2.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
	);
	// Contribution scores are the sums of their examples' scores (up to f32 storage).
	let ex = idx.score_examples(&q).unwrap();
	let contrib = &idx.examples.as_ref().unwrap().contribution;
	for c in 0..idx.contributions() {
		let sum: f64 =
			ex.iter().zip(contrib).filter(|(_, &k)| k as usize == c).map(|(s, _)| s).sum();
		assert!((sum - s1[c]).abs() <= 1e-5 * s1.iter().map(|x| x.abs()).fold(0.0, f64::max));
	}
	// Dimension mismatch.
	let bad = Query { features: vec![0.0; 12], label: None };
	assert!(matches!(idx.score(&bad), Err(ScoreError::DimensionMismatch { index: 13, query: 12 })));
}

#[test]
fn kernel_paths_agree_bit_for_bit() {
	use tributary_attribution::kernel;
	let mut rng = SplitMix64(4);
	for k in [1usize, 7, 8, 9, 64, 513] {
		let m = 37;
		let rows: Vec<f32> =
			(0..m * k).map(|_| (rng.next_f64() * 2.0 - 1.0) as f32 * 1e3).collect();
		let phis: Vec<f64> = (0..3 * k).map(|_| rng.next_f64() - 0.5).collect();
		let mut a = vec![0.0; m];
		let mut b = vec![0.0; m];
		kernel::score_rows(&phis[..k], &rows, &mut a);
		kernel::score_rows_portable(&phis[..k], &rows, &mut b);
		let direct: Vec<f64> = rows.chunks(k).map(|r| kernel::dot(&phis[..k], r)).collect();
		assert_eq!(
			a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
			b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
		);
		assert_eq!(
			a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
			direct.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
		);
		let mut batch = vec![0.0; 3 * m];
		kernel::score_rows_batch(&phis, k, &rows, &mut batch);
		for q in 0..3 {
			for r in 0..m {
				assert_eq!(
					batch[q * m + r].to_bits(),
					kernel::dot(&phis[q * k..(q + 1) * k], &rows[r * k..(r + 1) * k]).to_bits()
				);
			}
		}
	}
}

/// Per-example vectors recomputed from the training data (`score --per-example --data`) for
/// a subspace index are in the coordinates of the index's stored basis: the same bytes as a
/// build with `--per-example`, and they follow the stored basis (scaled by 2 here), never a
/// basis rebuilt from the data.
#[test]
fn recomputed_subspace_examples_use_the_stored_basis() {
	use tributary_attribution::build::example_vectors;
	let ds = wine_dataset();
	let with = wine_index(Method::Subspace, true);
	let mut index = wine_index(Method::Subspace, false);
	let (ex, _) = example_vectors(&index, &ds, u64::MAX).unwrap();
	assert_eq!(Some(&ex), with.examples.as_ref());
	let basis = index.basis.as_mut().unwrap();
	basis.iter_mut().for_each(|v| *v *= 2.0);
	let (twice, _) = example_vectors(&index, &ds, u64::MAX).unwrap();
	for (a, b) in ex.vectors.iter().zip(&twice.vectors) {
		assert_eq!(2.0 * a, *b);
	}
}

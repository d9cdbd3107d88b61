//! Turning scores into payout shares (no_std).

use alloc::vec::Vec;

/// One billion parts: a share of `1_000_000_000` is 100% (`Perbill` on chain).
pub const BILLION: u64 = 1_000_000_000;

/// Shares of the positive scores, in parts per billion.
///
/// Keeps the finite scores `> 0`, orders them by score (descending; ties by index,
/// ascending), keeps the first `max_entries`, and splits 10⁹ among them in proportion to
/// their scores with largest-remainder rounding: each gets `⌊10⁹·s/S⌋`, and the units left
/// over go one each to the largest remainders (ties: smaller index first). Entries that
/// end at 0 parts are dropped, so every returned share is `> 0` and the shares sum to
/// exactly `1_000_000_000`, unless no score is positive, when the result is empty.
///
/// Returns `(contribution index, parts per billion)` in the order described above.
pub fn shares(scores: &[f64], max_entries: usize) -> Vec<(u32, u32)> {
	let mut pos: Vec<(u32, f64)> = scores
		.iter()
		.enumerate()
		.filter(|(_, s)| s.is_finite() && **s > 0.0)
		.map(|(i, s)| (i as u32, *s))
		.collect();
	pos.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
	pos.truncate(max_entries);
	let mut total = 0.0;
	for (_, s) in &pos {
		total += *s;
	}
	if pos.is_empty() || !(total.is_finite() && total > 0.0) {
		return Vec::new();
	}
	// (index, floor parts, remainder)
	let mut parts: Vec<(u32, u64, f64)> = pos
		.iter()
		.map(|&(i, s)| {
			let exact = s / total * BILLION as f64;
			let fl = libm::floor(exact);
			let fl = if fl < 0.0 {
				0.0
			} else if fl > BILLION as f64 {
				BILLION as f64
			} else {
				fl
			};
			(i, fl as u64, exact - fl)
		})
		.collect();
	let sum: u64 = parts.iter().map(|p| p.1).sum();
	// Positions ordered by remainder, largest first, ties by smaller index.
	let mut order: Vec<usize> = (0..parts.len()).collect();
	order.sort_by(|&a, &b| parts[b].2.total_cmp(&parts[a].2).then(parts[a].0.cmp(&parts[b].0)));
	if sum < BILLION {
		let mut left = BILLION - sum;
		let mut t = 0;
		while left > 0 {
			parts[order[t % order.len()]].1 += 1;
			left -= 1;
			t += 1;
		}
	} else if sum > BILLION {
		// Only possible through floating-point rounding; take units back from the
		// smallest remainders first.
		let mut extra = sum - BILLION;
		let mut t = order.len();
		while extra > 0 {
			t = if t == 0 { order.len() - 1 } else { t - 1 };
			if parts[order[t]].1 > 0 {
				parts[order[t]].1 -= 1;
				extra -= 1;
			}
		}
	}
	parts.into_iter().filter(|p| p.1 > 0).map(|p| (p.0, p.1 as u32)).collect()
}

//! Seeded random projection (no_std), regenerated from its seed on every scoring call.
//!
//! `P ∈ ℝ^{k×p}` has entries `±1/√k` (Rademacher; Achlioptas 2003, "Database-friendly
//! random projections"), so `E‖Pg‖² = ‖g‖²`. Row `j` takes its signs, 64 at a time, from a
//! SplitMix64 stream seeded with `seed`; bit `l mod 64` of the draw is set ⇒ `+1`.

use alloc::vec::Vec;

/// SplitMix64 (Steele, Lea, Flood 2014).
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
	/// Next 64 random bits.
	pub fn next_u64(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	/// Uniform in `[0, 1)` with 53 random bits.
	pub fn next_f64(&mut self) -> f64 {
		(self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
	}
}

/// The projection scale `1/√k`.
pub fn scale(k: usize) -> f64 {
	1.0 / libm::sqrt(k as f64)
}

/// `out = P g` for the projection `(seed, k)`; `out.len() == k`. Cost: `k·p` additions:
/// row `j` is `(Σ_l ±g_l)·(1/√k)`, the signed terms added in increasing `l`.
pub fn project(seed: u64, g: &[f64], out: &mut [f64]) {
	let s = scale(out.len());
	let mut rng = SplitMix64(seed);
	for o in out.iter_mut() {
		let mut acc = 0.0;
		for chunk in g.chunks(64) {
			let bits = rng.next_u64();
			for (l, &v) in chunk.iter().enumerate() {
				// `acc - v` is `acc + (−v)` exactly (IEEE 754), and −v is v with its sign bit
				// flipped: a clear bit flips it. Branch-free: the bits are random.
				let flip = (!(bits >> l) & 1) << 63;
				acc += f64::from_bits(v.to_bits() ^ flip);
			}
		}
		*o = acc * s;
	}
}

/// The dense matrix `P` (row-major `k × p`), with the same entries as [`project`] uses.
pub fn matrix(seed: u64, k: usize, p: usize) -> Vec<f64> {
	let s = scale(k);
	let mut rng = SplitMix64(seed);
	let mut m = Vec::with_capacity(k * p);
	for _ in 0..k {
		let mut l = 0;
		while l < p {
			let bits = rng.next_u64();
			let end = core::cmp::min(p, l + 64);
			for t in l..end {
				m.push(if (bits >> (t - l)) & 1 == 1 { s } else { -s });
			}
			l = end;
		}
	}
	m
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The original form (`acc += v` or `acc -= v` on a branch) gives the same bits.
	#[test]
	fn branch_free_projection_matches_add_or_subtract() {
		let mut r = SplitMix64(1);
		for round in 0..200 {
			let p = 1 + (r.next_u64() % 300) as usize;
			let k = 1 + (r.next_u64() % 40) as usize;
			let g: Vec<f64> = (0..p)
				.map(|i| match (round + i) % 7 {
					0 => 0.0,
					1 => -0.0,
					2 => (r.next_f64() - 0.5) * 1e300,
					_ => (r.next_f64() - 0.5) * 10.0,
				})
				.collect();
			let seed = r.next_u64();
			let mut out = alloc::vec![0.0; k];
			project(seed, &g, &mut out);
			let s = scale(k);
			let mut rng = SplitMix64(seed);
			for o in &out {
				let mut acc = 0.0;
				for chunk in g.chunks(64) {
					let bits = rng.next_u64();
					for (l, &v) in chunk.iter().enumerate() {
						if (bits >> l) & 1 == 1 {
							acc += v;
						} else {
							acc -= v;
						}
					}
				}
				assert_eq!(o.to_bits(), (acc * s).to_bits());
			}
		}
	}
}

//! Unit tests of the kernels: every tile kernel and the blocked driver against the scalar
//! chain they specify.

use super::{
	gemm::{accumulate, Part, View, KC, MC},
	micro::{self, Kernel, MR_MAX, NR_MAX},
};

fn values(len: usize, seed: u64) -> Vec<f64> {
	let mut r = crate::projection::SplitMix64(seed);
	(0..len).map(|_| 2.0 * r.next_f64() - 1.0).collect()
}

#[test]
fn every_tile_kernel_is_the_ordered_chain() {
	assert!(micro::available().contains(&Kernel::Portable));
	for k in micro::available() {
		let (mr, nr) = (k.mr(), k.nr());
		assert!(mr <= MR_MAX && nr <= NR_MAX && MC.is_multiple_of(mr));
		for kc in [0usize, 1, 5, 300] {
			let ap = values(kc * mr, 1);
			let bp = values(kc * nr, 2);
			let ldc = nr + 3;
			let start = values(mr * ldc, 3);
			let mut c = start.clone();
			micro::tile(k, kc, &ap, &bp, &mut c, ldc);
			for r in 0..mr {
				for t in 0..ldc {
					let mut want = start[r * ldc + t];
					if t < nr {
						for l in 0..kc {
							want = ap[l * mr + r].mul_add(bp[l * nr + t], want);
						}
					}
					assert_eq!(
						c[r * ldc + t].to_bits(),
						want.to_bits(),
						"{k:?} kc={kc} ({r}, {t})"
					);
				}
			}
		}
	}
}

#[test]
fn negated_lower_update_in_a_larger_matrix() {
	// The Cholesky's trailing update: C (rows ≥ 1, offset) −= A Aᵀ, lower only, k > KC.
	let (m, k, ldc) = (MC + 13, KC + 9, MC + 20);
	let a = values(m * k, 5);
	let start = values((m + 2) * ldc, 6);
	for kern in micro::available() {
		assert!(micro::force(kern));
		let mut c = start.clone();
		let av = View { data: &a, rs: k, cs: 1 };
		let bv = View { data: &a, rs: 1, cs: k };
		accumulate(m, m, k, av, bv, true, &mut c[ldc + 2..], ldc, Part::Lower);
		for i in 0..m {
			for j in 0..m {
				let at = ldc + 2 + i * ldc + j;
				let mut want = start[at];
				if j <= i {
					for l in 0..k {
						want = (-a[i * k + l]).mul_add(a[j * k + l], want);
					}
				}
				assert_eq!(c[at].to_bits(), want.to_bits(), "{kern:?} ({i}, {j})");
			}
		}
		assert_eq!(c[..ldc + 2], start[..ldc + 2], "{kern:?}: nothing before C is written");
	}
	micro::force_portable(false);
}

//! Prints the blake2-256 hash of reference index builds, one line per build, to check that a
//! change to the build keeps the index bytes of existing models: run it before and after
//! the change and compare the output (`diff`). The builds cover every family and method,
//! per-example vectors, more than 16 row chunks (the parallel reductions' waves) and a
//! model with p = 1501 (large Hessian partial sums, several row waves of the vectors).
//!
//! Run: `cargo run -p tributary-attribution --example index_hashes [-- --quick]`.

use tributary_attribution::{
	build::BuildOptions, cli::hex, data::Dataset, projection::SplitMix64, Family, Index, Method,
};

fn gauss(r: &mut SplitMix64) -> f64 {
	let u1 = r.next_f64().max(1e-300);
	let u2 = r.next_f64();
	(-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `n` rows of `d` Gaussian features; labels for `family` (softmax: `classes`), contributions
/// `row mod groups`.
fn synthetic(family: Family, classes: u32, n: usize, d: usize, groups: usize) -> Dataset {
	let mut r = SplitMix64(11);
	let w: Vec<f64> = (0..d * classes as usize).map(|_| gauss(&mut r)).collect();
	let mut ds = Dataset {
		features: (0..d).map(|j| format!("f{j}")).collect(),
		contributors: (0..groups).map(|g| format!("1:{g}")).collect(),
		..Default::default()
	};
	for i in 0..n {
		let x: Vec<f64> = (0..d).map(|_| gauss(&mut r)).collect();
		let z = |a: usize| (0..d).map(|j| w[a * d + j] * x[j]).sum::<f64>() / (d as f64).sqrt();
		let y = match family {
			Family::Linear => z(0) + 0.3 * gauss(&mut r),
			Family::Logistic => (z(0) + 0.5 * gauss(&mut r) > 0.0) as u8 as f64,
			_ => {
				(0..classes as usize)
					.map(|a| z(a) + 0.5 * gauss(&mut r))
					.enumerate()
					.fold((0, f64::MIN), |b, (a, v)| if v > b.1 { (a, v) } else { b })
					.0 as f64
			}
		};
		ds.x.extend_from_slice(&x);
		ds.y.push(y);
		ds.contribution.push((i % groups) as u32);
	}
	ds
}

fn show(name: &str, ds: &Dataset, opts: BuildOptions) {
	match Index::build(ds, &opts) {
		Ok((index, _)) => println!("{name}: {}", hex(&Index::hash(&index.encode()))),
		Err(e) => println!("{name}: error {e}"),
	}
}

fn main() {
	let quick = std::env::args().any(|a| a == "--quick");
	let wine_path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/wine.csv");
	let wine = Dataset::from_csv_files(&[wine_path], true).expect("data/wine.csv");
	for method in [Method::Exact, Method::Cg, Method::Projected, Method::GradDot] {
		let opts = BuildOptions {
			family: Family::Softmax,
			l2: 0.01,
			method,
			projection: (3, 16),
			per_example: true,
			..Default::default()
		};
		show(&format!("wine softmax {}", method.name()), &wine, opts);
	}
	let mut binary = wine.clone();
	binary.y.iter_mut().for_each(|y| *y = (*y == 0.0) as u8 as f64);
	let opts = BuildOptions { family: Family::Logistic, l2: 0.1, ..Default::default() };
	show("wine logistic exact", &binary, opts);
	let opts = BuildOptions { family: Family::Linear, l2: 0.1, ..Default::default() };
	show("wine linear exact", &wine, opts);
	let mut external = wine.clone();
	external.y.clear();
	let opts =
		BuildOptions { family: Family::External, l2: 0.1, per_example: true, ..Default::default() };
	show("wine external exact", &external, opts);
	let soft = synthetic(Family::Softmax, 5, 20_000, 20, 37);
	for (method, per_example) in
		[(Method::Exact, true), (Method::Projected, true), (Method::Cg, false)]
	{
		let opts = BuildOptions {
			family: Family::Softmax,
			l2: 0.01,
			method,
			projection: (1, 64),
			per_example,
			..Default::default()
		};
		show(&format!("synthetic softmax n=20000 C=5 d=20 {}", method.name()), &soft, opts);
	}
	if quick {
		return;
	}
	let wide = synthetic(Family::Linear, 1, 16 * 1024 + 100, 1500, 50);
	let opts =
		BuildOptions { family: Family::Linear, l2: 0.1, per_example: true, ..Default::default() };
	show("synthetic linear n=16484 d=1500 exact", &wide, opts);
}

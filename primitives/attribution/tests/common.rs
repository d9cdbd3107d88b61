#![allow(dead_code)]
use tributary_attribution::{build::BuildOptions, data::Dataset, Family, Index, Method};

pub const WINE: &str = include_str!("../data/wine.csv");

pub fn wine_dataset() -> Dataset {
	let mut ds = Dataset::default();
	let mut map = std::collections::HashMap::new();
	ds.add_csv(WINE, "wine.csv", true, &mut map).unwrap();
	ds
}

pub fn wine_index(method: Method, per_example: bool) -> Index {
	let ds = wine_dataset();
	let opts = BuildOptions {
		family: Family::Softmax,
		l2: 0.01,
		method,
		projection: (3, 16),
		per_example,
		..Default::default()
	};
	Index::build(&ds, &opts).unwrap().0
}

pub const WINE_HEADER: &str = "alcohol,malic_acid,ash,alcalinity_of_ash,magnesium,total_phenols,flavanoids,nonflavanoid_phenols,proanthocyanins,color_intensity,hue,od280_od315,proline";
pub const WINE_ROW: &str = "13.2,1.78,2.14,11.2,100,2.65,2.76,0.26,1.28,4.38,1.05,3.4,1050";

pub fn wine_query() -> Vec<u8> {
	format!("{WINE_HEADER}\n{WINE_ROW}\n").into_bytes()
}

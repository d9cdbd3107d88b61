//! Model families: predictions, per-example losses and gradients (no_std).
//!
//! Every built-in family is a generalised linear model on the augmented input
//! `x̃ = [x_1, …, x_d, 1]`. Its parameters θ hold, for each output `a`, the `d` weights
//! followed by one intercept: `θ = [w_1, b_1, w_2, b_2, …]` with `w_a ∈ ℝ^d`, so
//! `p = outputs · (d + 1)`. Per-example losses:
//!
//! * `linear`:   `ℓ = ½ (y − ŷ)²`, `ŷ = θᵀx̃`;                    `∇ℓ = (ŷ − y) x̃`
//! * `logistic`: `ℓ = −y log σ(z) − (1−y) log(1−σ(z))`, `z = θᵀx̃`; `∇ℓ = (σ(z) − y) x̃`
//! * `softmax`:  `ℓ = −log π_y`, `π = softmax(W x̃)`;              `∇_a ℓ = (π_a − [a = y]) x̃`
//! * `external`: no parameters; the "features" of an example are its gradient `g` itself
//!   (supplied by an outside model), so `∇ℓ = x`.
//!
//! The training objective is `(1/n) Σ_i ℓ(i; θ) + (l2/2)·‖θ‖²` (intercepts included).
//! `exp`/`log` come from `libm` so that native and wasm builds agree bit for bit.

use core::fmt;

/// A model family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Family {
	/// Linear regression with squared error `½(y − ŷ)²`.
	Linear = 1,
	/// Binary logistic regression, labels 0/1.
	Logistic = 2,
	/// Multinomial logistic regression, labels `0..C-1`.
	Softmax = 3,
	/// External model: per-example gradient features supplied by the user (`.npy`).
	External = 4,
}

impl Family {
	/// The family's wire code.
	pub fn code(self) -> u8 {
		self as u8
	}

	/// Family from its wire code.
	pub fn from_code(c: u8) -> Option<Family> {
		match c {
			1 => Some(Family::Linear),
			2 => Some(Family::Logistic),
			3 => Some(Family::Softmax),
			4 => Some(Family::External),
			_ => None,
		}
	}

	/// Family from its command-line name.
	pub fn from_name(s: &str) -> Option<Family> {
		match s {
			"linear" => Some(Family::Linear),
			"logistic" => Some(Family::Logistic),
			"softmax" => Some(Family::Softmax),
			"external" => Some(Family::External),
			_ => None,
		}
	}

	/// The command-line name.
	pub fn name(self) -> &'static str {
		match self {
			Family::Linear => "linear",
			Family::Logistic => "logistic",
			Family::Softmax => "softmax",
			Family::External => "external",
		}
	}

	/// Number of linear outputs (rows of the weight matrix).
	pub fn outputs(self, classes: u32) -> usize {
		match self {
			Family::Softmax => classes as usize,
			_ => 1,
		}
	}

	/// Number of parameters θ for `d` features (0 for `external`).
	pub fn params(self, d: usize, classes: u32) -> Option<usize> {
		match self {
			Family::External => Some(0),
			_ => self.outputs(classes).checked_mul(d.checked_add(1)?),
		}
	}

	/// Dimension of the gradient space (`p`, or `d` for external models).
	pub fn grad_dim(self, d: usize, classes: u32) -> Option<usize> {
		match self {
			Family::External => Some(d),
			_ => self.params(d, classes),
		}
	}
}

impl fmt::Display for Family {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(self.name())
	}
}

/// Logistic function, computed without overflow.
pub fn sigmoid(z: f64) -> f64 {
	if z >= 0.0 {
		1.0 / (1.0 + libm::exp(-z))
	} else {
		let e = libm::exp(z);
		e / (1.0 + e)
	}
}

/// `log(1 + e^t)` without overflow.
pub fn softplus(t: f64) -> f64 {
	let m = if t > 0.0 { t } else { 0.0 };
	m + libm::log1p(libm::exp(-libm::fabs(t)))
}

/// Linear outputs `z_a = w_aᵀ x + b_a` into `z` (length = outputs). Fixed summation order.
pub fn logits(theta: &[f64], x: &[f64], z: &mut [f64]) {
	let d = x.len();
	for (a, za) in z.iter_mut().enumerate() {
		let w = &theta[a * (d + 1)..(a + 1) * (d + 1)];
		let mut s = 0.0;
		for j in 0..d {
			s += w[j] * x[j];
		}
		*za = s + w[d];
	}
}

/// In-place softmax of `z`.
pub fn softmax_in_place(z: &mut [f64]) {
	let mut m = f64::NEG_INFINITY;
	for &v in z.iter() {
		if v > m {
			m = v;
		}
	}
	let mut s = 0.0;
	for v in z.iter_mut() {
		*v = libm::exp(*v - m);
		s += *v;
	}
	for v in z.iter_mut() {
		*v /= s;
	}
}

/// Index of the largest value (ties: the smallest index).
pub fn argmax(z: &[f64]) -> usize {
	let mut best = 0;
	for (i, &v) in z.iter().enumerate() {
		if v > z[best] {
			best = i;
		}
	}
	best
}

/// The model's prediction for `x`: the regression value, or the predicted class.
pub fn predict(family: Family, theta: &[f64], x: &[f64], classes: u32) -> f64 {
	let mut z = [0.0f64; 1];
	match family {
		Family::Linear => {
			logits(theta, x, &mut z);
			z[0]
		}
		Family::Logistic => {
			logits(theta, x, &mut z);
			if z[0] >= 0.0 {
				1.0
			} else {
				0.0
			}
		}
		Family::Softmax => {
			let mut zz = alloc::vec![0.0; classes as usize];
			logits(theta, x, &mut zz);
			argmax(&zz) as f64
		}
		Family::External => 0.0,
	}
}

/// Per-example loss `ℓ(x, y; θ)`.
pub fn loss(family: Family, theta: &[f64], x: &[f64], y: f64, classes: u32) -> f64 {
	match family {
		Family::Linear => {
			let mut z = [0.0];
			logits(theta, x, &mut z);
			0.5 * (y - z[0]) * (y - z[0])
		}
		Family::Logistic => {
			let mut z = [0.0];
			logits(theta, x, &mut z);
			y * softplus(-z[0]) + (1.0 - y) * softplus(z[0])
		}
		Family::Softmax => {
			let mut z = alloc::vec![0.0; classes as usize];
			logits(theta, x, &mut z);
			let mut m = f64::NEG_INFINITY;
			for &v in &z {
				if v > m {
					m = v;
				}
			}
			let mut s = 0.0;
			for &v in &z {
				s += libm::exp(v - m);
			}
			m + libm::log(s) - z[y as usize]
		}
		Family::External => 0.0,
	}
}

/// Residual `r = ∂ℓ/∂z` (length = outputs), so that `∇ℓ = r ⊗ x̃`.
pub fn residual(family: Family, theta: &[f64], x: &[f64], y: f64, r: &mut [f64]) {
	match family {
		Family::Linear => {
			logits(theta, x, r);
			r[0] -= y;
		}
		Family::Logistic => {
			logits(theta, x, r);
			r[0] = sigmoid(r[0]) - y;
		}
		Family::Softmax => {
			logits(theta, x, r);
			softmax_in_place(r);
			r[y as usize] -= 1.0;
		}
		Family::External => {}
	}
}

/// Writes `g = r ⊗ x̃` (the per-example gradient layout) into `g`.
pub fn outer_into(r: &[f64], x: &[f64], g: &mut [f64]) {
	let d = x.len();
	for (a, &ra) in r.iter().enumerate() {
		let ga = &mut g[a * (d + 1)..(a + 1) * (d + 1)];
		for j in 0..d {
			ga[j] = ra * x[j];
		}
		ga[d] = ra;
	}
}

/// Per-example loss gradient `∇ℓ(x, y; θ)` into `g` (length p; for external: `g = x`).
pub fn gradient(family: Family, theta: &[f64], x: &[f64], y: f64, classes: u32, g: &mut [f64]) {
	if family == Family::External {
		g.copy_from_slice(x);
		return;
	}
	let mut r = alloc::vec![0.0; family.outputs(classes)];
	residual(family, theta, x, y, &mut r);
	outer_into(&r, x, g);
}

/// The gradient of the query functional `f(q)` used for scoring, into `g`.
///
/// With a label (or for classifiers, the model's own predicted label when none is given),
/// `f` is the query's loss. For `linear` without a label the loss at the predicted value
/// has zero gradient, so `f = −½ (ŷ − b)²` is used instead, `∇f = −(ŷ − b) x̃`, where `b`
/// is the index's `baseline`: the score is `I(i, q) = (ŷ(q) − b) · δ_i(q)` (to first
/// order), where `δ_i(q)` is how much example `i` raised the prediction `ŷ(q)`. Positive =
/// `i` pushed the prediction away from the baseline, in the direction it deviates: `i`
/// supports what this prediction says beyond the baseline. Indexes built by this engine
/// store the mean training label as `b`, so the definition does not depend on where `0`
/// is on the label scale; indexes without a stored baseline use `b = 0`.
#[allow(clippy::too_many_arguments)]
pub fn query_gradient(
	family: Family,
	theta: &[f64],
	x: &[f64],
	label: Option<f64>,
	classes: u32,
	baseline: f64,
	g: &mut [f64],
) {
	match (family, label) {
		(Family::External, _) => g.copy_from_slice(x),
		(Family::Linear, None) => {
			let mut z = [0.0];
			logits(theta, x, &mut z);
			outer_into(&[-(z[0] - baseline)], x, g);
		}
		(_, Some(y)) => gradient(family, theta, x, y, classes, g),
		(_, None) => {
			let y = predict(family, theta, x, classes);
			gradient(family, theta, x, y, classes, g)
		}
	}
}

/// Checks that `y` is a valid label for the family.
pub fn valid_label(family: Family, y: f64, classes: u32) -> bool {
	match family {
		Family::Linear => y.is_finite(),
		Family::Logistic => y == 0.0 || y == 1.0,
		Family::Softmax => y >= 0.0 && libm::trunc(y) == y && y < classes as f64,
		Family::External => true,
	}
}

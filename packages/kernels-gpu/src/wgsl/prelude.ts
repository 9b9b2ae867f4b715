/**
 * WGSL helpers every generated shader gets: the `kd_*` functions the op table's `wgsl`
 * expressions call (kd_erf, kd_log1p, kd_pow, ...), bit-exact float16 and int32 conversions
 * that match the CPU backend's typed-array stores, and NaN/inf tests on the bits.
 *
 * Why bits: WGSL lets implementations assume floats are finite, so `x != x` or `max` may not
 * see a NaN; bit tests always do. Infinities and NaNs are produced at run time (`var`), since
 * a constant expression that overflows is a shader-creation error.
 */
export const PRELUDE = /* wgsl */ `
fn kd_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn kd_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn kd_nz(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }
fn kd_inf() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn kd_nan() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }

// IEEE half bits <-> f32 (round to nearest even, overflow to inf, NaN kept quiet), as ops' toHalfBits.
fn kd_h2f(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    let v = f32(m) * 5.9604644775390625e-8;
    return select(v, -v, s != 0u);
  }
  if (e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}
fn kd_f2h(v: f32) -> u32 {
  let x = bitcast<u32>(v);
  let sign = (x >> 16u) & 0x8000u;
  let ex = (x >> 23u) & 0xffu;
  var mant = x & 0x7fffffu;
  if (ex == 0xffu) { return sign | 0x7c00u | select(0u, 0x200u, mant != 0u); }
  let e = i32(ex) - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    if (e < -10) { return sign; }
    mant = mant | 0x800000u;
    let shift = u32(14 - e);
    var half = mant >> shift;
    let rem = mant & ((1u << shift) - 1u);
    let mid = 1u << (shift - 1u);
    if (rem > mid || (rem == mid && (half & 1u) != 0u)) { half = half + 1u; }
    return sign | half;
  }
  var half = (u32(e) << 10u) | (mant >> 13u);
  let rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u) != 0u)) { half = half + 1u; }
  return sign | half;
}
// f32 -> i32 like a JavaScript Int32Array store (ToInt32): truncate, NaN/inf -> 0, wrap mod 2^32.
fn kd_f2i(v: f32) -> i32 {
  if ((bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u) { return 0; }
  let t = trunc(v);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let m = t - 4294967296.0 * floor(t / 4294967296.0);
  return bitcast<i32>(u32(m));
}

fn kd_sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn kd_log1p(x: f32) -> f32 {
  if (x > -0.3 && x < 0.5) {
    // 2 atanh(s), s = x / (2 + x)
    let s = x / (2.0 + x);
    let s2 = s * s;
    let p = 1.0 + s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 / 15.0))))));
    return 2.0 * s * p;
  }
  return kd_log(1.0 + x);
}
// Elementary functions with their IEEE special cases spelled out: outside a builtin's domain WGSL
// results are indeterminate (SwiftShader: log(0) = -88, atan2(-0, 1) = pi, sin accurate to 5e-5).
fn kd_log(x: f32) -> f32 {
  if (kd_isnan(x) || x < 0.0) { return kd_nan(); }
  if (x == 0.0) { return -kd_inf(); }
  if (kd_isinf(x)) { return x; }
  return log(x);
}
fn kd_log2(x: f32) -> f32 {
  if (kd_isnan(x) || x < 0.0) { return kd_nan(); }
  if (x == 0.0) { return -kd_inf(); }
  if (kd_isinf(x)) { return x; }
  return log2(x);
}
// sin and cos of x: Cody-Waite reduction by pi/2 in three parts (exact products for |x| < ~1e4),
// then Cephes' minimax polynomials on [-pi/4, pi/4].
fn kd_sincos(x: f32) -> vec2<f32> {
  let q = round(x * 0.63661977236758134);
  var r = x - q * 1.5703125;
  r = r - q * 4.837512969970703125e-4;
  r = r - q * 7.549789954891882e-8;
  let z = r * r;
  let sr = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let cr = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  let n = i32(q - 4.0 * floor(q * 0.25));
  if (n == 0) { return vec2<f32>(sr, cr); }
  if (n == 1) { return vec2<f32>(cr, -sr); }
  if (n == 2) { return vec2<f32>(-sr, -cr); }
  return vec2<f32>(-cr, sr);
}
fn kd_sin(x: f32) -> f32 {
  if (kd_isnan(x) || kd_isinf(x)) { return kd_nan(); }
  if (x == 0.0) { return x; }
  return kd_sincos(x).x;
}
fn kd_cos(x: f32) -> f32 {
  if (kd_isnan(x) || kd_isinf(x)) { return kd_nan(); }
  return kd_sincos(x).y;
}
fn kd_tan(x: f32) -> f32 {
  if (kd_isnan(x) || kd_isinf(x)) { return kd_nan(); }
  if (x == 0.0) { return x; }
  let sc = kd_sincos(x);
  return sc.x / sc.y;
}
// atan2 with IEEE signed zeros and infinities
fn kd_atan2(y: f32, x: f32) -> f32 {
  if (kd_isnan(y) || kd_isnan(x)) { return kd_nan(); }
  let pi = 3.14159265358979;
  let xneg = bitcast<u32>(x) >= 0x80000000u;
  let sy = select(1.0, -1.0, bitcast<u32>(y) >= 0x80000000u);
  if (y == 0.0) {
    if (xneg) { return sy * pi; }
    return y;
  }
  if (kd_isinf(y)) {
    if (kd_isinf(x)) { return sy * select(0.25 * pi, 0.75 * pi, xneg); }
    return sy * 0.5 * pi;
  }
  if (kd_isinf(x)) { return select(sy * 0.0, sy * pi, xneg); }
  if (x == 0.0) { return sy * 0.5 * pi; }
  return atan2(y, x);
}
fn kd_asin(x: f32) -> f32 {
  if (kd_isnan(x) || abs(x) > 1.0) { return kd_nan(); }
  if (x == 0.0) { return x; }
  return atan2(x, sqrt((1.0 - x) * (1.0 + x)));
}
fn kd_acos(x: f32) -> f32 {
  if (kd_isnan(x) || abs(x) > 1.0) { return kd_nan(); }
  return kd_atan2(sqrt((1.0 - x) * (1.0 + x)), x);
}
fn kd_asinh(x: f32) -> f32 {
  if (kd_isnan(x) || kd_isinf(x) || x == 0.0) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 1e4) { r = log(a) + 0.6931471805599453; } else { r = kd_log1p(a + a * a / (1.0 + sqrt(1.0 + a * a))); }
  return select(r, -r, x < 0.0);
}
fn kd_acosh(x: f32) -> f32 {
  if (kd_isnan(x) || x < 1.0) { return kd_nan(); }
  if (kd_isinf(x)) { return x; }
  if (x > 1e4) { return log(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return kd_log1p(t + sqrt(2.0 * t + t * t));
}
fn kd_atanh(x: f32) -> f32 {
  if (kd_isnan(x) || abs(x) > 1.0) { return kd_nan(); }
  if (abs(x) == 1.0) { return x * kd_inf(); }
  return 0.5 * kd_log1p(2.0 * x / (1.0 - x));
}
fn kd_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0
      + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x * (1.0 / 362880.0 + x / 3628800.0)))))))));
  }
  return exp(x) - 1.0;
}
// erfc for z >= 0 (Numerical Recipes' erfcc, fractional error < 1.2e-7)
fn kd_erfc_pos(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  let p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(p);
}
fn kd_erf(x: f32) -> f32 {
  if (kd_isnan(x)) { return x; }
  if (abs(x) < 1.0) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 14; n++) {
      term = term * (-x2 / f32(n));
      sum = sum + term / f32(2 * n + 1);
    }
    return 1.1283791670955126 * sum;
  }
  let c = kd_erfc_pos(abs(x));
  return select(c - 1.0, 1.0 - c, x > 0.0);
}
fn kd_erfc(x: f32) -> f32 {
  if (kd_isnan(x)) { return x; }
  if (x >= 1.0) { return kd_erfc_pos(x); }
  if (x <= -1.0) { return 2.0 - kd_erfc_pos(-x); }
  return 1.0 - kd_erf(x);
}
// Giles' single-precision erfinv, refined by Newton steps on kd_erf in the central region.
fn kd_erfinv(y: f32) -> f32 {
  if (kd_isnan(y) || abs(y) > 1.0) { return kd_nan(); }
  if (abs(y) == 1.0) { return y * kd_inf(); }
  var w = -log((1.0 - y) * (1.0 + y));
  var x: f32;
  if (w < 5.0) {
    w = w - 2.5;
    var p = 2.81022636e-8;
    p = 3.43273939e-7 + p * w;
    p = -3.5233877e-6 + p * w;
    p = -4.39150654e-6 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
    x = p * y;
    for (var i = 0; i < 2; i++) {
      let err = kd_erf(x) - y;
      x = x - err / (1.1283791670955126 * exp(-x * x));
    }
  } else {
    w = sqrt(w) - 3.0;
    var p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
    x = p * y;
  }
  return x;
}
// JavaScript's a ** b (with 1 ** b == 1 and a ** 0 == 1, as the op table's scalar).
fn kd_pow(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (kd_isnan(a) || kd_isnan(b)) { return kd_nan(); }
  let aa = abs(a);
  if (kd_isinf(b)) {
    if (aa == 1.0) { return kd_nan(); }
    if ((aa > 1.0) == (b > 0.0)) { return kd_inf(); }
    return 0.0;
  }
  let bint = trunc(b) == b;
  let odd = bint && abs(b) < 16777216.0 && (i32(b) & 1) != 0;
  let neg = bitcast<u32>(a) >= 0x80000000u;
  var r: f32;
  if (aa == 0.0 || kd_isinf(aa)) {
    r = select(0.0, kd_inf(), (aa == 0.0) == (b < 0.0));
  } else {
    if (neg && !bint) { return kd_nan(); }
    if (bint && abs(b) <= 64.0) {
      var e = u32(abs(b));
      var base = aa;
      var acc = 1.0;
      loop {
        if ((e & 1u) != 0u) { acc = acc * base; }
        e = e >> 1u;
        if (e == 0u) { break; }
        base = base * base;
      }
      r = select(acc, 1.0 / acc, b < 0.0);
    } else {
      r = exp2(b * log2(aa));
    }
  }
  return select(r, -r, neg && odd);
}
// max(x, lo) then min(., hi) (hi wins when lo > hi); NaN stays NaN
fn kd_clamp(x: f32, lo: f32, hi: f32) -> f32 {
  let a = select(x, lo, x < lo);
  return select(a, hi, a > hi);
}
fn kd_maximum(a: f32, b: f32) -> f32 {
  if (kd_isnan(a)) { return a; }
  if (kd_isnan(b)) { return b; }
  return select(b, a, a > b);
}
fn kd_minimum(a: f32, b: f32) -> f32 {
  if (kd_isnan(a)) { return a; }
  if (kd_isnan(b)) { return b; }
  return select(b, a, a < b);
}

// int32 versions used when an op runs on int32/bool operands
fn kd_ipow(a: i32, b: i32) -> i32 {
  if (a == 1 || b == 0) { return 1; }
  if (b < 0) {
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var base = a;
  var e = b;
  var r = 1;
  loop {
    if ((e & 1) != 0) { r = r * base; }
    e = e >> 1u;
    if (e == 0) { break; }
    base = base * base;
  }
  return r;
}
fn kd_imod(a: i32, b: i32) -> i32 {
  if (b == 0 || b == -1) { return 0; }
  let r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { return r + b; }
  return r;
}
fn kd_ifmod(a: i32, b: i32) -> i32 {
  if (b == 0 || b == -1) { return 0; }
  return a % b;
}
`;

//! Vector kernels of the training hot paths: the matrix-vector products of the
//! recurrence (which cannot be batched over a sequence), the short, wide matrix product of
//! RTRL's sensitivity update, and exp and tanh over a slice.
//!
//! The CPU's features are checked at run time, so one binary runs on any x86-64 CPU. With
//! AVX2 and FMA the kernels use 256-bit fused multiply-adds, and the matrix product uses
//! AVX-512 where present. Elsewhere they use portable loops. The paths round differently,
//! so results are bit-identical on one machine but may differ in the last bits between
//! machines with and without these instructions, as for the GEMMs of the
//! `matrixmultiply` crate.

use ndarray::linalg::{general_mat_mul, general_mat_vec_mul};
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut1};

use super::activation::tanh;

/// Whether the AVX2 + FMA paths can run on this CPU.
#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// c = a b, or c += a b when `accumulate`. Shapes: `a` is M x K, `b` is K x N, `c` is
/// M x N.
///
/// With AVX-512 and row-major arrays, a register-blocked kernel without packing computes
/// tiles of 8 rows by 16 columns of c, summing over K in order. It suits the short, wide
/// products of RTRL (H x H times H x N). Other cases go to ndarray's `general_mat_mul`.
///
/// # Panics
/// When the shapes do not match.
pub fn mat_mul(a: ArrayView2<f64>, b: ArrayView2<f64>, c: &mut Array2<f64>, accumulate: bool) {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert!(
        k == k2 && c.dim() == (m, n),
        "matrix product shapes must match"
    );

    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && let (Some(a), Some(b), Some(c)) = (a.as_slice(), b.as_slice(), c.as_slice_mut())
        {
            // SAFETY: the CPU supports AVX-512F, checked above; the slices are row-major
            // with the shapes checked above.
            unsafe {
                let store = avx512::Store {
                    accumulate,
                    scale: None,
                };
                avx512::mat_mul(a, b, c, (m, k, n), store);
            }
            return;
        }
    }
    let beta = if accumulate { 1.0 } else { 0.0 };
    general_mat_mul(1.0, &a, &b, beta, c);
}

/// c = diag(scale) a b: the product with row i scaled by `scale[i]`, in one pass.
/// Shapes: `a` is M x K, `b` is K x N, `scale` is M, `c` is M x N.
///
/// # Panics
/// When the shapes do not match.
pub fn mat_mul_scaled_rows(
    a: ArrayView2<f64>,
    b: ArrayView2<f64>,
    scale: ArrayView1<f64>,
    c: &mut Array2<f64>,
) {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert!(
        k == k2 && c.dim() == (m, n) && scale.len() == m,
        "matrix product shapes must match"
    );

    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && let (Some(a), Some(b), Some(s), Some(c)) = (
                a.as_slice(),
                b.as_slice(),
                scale.as_slice(),
                c.as_slice_mut(),
            )
        {
            // SAFETY: the CPU supports AVX-512F, checked above; the slices are row-major
            // with the shapes checked above.
            unsafe {
                let store = avx512::Store {
                    accumulate: false,
                    scale: Some(s),
                };
                avx512::mat_mul(a, b, c, (m, k, n), store);
            }
            return;
        }
    }
    general_mat_mul(1.0, &a, &b, 0.0, c);
    for (mut row, &s) in c.rows_mut().into_iter().zip(&scale) {
        row *= s;
    }
}

/// Replaces every element of `v` by its exponential, within 2 units in the last place of
/// `f64::exp` (measured by `exp_in_place_within_two_ulps_of_std`).
pub fn exp_in_place(v: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            unsafe { x86::exp_slice(v) };
            return;
        }
    }
    for x in v {
        *x = x.exp();
    }
}

/// Replaces every element of `v` by its hyperbolic tangent, within 2 units in the last
/// place of `f64::tanh` (measured by `tanh_in_place_within_two_ulps_of_std`).
pub fn tanh_in_place(v: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2_fma() {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            unsafe { x86::tanh_slice(v) };
            return;
        }
    }
    for x in v {
        *x = tanh(*x);
    }
}

/// out += W x, with W an R x C matrix stored row-major in `w`.
///
/// Shapes: `w` has R * C elements, `x` has C, `out` has R.
///
/// # Panics
/// When the slice lengths do not match.
pub fn mat_vec_add(w: &[f64], x: &[f64], out: &mut [f64]) {
    let (rows, cols) = (out.len(), x.len());
    assert_eq!(w.len(), rows * cols, "matrix size must equal rows x cols");

    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above, and the slice
            // lengths were checked against rows and cols.
            unsafe { x86::mat_vec_add_fma(w, x, out) };
            return;
        }
    }
    mat_vec_add_portable(w, x, out);
}

/// out += W^T x, with W an R x C matrix stored row-major in `w`, reading W row by row
/// (so that no transposed copy is needed).
///
/// Shapes: `w` has R * C elements, `x` has R, `out` has C.
///
/// # Panics
/// When the slice lengths do not match.
pub fn mat_t_vec_add(w: &[f64], x: &[f64], out: &mut [f64]) {
    let (rows, cols) = (x.len(), out.len());
    assert_eq!(w.len(), rows * cols, "matrix size must equal rows x cols");

    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above, and the slice
            // lengths were checked against rows and cols.
            unsafe { x86::mat_t_vec_add_fma(w, x, out) };
            return;
        }
    }
    mat_t_vec_add_portable(w, x, out);
}

/// out += m x on ndarray views: [`mat_vec_add`] when all three are contiguous and
/// row-major, ndarray's `general_mat_vec_mul` otherwise.
///
/// Shapes: `m` is R x C, `x` is C, `out` is R.
pub fn mat_vec_add_view(m: ArrayView2<f64>, x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    match (m.as_slice(), x.as_slice(), out.as_slice_mut()) {
        (Some(m), Some(x), Some(out)) => mat_vec_add(m, x, out),
        _ => general_mat_vec_mul(1.0, &m, &x, 1.0, &mut out),
    }
}

/// out += m^T x on ndarray views: [`mat_t_vec_add`] when all three are contiguous and
/// row-major, ndarray's `general_mat_vec_mul` otherwise.
///
/// Shapes: `m` is R x C, `x` is R, `out` is C.
pub fn mat_t_vec_add_view(m: ArrayView2<f64>, x: ArrayView1<f64>, mut out: ArrayViewMut1<f64>) {
    match (m.as_slice(), x.as_slice(), out.as_slice_mut()) {
        (Some(m), Some(x), Some(out)) => mat_t_vec_add(m, x, out),
        _ => general_mat_vec_mul(1.0, &m.t(), &x, 1.0, &mut out),
    }
}

/// The portable path of [`mat_t_vec_add`]: one scaled row at a time.
fn mat_t_vec_add_portable(w: &[f64], x: &[f64], out: &mut [f64]) {
    let cols = out.len();
    for (row, &xk) in w.chunks_exact(cols.max(1)).zip(x) {
        for (o, &wkj) in out.iter_mut().zip(row) {
            *o += wkj * xk;
        }
    }
}

/// The portable path: four independent sums per row so that the additions pipeline.
fn mat_vec_add_portable(w: &[f64], x: &[f64], out: &mut [f64]) {
    let cols = x.len();
    for (row, o) in w.chunks_exact(cols.max(1)).zip(out.iter_mut()) {
        let mut sums = [0.0; 4];
        let mut chunks = row.chunks_exact(4).zip(x.chunks_exact(4));
        for (wc, xc) in &mut chunks {
            for k in 0..4 {
                sums[k] += wc[k] * xc[k];
            }
        }
        let tail = cols - cols % 4;
        let mut sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        for j in tail..cols {
            sum += row[j] * x[j];
        }
        *o += sum;
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// Replaces each element by its exponential: four lanes at a time, the rest scalar.
    #[target_feature(enable = "avx2,fma")]
    pub fn exp_slice(v: &mut [f64]) {
        let mut chunks = v.chunks_exact_mut(4);
        for chunk in &mut chunks {
            // SAFETY: the chunk has four elements.
            unsafe {
                let x = _mm256_loadu_pd(chunk.as_ptr());
                _mm256_storeu_pd(chunk.as_mut_ptr(), exp4(x));
            }
        }
        for x in chunks.into_remainder() {
            *x = x.exp();
        }
    }

    /// Replaces each element by its tanh: four lanes at a time, the rest scalar.
    #[target_feature(enable = "avx2,fma")]
    pub fn tanh_slice(v: &mut [f64]) {
        let mut chunks = v.chunks_exact_mut(4);
        for chunk in &mut chunks {
            // SAFETY: the chunk has four elements.
            unsafe {
                let x = _mm256_loadu_pd(chunk.as_ptr());
                _mm256_storeu_pd(chunk.as_mut_ptr(), tanh4(x));
            }
        }
        for x in chunks.into_remainder() {
            *x = super::tanh(*x);
        }
    }

    /// e^x in four lanes: x = n ln 2 + r with |r| <= ln 2 / 2, where ln 2 is split as in
    /// fdlibm into a high part with 21 trailing zero bits and a low part (Cody and Waite),
    /// e^r by its Taylor series to degree 13 (truncation below 5e-18), then scaled by 2^n
    /// through the exponent bits. Lanes outside [-708, 709], and NaN, fall back to
    /// `f64::exp`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn exp4(x: __m256d) -> __m256d {
        const LOG2E: f64 = std::f64::consts::LOG2_E;
        const LN2_HIGH: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
        const LN2_LOW: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
        // 1 / k! for k = 13 down to 2.
        const TAYLOR: [f64; 12] = [
            1.0 / 6_227_020_800.0,
            1.0 / 479_001_600.0,
            1.0 / 39_916_800.0,
            1.0 / 3_628_800.0,
            1.0 / 362_880.0,
            1.0 / 40_320.0,
            1.0 / 5_040.0,
            1.0 / 720.0,
            1.0 / 120.0,
            1.0 / 24.0,
            1.0 / 6.0,
            0.5,
        ];
        let n = _mm256_round_pd::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_pd(x, _mm256_set1_pd(LOG2E)),
        );
        let r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_HIGH), x);
        let r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_LOW), r);
        let mut p = _mm256_set1_pd(TAYLOR[0]);
        for &c in &TAYLOR[1..] {
            p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(c));
        }
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
        p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));

        // 2^n for n in [-1022, 1023]: the biased exponent n + 1023 in bits 52..62.
        let n32 = _mm256_cvtpd_epi32(n);
        let biased = _mm256_add_epi64(_mm256_cvtepi32_epi64(n32), _mm256_set1_epi64x(1023));
        let scale = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(biased));
        let result = _mm256_mul_pd(p, scale);

        let in_range = _mm256_and_pd(
            _mm256_cmp_pd::<_CMP_GE_OQ>(x, _mm256_set1_pd(-708.0)),
            _mm256_cmp_pd::<_CMP_LE_OQ>(x, _mm256_set1_pd(709.0)),
        );
        if _mm256_movemask_pd(in_range) == 0b1111 {
            return result;
        }
        let mut lanes = [0.0; 4];
        let mut inputs = [0.0; 4];
        // SAFETY: both arrays hold four f64.
        unsafe {
            _mm256_storeu_pd(lanes.as_mut_ptr(), result);
            _mm256_storeu_pd(inputs.as_mut_ptr(), x);
        }
        let mask = _mm256_movemask_pd(in_range);
        for i in 0..4 {
            if mask & (1 << i) == 0 {
                lanes[i] = inputs[i].exp();
            }
        }
        // SAFETY: the array has four f64.
        unsafe { _mm256_loadu_pd(lanes.as_ptr()) }
    }

    /// tanh in four lanes, by the method of the scalar [`super::tanh`]: the rational
    /// function below |x| = 0.625, 1 - 2 / (e^(2|x|) + 1) above, the sign of x copied on.
    /// 2|x| is capped at 40, where 2 / (e^40 + 1) < 2^-56 already rounds the result to 1.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn tanh4(x: __m256d) -> __m256d {
        const P: [f64; 3] = [
            -9.643_991_794_250_523e-1,
            -9.928_772_310_019_185e1,
            -1.614_687_684_417_084_5e3,
        ];
        const Q: [f64; 3] = [
            1.128_116_784_916_329_3e2,
            2.235_488_390_601_004_6e3,
            4.844_063_053_251_255e3,
        ];
        let sign_bit = _mm256_set1_pd(-0.0);
        let a = _mm256_andnot_pd(sign_bit, x);
        let one = _mm256_set1_pd(1.0);

        let is_small = _mm256_cmp_pd::<_CMP_LT_OQ>(a, _mm256_set1_pd(0.625));
        let small_lanes = _mm256_movemask_pd(is_small);

        let z = _mm256_mul_pd(x, x);
        let p = _mm256_fmadd_pd(
            _mm256_fmadd_pd(_mm256_set1_pd(P[0]), z, _mm256_set1_pd(P[1])),
            z,
            _mm256_set1_pd(P[2]),
        );
        let q = _mm256_add_pd(z, _mm256_set1_pd(Q[0]));
        let q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(Q[1]));
        let q = _mm256_fmadd_pd(q, z, _mm256_set1_pd(Q[2]));
        let small = _mm256_fmadd_pd(_mm256_mul_pd(a, z), _mm256_div_pd(p, q), a);

        // Small weights keep most hidden units below 0.625, so skip the exponential
        // when no lane needs it.
        let magnitude = if small_lanes == 0b1111 {
            small
        } else {
            let twice = _mm256_min_pd(_mm256_add_pd(a, a), _mm256_set1_pd(40.0));
            let e = exp4(twice);
            let two = _mm256_set1_pd(2.0);
            let large = _mm256_sub_pd(one, _mm256_div_pd(two, _mm256_add_pd(e, one)));
            _mm256_blendv_pd(large, small, is_small)
        };
        let signed = _mm256_or_pd(magnitude, _mm256_and_pd(sign_bit, x));
        let is_nan = _mm256_cmp_pd::<_CMP_UNORD_Q>(x, x);
        _mm256_blendv_pd(signed, x, is_nan)
    }

    /// Sum of the four lanes, in the fixed order (l0 + l2) + (l1 + l3).
    #[target_feature(enable = "avx2,fma")]
    fn horizontal_sum(v: __m256d) -> f64 {
        let low = _mm256_castpd256_pd128(v);
        let high = _mm256_extractf128_pd(v, 1);
        let pair = _mm_add_pd(low, high);
        let swapped = _mm_unpackhi_pd(pair, pair);
        _mm_cvtsd_f64(_mm_add_sd(pair, swapped))
    }

    /// out += W x on AVX2 + FMA: four rows at a time, two accumulators per row, eight
    /// columns per iteration, so that eight independent FMA chains hide the FMA latency.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA, and `w.len() == out.len() * x.len()`.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn mat_vec_add_fma(w: &[f64], x: &[f64], out: &mut [f64]) {
        let (rows, cols) = (out.len(), x.len());
        let wide = cols - cols % 8;
        let xp = x.as_ptr();
        let mut r = 0;
        while r + 4 <= rows {
            // SAFETY (every load below): row r + i starts at (r + i) * cols and the
            // column index stays below `wide` <= cols, so each 4-lane load is inside `w`
            // and `x`.
            let base = unsafe { w.as_ptr().add(r * cols) };
            let mut acc = [_mm256_setzero_pd(); 8];
            let mut j = 0;
            while j < wide {
                unsafe {
                    let x0 = _mm256_loadu_pd(xp.add(j));
                    let x1 = _mm256_loadu_pd(xp.add(j + 4));
                    for i in 0..4 {
                        let p = base.add(i * cols + j);
                        acc[2 * i] = _mm256_fmadd_pd(_mm256_loadu_pd(p), x0, acc[2 * i]);
                        acc[2 * i + 1] =
                            _mm256_fmadd_pd(_mm256_loadu_pd(p.add(4)), x1, acc[2 * i + 1]);
                    }
                }
                j += 8;
            }
            for i in 0..4 {
                let row = &w[(r + i) * cols..(r + i + 1) * cols];
                let mut sum = horizontal_sum(_mm256_add_pd(acc[2 * i], acc[2 * i + 1]));
                for k in wide..cols {
                    sum = row[k].mul_add(x[k], sum);
                }
                out[r + i] += sum;
            }
            r += 4;
        }
        while r < rows {
            let row = &w[r * cols..(r + 1) * cols];
            let mut sum = 0.0;
            for k in 0..cols {
                sum = row[k].mul_add(x[k], sum);
            }
            out[r] += sum;
            r += 1;
        }
    }

    /// out += W^T x on AVX2 + FMA: eight rows of W at a time update each 4-lane chunk of
    /// `out` with one load and one store.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA, and `w.len() == x.len() * out.len()`.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn mat_t_vec_add_fma(w: &[f64], x: &[f64], out: &mut [f64]) {
        let (rows, cols) = (x.len(), out.len());
        let wide = cols - cols % 4;
        let op = out.as_mut_ptr();
        let mut k = 0;
        while k < rows {
            let block = (rows - k).min(8);
            // SAFETY (every access below): rows k .. k + block exist, each row has cols
            // elements, and the column index stays below `wide` <= cols.
            let base = unsafe { w.as_ptr().add(k * cols) };
            let scales: [__m256d; 8] =
                std::array::from_fn(|i| _mm256_set1_pd(if i < block { x[k + i] } else { 0.0 }));
            let mut j = 0;
            while j < wide {
                unsafe {
                    let mut o = _mm256_loadu_pd(op.add(j));
                    for (i, &scale) in scales.iter().enumerate().take(block) {
                        let wv = _mm256_loadu_pd(base.add(i * cols + j));
                        o = _mm256_fmadd_pd(wv, scale, o);
                    }
                    _mm256_storeu_pd(op.add(j), o);
                }
                j += 4;
            }
            for j in wide..cols {
                for i in 0..block {
                    out[j] = w[(k + i) * cols + j].mul_add(x[k + i], out[j]);
                }
            }
            k += block;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    /// How a product is written into c: added to it or overwriting it, rows scaled or not.
    #[derive(Clone, Copy)]
    pub struct Store<'a> {
        pub accumulate: bool,
        pub scale: Option<&'a [f64]>,
    }

    /// c (+)= diag(scale) a b for row-major slices, no scaling without `scale`; shapes
    /// (M, K, N) as in [`super::mat_mul`].
    ///
    /// # Safety
    /// The CPU must support AVX-512F, and the slices must hold M x K, K x N and M x N.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn mat_mul(
        a: &[f64],
        b: &[f64],
        c: &mut [f64],
        shape: (usize, usize, usize),
        store: Store,
    ) {
        let m = shape.0;
        let mut i = 0;
        while i < m {
            if m - i >= 8 {
                // SAFETY: rows i .. i + 8 exist; the caller's contract covers the rest.
                unsafe { rows::<8>(a, b, c, shape, i, store) };
                i += 8;
            } else {
                // SAFETY: row i exists.
                unsafe { rows::<1>(a, b, c, shape, i, store) };
                i += 1;
            }
        }
    }

    /// Rows i .. i + R of c, in tiles of 16 columns, then one narrower masked tile.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn rows<const R: usize>(
        a: &[f64],
        b: &[f64],
        c: &mut [f64],
        shape: (usize, usize, usize),
        i: usize,
        store: Store,
    ) {
        let n = shape.2;
        let mut j = 0;
        // SAFETY (all tiles): the tiles cover columns j .. n only, and masked lanes past
        // column n are neither loaded nor stored.
        while j + 16 <= n {
            unsafe { tile::<R, 2>(a, b, c, shape, (i, j), 0xff, store) };
            j += 16;
        }
        let rest = n - j;
        let mask = |lanes: usize| ((1u16 << lanes) - 1) as __mmask8;
        match rest {
            0 => {}
            1..=8 => unsafe { tile::<R, 1>(a, b, c, shape, (i, j), mask(rest), store) },
            _ => unsafe { tile::<R, 2>(a, b, c, shape, (i, j), mask(rest - 8), store) },
        }
    }

    /// Computes one R x 8V tile of c at (i, j) in R x V accumulators, summed over K in
    /// order. The last of the V vectors covers only the lanes set in `last`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn tile<const R: usize, const V: usize>(
        a: &[f64],
        b: &[f64],
        c: &mut [f64],
        (_, k, n): (usize, usize, usize),
        (i, j): (usize, usize),
        last: __mmask8,
        store: Store,
    ) {
        let Store { accumulate, scale } = store;
        let masks: [__mmask8; V] = std::array::from_fn(|v| if v + 1 == V { last } else { 0xff });
        let mut acc = [[_mm512_setzero_pd(); V]; R];
        for kk in 0..k {
            // SAFETY: row kk of b has n elements from kk * n, and the masks keep every
            // lane below column n.
            let bs: [__m512d; V] = std::array::from_fn(|v| unsafe {
                _mm512_maskz_loadu_pd(masks[v], b.as_ptr().add(kk * n + j + 8 * v))
            });
            for (r, row) in acc.iter_mut().enumerate() {
                let scale = _mm512_set1_pd(a[(i + r) * k + kk]);
                for (sum, &bv) in row.iter_mut().zip(&bs) {
                    *sum = _mm512_fmadd_pd(scale, bv, *sum);
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            let factor = _mm512_set1_pd(scale.map_or(1.0, |s| s[i + r]));
            for (v, (&sum, &mask)) in row.iter().zip(&masks).enumerate() {
                let sum = if scale.is_some() {
                    _mm512_mul_pd(sum, factor)
                } else {
                    sum
                };
                // SAFETY: as for the loads, on row i + r of c.
                unsafe {
                    let p = c.as_mut_ptr().add((i + r) * n + j + 8 * v);
                    let value = if accumulate {
                        _mm512_add_pd(_mm512_maskz_loadu_pd(mask, p), sum)
                    } else {
                        sum
                    };
                    _mm512_mask_storeu_pd(p, mask, value);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance between `a` and `b` in units in the last place of `b`.
    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        let ulp = f64::from_bits(b.abs().to_bits() + 1) - b.abs();
        (a - b).abs() / ulp
    }

    fn grid() -> Vec<f64> {
        (-400_000..=400_000)
            .map(|i| i as f64 * 5e-5)
            .chain((-100_000..=100_000).map(|i| i as f64 * 1e-7))
            .chain((-7_100..=7_100).map(|i| i as f64 * 0.1))
            .chain([1e-300, 1e-20, 0.624_999_999_999_999_9, 0.625, 708.9, -707.9])
            .collect()
    }

    #[test]
    fn exp_in_place_within_two_ulps_of_std() {
        let xs = grid();
        let mut ys = xs.clone();
        exp_in_place(&mut ys);
        let (worst, at) = xs
            .iter()
            .zip(&ys)
            .map(|(&x, &y)| (ulps(y, x.exp()), x))
            .fold((0.0, 0.0), |w, e| if e.0 > w.0 { e } else { w });
        eprintln!("exp_in_place: largest difference {worst} ulps at x = {at:e}");
        assert!(worst <= 2.0, "{worst} ulps at x = {at:e}");
    }

    #[test]
    fn exp_in_place_edge_values() {
        let mut v = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            710.0,
            -746.0,
            -720.0,
            0.0,
            1.0,
        ];
        exp_in_place(&mut v);
        assert!(v[0].is_nan());
        assert_eq!(v[1], f64::INFINITY);
        assert_eq!(v[2], 0.0);
        assert_eq!(v[3], 710f64.exp());
        assert_eq!(v[4], 0.0);
        assert_eq!(v[5], (-720f64).exp());
        assert_eq!(v[6], 1.0);
        assert_eq!(v[7], std::f64::consts::E);
    }

    #[test]
    fn tanh_in_place_within_two_ulps_of_std() {
        let xs = grid();
        let mut ys = xs.clone();
        tanh_in_place(&mut ys);
        let (worst, at) = xs
            .iter()
            .zip(&ys)
            .map(|(&x, &y)| (ulps(y, x.tanh()), x))
            .fold((0.0, 0.0), |w, e| if e.0 > w.0 { e } else { w });
        eprintln!("tanh_in_place: largest difference {worst} ulps at x = {at:e}");
        assert!(worst <= 2.0, "{worst} ulps at x = {at:e}");
    }

    #[test]
    fn tanh_in_place_edge_values() {
        let mut v = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            800.0,
            -30.0,
            1e-300,
        ];
        tanh_in_place(&mut v);
        assert!(v[0].is_nan());
        assert_eq!(v[1], 1.0);
        assert_eq!(v[2], -1.0);
        assert_eq!(v[3].to_bits(), 0.0f64.to_bits());
        assert_eq!(v[4].to_bits(), (-0.0f64).to_bits());
        assert_eq!(v[5], 1.0);
        assert_eq!(v[6], -1.0);
        assert_eq!(v[7], 1e-300);
    }

    fn naive(w: &[f64], x: &[f64], rows: usize) -> Vec<f64> {
        (0..rows)
            .map(|r| (0..x.len()).map(|c| w[r * x.len() + c] * x[c]).sum())
            .collect()
    }

    #[test]
    fn mat_vec_add_matches_naive_for_odd_sizes() {
        for (rows, cols) in [(1, 1), (3, 5), (4, 8), (7, 13), (16, 16), (9, 33)] {
            let w: Vec<f64> = (0..rows * cols)
                .map(|i| ((i * 7) % 11) as f64 - 5.0)
                .collect();
            let x: Vec<f64> = (0..cols)
                .map(|i| ((i * 3) % 5) as f64 * 0.25 - 0.5)
                .collect();
            let mut out = vec![1.0; rows];
            mat_vec_add(&w, &x, &mut out);
            let expected = naive(&w, &x, rows);
            for r in 0..rows {
                // Small integers and quarters: every path computes these sums exactly.
                assert_eq!(out[r], expected[r] + 1.0, "row {r} of {rows} x {cols}");
            }
            let mut portable = vec![1.0; rows];
            mat_vec_add_portable(&w, &x, &mut portable);
            assert_eq!(portable, out, "portable path, {rows} x {cols}");
        }
    }

    #[test]
    fn mat_mul_matches_naive_for_odd_sizes() {
        for (m, k, n) in [
            (1, 1, 1),
            (3, 2, 7),
            (8, 5, 24),
            (9, 4, 25),
            (17, 3, 41),
            (32, 32, 1312),
        ] {
            let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 5 + j * 3) % 7) as f64 - 3.0);
            let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 2 + j) % 5) as f64 * 0.5);
            let expected = a.dot(&b);
            let mut c = Array2::from_elem((m, n), 1.0);
            mat_mul(a.view(), b.view(), &mut c, true);
            assert_eq!(c, &expected + 1.0, "accumulate, {m} x {k} x {n}");
            mat_mul(a.view(), b.view(), &mut c, false);
            assert_eq!(c, expected, "overwrite, {m} x {k} x {n}");
        }
    }

    #[test]
    fn mat_mul_scaled_rows_matches_naive() {
        for (m, k, n) in [(1, 1, 1), (9, 4, 25), (32, 32, 1312)] {
            let a = Array2::from_shape_fn((m, k), |(i, j)| ((i * 5 + j * 3) % 7) as f64 - 3.0);
            let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 2 + j) % 5) as f64 * 0.5);
            let scale = ndarray::Array1::from_shape_fn(m, |i| (i % 3) as f64 - 0.5);
            let mut expected = a.dot(&b);
            for (mut row, &s) in expected.rows_mut().into_iter().zip(&scale) {
                row *= s;
            }
            let mut c = Array2::from_elem((m, n), 7.0);
            mat_mul_scaled_rows(a.view(), b.view(), scale.view(), &mut c);
            assert_eq!(c, expected, "{m} x {k} x {n}");
        }
    }

    #[test]
    fn mat_t_vec_add_matches_naive_for_odd_sizes() {
        for (rows, cols) in [(1, 1), (3, 5), (8, 4), (13, 7), (16, 16), (33, 9)] {
            let w: Vec<f64> = (0..rows * cols)
                .map(|i| ((i * 7) % 11) as f64 - 5.0)
                .collect();
            let x: Vec<f64> = (0..rows)
                .map(|i| ((i * 3) % 5) as f64 * 0.25 - 0.5)
                .collect();
            let transposed: Vec<f64> = (0..cols * rows)
                .map(|i| w[(i % rows) * cols + i / rows])
                .collect();
            let expected = naive(&transposed, &x, cols);
            let mut out = vec![1.0; cols];
            mat_t_vec_add(&w, &x, &mut out);
            for c in 0..cols {
                assert_eq!(out[c], expected[c] + 1.0, "column {c} of {rows} x {cols}");
            }
            let mut portable = vec![1.0; cols];
            mat_t_vec_add_portable(&w, &x, &mut portable);
            assert_eq!(portable, out, "portable path, {rows} x {cols}");
        }
    }
}

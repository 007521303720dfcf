//! The matrix-vector product of the recurrence, the one product of BPTT that cannot be
//! batched over a sequence (each step needs the previous hidden state).
//!
//! On x86-64 CPUs with AVX2 and FMA (checked at run time, so the binary still runs on
//! any x86-64 CPU) the product uses 256-bit fused multiply-adds with eight independent
//! accumulators; elsewhere it uses a portable loop. The two paths round differently, so
//! results are bit-identical on one machine but may differ in the last bits between a
//! machine with FMA and one without, as for the GEMMs of the `matrixmultiply` crate.

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

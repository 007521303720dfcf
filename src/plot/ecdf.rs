//! The empirical distribution function of a sample, as points for a step plot.

/// Returns the points (v, F(v)) of the empirical distribution function of the finite
/// `values`, sorted by v, where F(v) is the fraction of all `values` (non-finite ones
/// included in the count) that are <= v. Equal values give one point.
///
/// Counting non-finite values in the denominator makes the curve of "sequences to solve"
/// end below 1 when some runs did not solve: pass unsolved runs as `f64::NAN`.
pub fn ecdf(values: &[f64]) -> Vec<(f64, f64)> {
    let total = values.len() as f64;
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    finite.sort_by(f64::total_cmp);
    let mut points: Vec<(f64, f64)> = Vec::new();
    for (index, &value) in finite.iter().enumerate() {
        let fraction = (index + 1) as f64 / total;
        match points.last_mut() {
            Some(last) if last.0 == value => last.1 = fraction,
            _ => points.push((value, fraction)),
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdf_counts_unsolved_runs() {
        let points = ecdf(&[3.0, 1.0, f64::NAN, 3.0]);
        assert_eq!(points, vec![(1.0, 0.25), (3.0, 0.75)]);
    }

    #[test]
    fn ecdf_of_nothing_is_empty() {
        assert!(ecdf(&[]).is_empty());
    }
}

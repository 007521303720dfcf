//! English count phrases for the command line's messages: "1 run", "2 runs", "0 runs".

use std::fmt::Display;

/// Formats `count` followed by `singular`, adding an "s" unless `count` prints as "1".
///
/// Every noun the command line counts (run, thread, byte, bit, sequence, experiment) takes
/// a plain "s" in the plural. A float count should be rounded before it is passed, so that
/// 1.0 printed as "1" reads "1 bit".
pub fn counted(count: impl Display, singular: &str) -> String {
    let text = count.to_string();
    if text == "1" {
        format!("{text} {singular}")
    } else {
        format!("{text} {singular}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_takes_the_singular() {
        assert_eq!(counted(1, "run"), "1 run");
        assert_eq!(counted(1_u64, "thread"), "1 thread");
        assert_eq!(counted(format!("{:.0}", 1.2), "bit"), "1 bit");
    }

    #[test]
    fn other_counts_take_the_plural() {
        assert_eq!(counted(0, "run"), "0 runs");
        assert_eq!(counted(2, "run"), "2 runs");
        assert_eq!(counted(11, "byte"), "11 bytes");
        assert_eq!(counted("1.5", "bit"), "1.5 bits");
    }
}

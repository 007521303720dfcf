//! The search over the readings that Schmidhuber 1992 (the 20-step experiment) leaves open:
//! each reading changes the literal reading of the published settings in one or two named
//! ways, and runs the same seeds on the standard task with m = 20.
//!
//! A reading is a [`SystemConfig`]; the table row counts runs solved online and runs
//! confirmed by a frozen automatizer under 5,000 and 35,000 sequences (the paper: 13 of 17
//! under 5,000, the other 4 under 35,000).

use super::config::{
    ImitatedState, ImitationSchedule, LearnerKind, SurpriseRule, SystemConfig, TargetInput,
    TimeCode,
};
use super::run::RunOutcome;

/// One reading of the papers' settings.
#[derive(Clone, Debug)]
pub struct Reading {
    pub name: String,
    /// The change from the literal reading.
    pub change: String,
    pub system: SystemConfig,
}

fn reading(name: &str, change: &str, edit: impl FnOnce(&mut SystemConfig)) -> Reading {
    let mut system = SystemConfig::default();
    edit(&mut system);
    Reading {
        name: name.to_string(),
        change: change.to_string(),
        system,
    }
}

fn fully_recurrent(s: &mut SystemConfig) {
    s.automatizer.output_feedback = true;
    s.chunker.output_feedback = true;
}

/// Returns the readings of the search: the literal reading first, then the most informative ones,
/// so that a search cut short has run those.
pub fn readings() -> Vec<Reading> {
    vec![
        reading(
            "literal",
            "none: layered nets, the published settings",
            |_| {},
        ),
        reading(
            "fully_recurrent",
            "output feedback in A and C",
            fully_recurrent,
        ),
        reading(
            "fully_recurrent_lr_0.5",
            "output feedback in A and C; lr 0.5 for both nets",
            |s| {
                fully_recurrent(s);
                s.automatizer.learning_rate = 0.5;
                s.chunker.learning_rate = 0.5;
            },
        ),
        reading(
            "fully_recurrent_a_lr_0.5",
            "output feedback in A and C; A lr 0.5",
            |s| {
                fully_recurrent(s);
                s.automatizer.learning_rate = 0.5;
            },
        ),
        reading(
            "fully_recurrent_a_lr_0.3",
            "output feedback in A and C; A lr 0.3",
            |s| {
                fully_recurrent(s);
                s.automatizer.learning_rate = 0.3;
            },
        ),
        reading(
            "fully_recurrent_imitate_target_unit",
            "output feedback in A and C; A imitates C's target unit",
            |s| {
                fully_recurrent(s);
                s.collapse.imitated_state = ImitatedState::TargetUnit;
            },
        ),
        reading(
            "fully_recurrent_imitate_outputs",
            "output feedback in A and C; A imitates C's 23 output units",
            |s| {
                fully_recurrent(s);
                s.collapse.imitated_state = ImitatedState::Outputs;
            },
        ),
        reading("fully_recurrent_a", "output feedback in A only", |s| {
            s.automatizer.output_feedback = true;
        }),
        reading(
            "conventional",
            "no chunker (the conventional net), layered",
            |s| {
                s.chunker_enabled = false;
            },
        ),
        reading(
            "conventional_fully_recurrent",
            "no chunker (the conventional net), output feedback",
            |s| {
                s.chunker_enabled = false;
                s.automatizer.output_feedback = true;
            },
        ),
        reading(
            "fully_recurrent_no_term3",
            "output feedback in A and C; no term (3) (ablation)",
            |s| {
                fully_recurrent(s);
                s.collapse.weight_chunker_state = 0.0;
            },
        ),
        reading(
            "fully_recurrent_soft_t4",
            "output feedback in A and C; soft targets T = 4",
            |s| {
                fully_recurrent(s);
                s.collapse.temperature = 4.0;
            },
        ),
        reading("fully_recurrent_c", "output feedback in C only", |s| {
            s.chunker.output_feedback = true;
        }),
        reading(
            "argmax_surprise",
            "surprise = winner-take-all differs",
            |s| {
                s.collapse.surprise = SurpriseRule::Argmax;
            },
        ),
        reading("threshold_0.1", "surprise threshold 0.1", |s| {
            s.collapse.surprise_threshold = 0.1;
        }),
        reading(
            "surprise_without_target",
            "target unit not in the surprise test",
            |s| {
                s.collapse.surprise_counts_target = false;
            },
        ),
        reading("imitate_hidden", "A imitates C's hidden unit only", |s| {
            s.collapse.imitated_state = ImitatedState::Hidden;
        }),
        reading("imitate_outputs", "A imitates C's output units only", |s| {
            s.collapse.imitated_state = ImitatedState::Outputs;
        }),
        reading(
            "imitate_target_unit",
            "A imitates C's target unit only",
            |s| {
                s.collapse.imitated_state = ImitatedState::TargetUnit;
            },
        ),
        reading("imitate_at_ticks", "term (3) only at C's ticks", |s| {
            s.collapse.imitation_schedule = ImitationSchedule::Ticks;
        }),
        reading("term3_weight_4", "term (3) weight 4", |s| {
            s.collapse.weight_chunker_state = 4.0;
        }),
        reading("term3_weight_0.25", "term (3) weight 0.25", |s| {
            s.collapse.weight_chunker_state = 0.25;
        }),
        reading("lr_0.5", "lr 0.5 for both nets", |s| {
            s.automatizer.learning_rate = 0.5;
            s.chunker.learning_rate = 0.5;
        }),
        reading(
            "a_lr_0.1_imitate_target",
            "A lr 0.1, A imitates C's target unit",
            |s| {
                s.automatizer.learning_rate = 0.1;
                s.collapse.imitated_state = ImitatedState::TargetUnit;
            },
        ),
        reading("init_1.0", "weights uniform in [-1, 1]", |s| {
            s.automatizer.init_range = 1.0;
            s.chunker.init_range = 1.0;
        }),
        reading(
            "held_target_input",
            "target input held until the next target",
            |s| {
                s.target_input = TargetInput::Held;
            },
        ),
        reading(
            "time_code_decay",
            "C gets a decaying time-since-tick unit",
            |s| {
                s.collapse.time_code = TimeCode::Decay;
            },
        ),
        reading("soft_targets_t2", "term (3) soft targets at T = 2", |s| {
            s.collapse.temperature = 2.0;
        }),
        reading("sequence_starts", "every sequence start passed to C", |s| {
            s.collapse.pass_sequence_starts = true;
        }),
        reading("a_hidden_4", "A has 4 hidden units", |s| {
            s.automatizer.hidden = 4;
        }),
        reading("rtrl_a", "A trained by RTRL", |s| {
            s.automatizer.learner = LearnerKind::Rtrl;
        }),
        reading("horizon_21", "truncated BPTT 21 steps back", |s| {
            s.automatizer.horizon = 21;
            s.chunker.horizon = 21;
        }),
        reading(
            "fully_recurrent_argmax",
            "output feedback in A and C; argmax surprise",
            |s| {
                fully_recurrent(s);
                s.collapse.surprise = SurpriseRule::Argmax;
            },
        ),
        reading(
            "fully_recurrent_imitate_hidden",
            "output feedback in A and C; A imitates C's hidden unit",
            |s| {
                fully_recurrent(s);
                s.collapse.imitated_state = ImitatedState::Hidden;
            },
        ),
        reading(
            "fully_recurrent_imitate_at_ticks",
            "output feedback in A and C; term (3) only at ticks",
            |s| {
                fully_recurrent(s);
                s.collapse.imitation_schedule = ImitationSchedule::Ticks;
            },
        ),
        reading(
            "fully_recurrent_soft_t2",
            "output feedback in A and C; soft targets T = 2",
            |s| {
                fully_recurrent(s);
                s.collapse.temperature = 2.0;
            },
        ),
        reading(
            "fully_recurrent_starts",
            "output feedback in A and C; every sequence start passed to C",
            |s| {
                fully_recurrent(s);
                s.collapse.pass_sequence_starts = true;
            },
        ),
        reading(
            "fully_recurrent_held_target",
            "output feedback in A and C; target input held",
            |s| {
                fully_recurrent(s);
                s.target_input = TargetInput::Held;
            },
        ),
        reading(
            "fully_recurrent_threshold_0.1",
            "output feedback in A and C; surprise threshold 0.1",
            |s| {
                fully_recurrent(s);
                s.collapse.surprise_threshold = 0.1;
            },
        ),
    ]
}

/// One row of the search table.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchRow {
    pub runs: usize,
    pub solved_under_5000: usize,
    pub solved_under_35000: usize,
    /// Median over all runs, an unsolved run counting as infinitely slow; `None` when half
    /// or more of the runs were not solved.
    pub median_sequences_to_solve: Option<u64>,
    pub frozen_under_5000: usize,
    pub frozen_under_35000: usize,
    pub median_sequences_to_frozen: Option<u64>,
    /// Mean of C's ticks per sequence over the last window of each run.
    pub mean_final_ticks_per_sequence: f64,
    pub diverged: usize,
}

/// Returns the median of `values` with `None` as +infinity; `None` when it is infinite.
///
/// For an even count it is the lower of the two middle values.
pub fn median_with_unsolved(values: &[Option<u64>]) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted: Vec<u64> = values.iter().map(|v| v.unwrap_or(u64::MAX)).collect();
    sorted.sort_unstable();
    let middle = sorted[(sorted.len() - 1) / 2];
    (middle != u64::MAX).then_some(middle)
}

/// Counts the outcomes of one reading's runs; `None` marks a diverged run.
pub fn summarize(outcomes: &[Option<RunOutcome>]) -> SearchRow {
    let under = |values: &[Option<u64>], limit: u64| {
        values
            .iter()
            .filter(|v| v.is_some_and(|s| s < limit))
            .count()
    };
    let solve: Vec<Option<u64>> = outcomes
        .iter()
        .map(|o| o.as_ref().and_then(|o| o.sequences_to_solve))
        .collect();
    let frozen: Vec<Option<u64>> = outcomes
        .iter()
        .map(|o| o.as_ref().and_then(|o| o.sequences_to_frozen))
        .collect();
    let finished: Vec<&RunOutcome> = outcomes.iter().flatten().collect();
    let ticks = finished
        .iter()
        .map(|o| o.final_ticks_per_sequence)
        .sum::<f64>()
        / finished.len().max(1) as f64;
    SearchRow {
        runs: outcomes.len(),
        solved_under_5000: under(&solve, 5000),
        solved_under_35000: under(&solve, 35000),
        median_sequences_to_solve: median_with_unsolved(&solve),
        frozen_under_5000: under(&frozen, 5000),
        frozen_under_35000: under(&frozen, 35000),
        median_sequences_to_frozen: median_with_unsolved(&frozen),
        mean_final_ticks_per_sequence: ticks,
        diverged: outcomes.len() - finished.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_counts_unsolved_as_infinite() {
        assert_eq!(median_with_unsolved(&[Some(5), None, Some(1)]), Some(5));
        assert_eq!(median_with_unsolved(&[Some(5), None, None]), None);
        assert_eq!(
            median_with_unsolved(&[Some(3), Some(1), Some(2), Some(9)]),
            Some(2)
        );
        assert_eq!(median_with_unsolved(&[]), None);
    }

    #[test]
    fn reading_names_are_unique() {
        let names: std::collections::BTreeSet<String> =
            readings().into_iter().map(|r| r.name).collect();
        assert_eq!(names.len(), readings().len());
    }

    #[test]
    fn readings_are_valid() {
        for r in readings() {
            assert!(r.system.validate().is_ok(), "{} is invalid", r.name);
        }
    }
}

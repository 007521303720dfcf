//! Figures from records: a small data-driven layer that every experiment's figure function
//! builds on, and the figure functions themselves. Figures read CSV files only, so they can
//! be redrawn without retraining.
//!
//! # The generic layer
//! - [`Figure`] describes one chart: `title`, `caption` (which paper result it reproduces),
//!   `x_label` and `y_label` (with units), `x_log` / `y_log`, `series`, `markers`,
//!   optional fixed `x_range` / `y_range`, and the `legend` corner ([`LegendPosition`]).
//!   `Figure { .., ..Figure::default() }` leaves the rest at their defaults.
//! - [`Series`] is one labelled set of `points: Vec<(f64, f64)>` drawn as
//!   [`SeriesKind::Line`], [`SeriesKind::Points`] or [`SeriesKind::Steps`]. Lines break at
//!   NaN or infinite values; points that cannot be drawn (non-finite, or <= 0 on a log axis)
//!   are skipped, and a note under the caption counts them.
//! - [`Marker`] draws a paper number: a labelled horizontal line, vertical line or point.
//! - [`draw`]`(&figure, stem)` writes `stem.png` and `stem.svg`, each to a temporary name
//!   first and then renamed, with the bundled DejaVu Sans font (no system fonts are read).
//!   An empty figure, a constant series or all-NaN data give a figure with a note, never a
//!   panic.
//! - [`ecdf`] turns values into the points of an empirical distribution function, for
//!   "fraction of runs solved within n sequences" plots.
//! - [`read_table`] reads a CSV file into a [`Table`] with typed column access
//!   ([`Table::floats`], [`Table::integers`], [`Table::optional_integers`],
//!   [`Table::bools`], [`Table::texts`]); a wrong header, a missing column, a wrong type or
//!   a truncated row is [`crate::Error::Malformed`] naming the file, row and column.
//!
//! # Figures per experiment
//! [`experiments::draw_experiment`] maps an experiment's `kind` (from its `run.toml`
//! sidecar) to its figure function; [`experiments::draw_all`] redraws every folder under
//! `data/`.

pub mod codec;
pub mod collapse;
pub mod conventional;
pub mod ecdf;
pub mod experiments;
pub mod figure;
pub mod font;
pub mod hierarchy;
pub mod render;
pub mod table;
pub mod trace;

pub use ecdf::ecdf;
pub use figure::{Figure, LegendPosition, Marker, Series, SeriesKind, draw};
pub use table::{Table, read_table};

//! The bundled font: DejaVu Sans (assets/fonts/DejaVuSans.ttf, free license in
//! assets/fonts/DejaVu-LICENSE), compiled into the binary and registered with plotters'
//! ab_glyph text renderer, so drawing never looks for system fonts.

use std::sync::OnceLock;

/// The family name figures use for all text.
pub const FAMILY: &str = "sans-serif";

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font once per process; later calls return the first result.
///
/// # Errors
/// A message when the bundled bytes are not a font (a broken build).
pub fn register() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FAMILY, plotters::style::FontStyle::Normal, FONT)
                .map_err(|_| "the bundled DejaVu Sans font cannot be parsed".to_string())
        })
        .clone()
}

//! What happens when standard output goes away: a closed pipe (`chunker gradients | head`)
//! or a full device (`> /dev/full`).
//!
//! Rust ignores SIGPIPE, so a write to a closed pipe returns an error, and `println!` turns
//! any write error into a panic. The command line restores the Unix default for SIGPIPE,
//! so a closed pipe ends the process quietly as it does for `cat` or `head`, and turns the
//! panic of a failed `println!` into an error message and exit code 1.

use std::io::Write;

/// Exit code of a command whose standard output could not be written.
const STDOUT_FAILED_EXIT_CODE: i32 = 1;

/// Restores the default action of SIGPIPE (terminate) on Unix; does nothing elsewhere.
pub fn restore_default_sigpipe() {
    #[cfg(unix)]
    {
        const SIGPIPE: i32 = 13;
        const SIG_DFL: usize = 0;
        unsafe extern "C" {
            fn signal(signum: i32, handler: usize) -> usize;
        }
        // SAFETY: `signal` with SIG_DFL installs no handler code; it only resets the
        // disposition of SIGPIPE, before any thread is started.
        unsafe {
            signal(SIGPIPE, SIG_DFL);
        }
    }
}

/// Installs a panic hook that reports a failed write to stdout as an error and exits with
/// code 1; every other panic goes to the default hook.
pub fn exit_cleanly_when_stdout_fails() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if let Some(reason) = message.strip_prefix("failed printing to stdout: ") {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write to standard output: {reason}"
            );
            std::process::exit(STDOUT_FAILED_EXIT_CODE);
        }
        default_hook(info);
    }));
}

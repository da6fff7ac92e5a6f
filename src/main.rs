//! The `hassou` binary: parse the command line, run it, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Owner-only files (database, its -wal/-shm, logs, token): they hold customers' names,
    // addresses and the stores' answers. Set before anything is created.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = hassou::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            hassou::commands::stderr_line(format!("cannot start the async runtime: {e}"));
            return ExitCode::from(2);
        }
    };
    runtime.block_on(hassou::commands::run(cli))
}

//! The `hassou` binary: parse the command line, run it, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = hassou::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("hassou: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(hassou::commands::run(cli))
}

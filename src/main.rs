use clap::Parser;

fn main() {
    let cli = gwlint::cli::Cli::parse();
    std::process::exit(gwlint::cli::run(cli));
}

fn main() {
    std::process::exit(chunker::cli::main_entry());
}

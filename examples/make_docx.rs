//! Builds a .docx from a text file with the repo's generator (`gwlint::docx::generate`):
//! `cargo run --example make_docx -- [--sample] IN.txt OUT.docx`. Plain, one paragraph a line;
//! with `--sample`, a formatted document read as a layout sample (`@模板 Word` and `[…]` lines).

use gwlint::docx::generate;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (sample, files) = match args.split_first() {
        Some((flag, rest)) if flag == "--sample" => (true, rest),
        _ => (false, args.as_slice()),
    };
    let [input, output] = files else {
        eprintln!("用法：make_docx [--sample] IN.txt OUT.docx");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(input).expect("读取输入");
    let docx = if sample {
        generate::from_sample(&text)
    } else {
        generate::from_text(&text)
    };
    std::fs::write(output, docx).expect("写入输出");
}

//! Builds a .docx from a text file, one paragraph a line: `cargo run --example make_docx -- IN.txt OUT.docx`.
//! The generator is the test suite's (tests/support/docx.rs), so fixtures have a known origin.

#[path = "../tests/support/docx.rs"]
#[allow(dead_code)]
mod docx;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("用法：make_docx IN.txt OUT.docx");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(input).expect("读取输入");
    std::fs::write(output, docx::from_text(&text)).expect("写入输出");
}

//! Issue 12, "Never fail a user's file": each hostile input found by hand, by the property tests
//! or by the fuzzer (scripts/fuzz.sh), pinned end to end through the real binary.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_gwlint");

fn gwlint(args: &[&str], file: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg(file)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gwlint")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A heading token followed only by whitespace made the parser slice backwards (`begin > end`).
#[test]
fn heading_tokens_followed_only_by_whitespace() {
    let dir = tempfile::tempdir().unwrap();
    for line in [
        "二、 ",
        "一、\u{3000}",
        "（一） ",
        "1. ",
        "第一部分 ",
        "二、\t",
        "三、 \r\n四、 \r\n",
        "名词解释\n1、 \n",
        "#  ",
    ] {
        let path = dir.path().join("ws.txt");
        fs::write(&path, format!("关于做好工作的通知\n\n{line}\n正文内容。\n")).unwrap();
        for command in [&["check", "--format", "json"][..], &["parse"]] {
            let output = gwlint(command, &path);
            assert!(
                matches!(output.status.code(), Some(0 | 1)),
                "{command:?} on {line:?}: {}",
                stderr(&output)
            );
        }
    }
}

/// `--fix` on a symlink fixes its target and leaves the link a link.
#[cfg(unix)]
#[test]
fn fix_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.txt");
    let link = dir.path().join("link.txt");
    fs::write(&real, "这是正文,有问题。\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    gwlint(&["check", "--fix"], &link);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), "这是正文，有问题。\n");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
}

/// A read-only file is refused with exit 2 and a Chinese message, not silently rewritten.
#[cfg(unix)]
#[test]
fn fix_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.txt");
    fs::write(&path, "这是正文,有问题。\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let output = gwlint(&["check", "--fix"], &path);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("只读"), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&path).unwrap(), "这是正文,有问题。\n");
}

/// 73 commas in a row took more than the old ten passes: one run now finishes the job.
#[test]
fn fix_finishes_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.txt");
    fs::write(&path, format!("际{}。\n", ",".repeat(73))).unwrap();
    let first = gwlint(&["check", "--fix"], &path);
    let once = fs::read_to_string(&path).unwrap();
    assert!(!stderr(&first).contains("已停止"), "{}", stderr(&first));
    gwlint(&["check", "--fix"], &path);
    assert_eq!(fs::read_to_string(&path).unwrap(), once);
}

/// A URL is an aside: the comma after it is fixed, the URL is not touched.
#[test]
fn fix_leaves_urls_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("url.txt");
    fs::write(
        &path,
        "关于公布网址的通知\n\n详细内容请登录区政府网站http://www.jiading.gov.cn查询,谢谢。\n",
    )
    .unwrap();
    gwlint(&["check", "--fix"], &path);
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("http://www.jiading.gov.cn查询，谢谢"),
        "{text}"
    );
}

/// A broken .docx says what is wrong in Chinese, without the zip library's English.
#[test]
fn a_broken_docx_is_reported_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.docx");
    fs::write(&path, "not a zip at all").unwrap();
    let output = gwlint(&["check"], &path);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("zip"), "{message}");
    assert!(
        !message.contains("EOCD") && !message.contains("invalid"),
        "{message}"
    );
}

/// A directory given where a file is expected says so in Chinese, without `os error 21`, and
/// with no `gwlint::yaml` code heading the message.
#[test]
fn io_errors_are_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["check", "--config"])
        .arg(dir.path())
        .arg(dir.path())
        .output()
        .unwrap();
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(message.contains("这是一个目录，不是文件"), "{message}");
    assert!(
        !message.contains("os error") && !message.contains("gwlint::"),
        "{message}"
    );
}

/// A full disk under the report is said in Chinese, with exit 2, in every format.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_said_in_chinese() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for format in ["json", "sarif", "human"] {
        let output = Command::new(BIN)
            .args(["check", "--format", format])
            .arg(&seeds)
            .stdout(fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{format}: {message}");
        assert!(message.contains("无法写出结果：磁盘空间已满"), "{message}");
        assert!(!message.contains("os error"), "{message}");
    }
}

/// Found by tests/properties.rs: `附件：1.1,234.5万元` read `1.` as an item number and the fixes
/// then deleted digits of the amount, one pass at a time.
#[test]
fn an_attachment_note_keeps_a_number_with_separators() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.txt");
    fs::write(&path, "附件：1.1,234.5万元一、一、").unwrap();
    gwlint(&["check", "--fix"], &path);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("1.1,234.5万元"), "{text}");
}

//! I/O errors in words for the user, for every layer that reads or writes files (source, docx,
//! workspace, rule packs): the standard library's are English (`Is a directory (os error 21)`).

/// Why an I/O operation failed.
pub fn reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let reason = match error.kind() {
        ErrorKind::NotFound => "文件或目录不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::IsADirectory => "这是一个目录，不是文件",
        ErrorKind::NotADirectory => "路径中有一段不是目录",
        ErrorKind::ReadOnlyFilesystem => "文件系统是只读的",
        ErrorKind::StorageFull => "磁盘空间已满",
        ErrorKind::QuotaExceeded => "超出磁盘配额",
        ErrorKind::FileTooLarge => "文件太大",
        ErrorKind::InvalidData => "数据无效",
        ErrorKind::UnexpectedEof => "文件意外结束",
        ErrorKind::Interrupted => "操作被中断",
        ErrorKind::AlreadyExists => "文件已存在",
        ErrorKind::DirectoryNotEmpty => "目录不为空",
        ErrorKind::CrossesDevices => "不能跨文件系统移动文件",
        _ => match error.raw_os_error() {
            // ELOOP: `filesystem_loop` is not a stable kind yet.
            Some(40) => "符号链接形成循环",
            Some(code) => return format!("系统错误（错误码 {code}）"),
            None => "输入输出错误",
        },
    };
    reason.to_string()
}

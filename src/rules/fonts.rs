//! Typeface families as users have them installed: 仿宋_GB2312, 仿宋, FangSong, 方正仿宋_GBK and
//! 方正仿宋简体 are all the standard's 仿宋. A layout rule compares families, not names.

/// Family → the names its fonts go by (Windows, macOS, WPS, 方正 and 华文 foundries).
const FAMILIES: &[(&str, &[&str])] = &[
    (
        "仿宋",
        &[
            "仿宋",
            "仿宋_GB2312",
            "仿宋_GB18030",
            "FangSong",
            "FangSong_GB2312",
            "方正仿宋_GBK",
            "方正仿宋简体",
            "方正仿宋_GB2312",
            "华文仿宋",
            "STFangsong",
        ],
    ),
    (
        "小标宋",
        &[
            "小标宋",
            "方正小标宋简体",
            "方正小标宋_GBK",
            "方正小标宋_GB2312",
            "华文中宋",
            "STZhongsong",
            "小标宋体",
        ],
    ),
    (
        "黑体",
        &[
            "黑体",
            "SimHei",
            "方正黑体_GBK",
            "方正黑体简体",
            "方正黑体_GB2312",
            "华文黑体",
            "STHeiti",
        ],
    ),
    (
        "楷体",
        &[
            "楷体",
            "楷体_GB2312",
            "楷体_GB18030",
            "KaiTi",
            "KaiTi_GB2312",
            "方正楷体_GBK",
            "方正楷体简体",
            "方正楷体_GB2312",
            "华文楷体",
            "STKaiti",
        ],
    ),
    (
        "宋体",
        &[
            "宋体",
            "SimSun",
            "新宋体",
            "NSimSun",
            "方正书宋_GBK",
            "方正书宋简体",
            "华文宋体",
            "STSong",
        ],
    ),
];

/// The family `name` belongs to, or `None` for a font outside the table (等线, Calibri, …).
pub fn family(name: &str) -> Option<&'static str> {
    let name = name.trim();
    FAMILIES
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(family, _)| *family)
}

/// Whether `family` is one the table knows, so a rule naming it can be checked.
pub fn is_family(family: &str) -> bool {
    FAMILIES.iter().any(|(f, _)| *f == family)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_users_have_them() {
        for name in [
            "仿宋_GB2312",
            "仿宋",
            "FangSong",
            "方正仿宋_GBK",
            "方正仿宋简体",
        ] {
            assert_eq!(family(name), Some("仿宋"), "{name}");
        }
        for name in ["方正小标宋简体", "方正小标宋_GBK", "华文中宋"] {
            assert_eq!(family(name), Some("小标宋"), "{name}");
        }
        assert_eq!(family("SimHei"), Some("黑体"));
        assert_eq!(family("楷体_GB2312"), Some("楷体"));
        assert_eq!(family("simsun"), Some("宋体"));
        assert_eq!(family("等线"), None);
    }
}

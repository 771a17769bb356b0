//! Deterministic benchmark corpus built from the seed documents in `seeds/`.
//!
//! Each document takes one seed's header block (its first lines: issuing body, document
//! number, title, addressee) and then a random mix of single paragraphs and runs of
//! consecutive lines (a heading and what follows it) drawn from every seed. Some documents
//! carry defects (a half-width comma, an unmatched quotation mark, a `[bookmark: _GoBack]`
//! marker), some use CRLF line endings, some start with a UTF-8 BOM and some are encoded in
//! GB18030. Sizes are spread log-uniformly from 2 KB to 200 KB, and the last document of the
//! set is about 1 MB. The same `(n, seed)` always gives the same bytes.

use std::path::Path;

/// splitmix64: tiny, fast and good enough to pick paragraphs.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// One seed document cut into lines.
struct Seed {
    /// The first non-blank lines, kept in order.
    header: Vec<String>,
    /// Every non-blank line after the header.
    body: Vec<String>,
    /// Whether the seed separates paragraphs with a blank line.
    blank_lines: bool,
}

const HEADER_LINES: usize = 10;
const MIN_LEN: f64 = 2.0 * 1024.0;
const MAX_LEN: f64 = 200.0 * 1024.0;
const BIG_LEN: usize = 1024 * 1024;

fn load_seeds() -> Vec<Seed> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("seeds/ folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    let seeds: Vec<Seed> = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("UTF-8 seed");
            let text = text.replace("\r\n", "\n");
            let lines: Vec<String> = text
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_string)
                .collect();
            let split = HEADER_LINES.min(lines.len() / 2);
            Seed {
                header: lines[..split].to_vec(),
                body: lines[split..].to_vec(),
                blank_lines: text.contains("\n\n"),
            }
        })
        .filter(|seed| !seed.body.is_empty())
        .collect();
    assert!(!seeds.is_empty(), "no usable seed in {}", dir.display());
    seeds
}

/// A byte offset on a char boundary of `s`, chosen at random.
fn boundary(rng: &mut Rng, s: &str) -> usize {
    let mut at = rng.below(s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Plants one defect in `paragraph`.
fn add_defect(rng: &mut Rng, paragraph: &mut String) {
    match rng.below(3) {
        0 => {
            // A half-width comma between Chinese text.
            if let Some(at) = paragraph.find('，') {
                paragraph.replace_range(at..at + '，'.len_utf8(), ",");
            } else {
                let at = boundary(rng, paragraph);
                paragraph.insert(at, ',');
            }
        }
        1 => {
            let at = boundary(rng, paragraph);
            paragraph.insert(at, '“');
        }
        _ => paragraph.insert_str(0, "[bookmark: _GoBack]"),
    }
}

fn document(rng: &mut Rng, seeds: &[Seed], target: usize) -> String {
    let home = &seeds[rng.below(seeds.len())];
    let blank_lines = home.blank_lines ^ rng.chance(0.2);
    let defect_rate = if rng.chance(0.4) {
        0.0
    } else {
        0.002 + 0.02 * rng.unit()
    };

    let mut lines: Vec<String> = home.header.clone();
    let mut len: usize = lines.iter().map(|l| l.len() + 1).sum();
    while len < target {
        let seed = &seeds[rng.below(seeds.len())];
        let run = if rng.chance(0.6) {
            // A heading run: consecutive lines, usually a heading and its paragraphs.
            1 + rng.below(8)
        } else {
            1
        };
        let start = rng.below(seed.body.len());
        for line in seed.body[start..].iter().take(run) {
            let mut line = line.clone();
            if rng.chance(defect_rate) {
                add_defect(rng, &mut line);
            }
            len += line.len() + if blank_lines { 2 } else { 1 };
            lines.push(line);
        }
    }

    let mut text = lines.join(if blank_lines { "\n\n" } else { "\n" });
    text.push('\n');
    text
}

/// `n` documents as `(file name, file bytes)`, the same for the same `(n, seed)`.
pub fn generate(n: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let seeds = load_seeds();
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let target = if i + 1 == n && n > 1 {
                BIG_LEN
            } else {
                (MIN_LEN * (MAX_LEN / MIN_LEN).powf(rng.unit())) as usize
            };
            let mut text = document(&mut rng, &seeds, target);
            if rng.chance(0.15) {
                text = text.replace('\n', "\r\n");
            }
            let roll = rng.unit();
            let (bytes, tag) = if roll < 0.10 {
                let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
                assert!(!unmappable, "GB18030 encodes every char");
                (bytes.into_owned(), "gb18030")
            } else if roll < 0.15 {
                let mut bytes = vec![0xEF, 0xBB, 0xBF];
                bytes.extend_from_slice(text.as_bytes());
                (bytes, "bom")
            } else {
                (text.into_bytes(), "utf8")
            };
            (format!("doc_{i:05}_{tag}.txt"), bytes)
        })
        .collect()
}

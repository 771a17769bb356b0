#!/usr/bin/env bash
# Opens gwlint-annotated .docx files in a real LibreOffice (Debian's libreoffice-writer-nogui,
# installed when missing): each must convert to PDF without repair, keep one comment per
# finding, and leave its input byte for byte as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1; then
  echo "docx-check: installing libreoffice-writer-nogui (Debian)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq libreoffice-writer-nogui >/dev/null
fi

cargo build --release -q --bin gwlint --example make_docx
gwlint=target/release/gwlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for seed in seeds/003_*.txt seeds/004_*.txt; do
  name=$(basename "$seed" .txt)
  target/release/examples/make_docx "$seed" "$work/$name.docx"
  before=$(sha256sum "$work/$name.docx" | cut -d' ' -f1)
  "$gwlint" annotate "$work/$name.docx" -o "$work/$name-annotated.docx" 2>/dev/null
  after=$(sha256sum "$work/$name.docx" | cut -d' ' -f1)
  [ "$before" = "$after" ] || { echo "docx-check: annotate changed its input $name.docx"; exit 1; }
  findings=$("$gwlint" check --exit-zero --format json "$work/$name.docx" | python3 -c 'import json,sys; print(sum(len(f["diagnostics"]) for f in json.load(sys.stdin)["files"]))')
  comments=$(python3 - "$work/$name-annotated.docx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(len(re.findall(r"<w:comment[ >]", z.read("word/comments.xml").decode())),
      len(re.findall(r"<w:commentReference ", z.read("word/document.xml").decode())))
PY
)
  [ "$comments" = "$findings $findings" ] || { echo "docx-check: $name: comments/references $comments, findings $findings"; exit 1; }
  HOME="$work" timeout 120 soffice --headless --norestore --convert-to pdf --outdir "$work" "$work/$name-annotated.docx" >"$work/soffice.log" 2>&1 \
    || { echo "docx-check: LibreOffice failed on $name-annotated.docx"; cat "$work/soffice.log"; exit 1; }
  [ -s "$work/$name-annotated.pdf" ] || { echo "docx-check: LibreOffice made no PDF of $name-annotated.docx"; cat "$work/soffice.log"; exit 1; }
  echo "docx-check: $name: $findings findings → $findings comments; LibreOffice opened it and wrote $(stat -c %s "$work/$name-annotated.pdf") bytes of PDF"
done

# LibreOffice writes styles, fields and footers its own way: a page that follows GB/T 9704,
# saved again by LibreOffice, must still give no layout finding. (Its export rewrites the
# character grid's charSpace against another base size, so layout/grid is left out.)
sed -n '/^const CONFORMING: &str = "\\$/,/^";$/p' tests/layout.rs | sed '1d;$d' >"$work/conforming.sample"
target/release/examples/make_docx --sample "$work/conforming.sample" "$work/conforming.docx"
mkdir -p "$work/resaved"
HOME="$work" timeout 120 soffice --headless --norestore --convert-to docx:"MS Word 2007 XML" --outdir "$work/resaved" "$work/conforming.docx" >"$work/soffice.log" 2>&1 \
  || { echo "docx-check: LibreOffice failed to re-save conforming.docx"; cat "$work/soffice.log"; exit 1; }
layout=$("$gwlint" check --exit-zero --format json --ignore layout/grid "$work/resaved/conforming.docx" | python3 -c 'import json,sys; print(" ".join(d["rule"] for f in json.load(sys.stdin)["files"] for d in f["diagnostics"] if d["rule"].startswith("layout/")))')
[ -z "$layout" ] || { echo "docx-check: layout findings on the conforming page re-saved by LibreOffice: $layout"; exit 1; }
echo "docx-check: the conforming page, re-saved by LibreOffice, gives no layout finding"

#!/usr/bin/env python3
"""Helper of scripts/browser-check.sh: reads the DOM headless Chromium built from gwlint's HTML
report and compares it with `gwlint check --format json` on the same files.

  browser-check.py pick PAGE RULE      id of the first finding of RULE in the page's data
  browser-check.py console LOG         fail on console messages in Chromium's log
  browser-check.py check JSON PAGE DOM DOM_AT_FINDING ID LOG
"""
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser

HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Inside a document's text block only these elements may exist; anything else came from the
# document and was not escaped.
DOC_TAGS = {"div", "mark", "span"}


def fail(message):
    print(f"browser-check: FAIL: {message}")
    sys.exit(1)


def blob(page):
    m = re.search(r'<script type="application/json" id="gw-data">(.*?)</script>', page, re.S)
    if not m:
        fail("no findings data (<script id=gw-data>) in the page")
    return json.loads(m.group(1))


class Dom(HTMLParser):
    """Collects what the checks need in one pass over the serialised DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.doc_depth = None  # depth of the enclosing .gw-doc, when inside one
        self.hit_ids = set()
        self.bad_ids = []
        self.hit_elements = 0
        self.items = []
        self.scripts = []
        self.body = {}
        self.stray = []
        self.pop = None  # attributes of #gw-pop
        self.pop_depth = None
        self.pop_text = []

    VOID = {"meta", "input", "br", "img", "link", "hr", "wbr", "source", "col", "area", "base"}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if self.doc_depth is not None and tag not in DOC_TAGS:
            self.stray.append(tag)
        if tag == "body":
            self.body = a
        if tag == "script":
            self.scripts.append(a.get("id"))
        if "gw-doc" in classes:
            self.doc_depth = len(self.stack)
        if "gw-hit" in classes and a.get("data-f"):
            self.hit_elements += 1
            for token in a["data-f"].split():
                if token.isdigit():
                    self.hit_ids.add(int(token))
                else:
                    self.bad_ids.append(token)
        if "gw-item" in classes:
            f = a.get("data-f") or ""
            if f.isdigit():
                self.items.append((int(f), a.get("data-rule"), a.get("data-loc")))
            else:
                self.bad_ids.append(f)
        if a.get("id") == "gw-pop":
            self.pop = a
            self.pop_depth = len(self.stack)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            top = self.stack.pop()
            depth = len(self.stack)
            if self.doc_depth is not None and depth == self.doc_depth:
                self.doc_depth = None
            if self.pop_depth is not None and depth == self.pop_depth:
                self.pop_depth = None
            if top == tag:
                break

    def handle_data(self, data):
        if self.pop_depth is not None:
            self.pop_text.append(data)


def parse(text):
    dom = Dom()
    dom.feed(text)
    dom.close()
    return dom


def console(log_path):
    bad = []
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if ":CONSOLE" in line or "Uncaught" in line:
                bad.append(line.strip())
    if bad:
        fail("console messages while loading the page:\n  " + "\n  ".join(bad[:20]))


def check(json_path, page_path, dom_path, jump_path, target, log_path):
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    with open(page_path, encoding="utf-8") as f:
        page = f.read()
    with open(dom_path, encoding="utf-8") as f:
        dom_text = f.read()
    with open(jump_path, encoding="utf-8") as f:
        jump_text = f.read()

    expected = [
        (file["path"], d["rule"], d["line"], d["column"])
        for file in report["files"]
        for d in file["diagnostics"]
    ]
    total = len(expected)
    if total == 0:
        fail("gwlint check found nothing: the check would prove nothing")

    dom = parse(dom_text)
    if dom.body.get("data-ready") != "1":
        fail("the page's script did not finish (no data-ready=\"1\" on <body>)")
    console(log_path)

    if dom.bad_ids:
        fail(f"malformed finding ids in the DOM: {dom.bad_ids[:10]}")
    # Highlights: every finding id on at least one highlight element, and no other ids.
    if dom.hit_ids != set(range(total)):
        missing = sorted(set(range(total)) - dom.hit_ids)[:10]
        extra = sorted(dom.hit_ids - set(range(total)))[:10]
        fail(f"{total} findings, {len(dom.hit_ids)} highlighted (missing {missing}, unknown {extra})")
    if len(dom.items) != total or sorted(i for i, _, _ in dom.items) != list(range(total)):
        fail(f"{total} findings, {len(dom.items)} entries in the side panel")

    # The findings the page carries are the ones gwlint check reports.
    data = blob(dom_text)
    shown = [
        (data["files"][f["file"]]["path"], f["rule"], f["line"], f["column"])
        for f in data["findings"]
    ]
    if Counter(shown) != Counter(expected):
        diff = list((Counter(expected) - Counter(shown)).elements())[:5]
        more = list((Counter(shown) - Counter(expected)).elements())[:5]
        fail(f"the page's findings differ from gwlint check: missing {diff}, extra {more}")
    panel_rules = Counter(rule for _, rule, _ in dom.items)
    if panel_rules != Counter(r for _, r, _, _ in expected):
        fail(f"side panel rules {dict(panel_rules)} differ from gwlint check")

    # A <script> inside a document stayed text.
    if dom.scripts != ["gw-data", "gw-app"]:
        fail(f"script elements in the DOM: {dom.scripts}, expected only the page's own two")
    if "<script>alert(1)" in dom_text or "<script>alert(1)" in page:
        fail("the document's <script> became markup")
    if HOSTILE_ESCAPED not in dom_text:
        fail("the hostile document's text is not shown as text")
    if dom.stray:
        fail(f"elements inside the document text that the page does not make: {sorted(set(dom.stray))}")
    if re.search(r'(src|href)\s*=\s*["\']?https?://', page):
        fail("the page loads something from the network")

    # Opened on a finding's link, the script shows that finding's popup.
    jump = parse(jump_text)
    finding = data["findings"][int(target)]
    text = "".join(jump.pop_text)
    if jump.pop is None or "hidden" in jump.pop:
        fail(f"opening #gw-h-{target} showed no popup")
    for part in (finding["rule"], finding["message"], "规则说明"):
        if part not in text:
            fail(f"the popup of finding {target} lacks {part!r}")

    rules = Counter(r for _, r, _, _ in expected)
    print(
        f"browser-check: ok: {len(report['files'])} files, {total} findings, "
        f"{len(dom.hit_ids)} highlighted by {dom.hit_elements} elements, {len(dom.items)} panel entries, "
        f"{len(rules)} rules; script ran (data-ready), no console messages; "
        f"the document's <script> is text; #gw-h-{target} opens its popup ({finding['rule']})"
    )


def main(argv):
    if len(argv) == 4 and argv[1] == "pick":
        with open(argv[2], encoding="utf-8") as f:
            data = blob(f.read())
        for i, finding in enumerate(data["findings"]):
            if finding["rule"] == argv[3]:
                print(i)
                return
        print(0)
    elif len(argv) == 3 and argv[1] == "console":
        console(argv[2])
    elif len(argv) == 8 and argv[1] == "check":
        check(*argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)

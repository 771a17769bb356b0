// gwlint HTML report: popups, filters and jumps. Reads the findings from #gw-data; listens once
// on the document (event delegation), never once per highlight. Builds DOM with textContent
// only, so nothing from a document or a rule is ever parsed as HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('gw-data').textContent);
  var F = data.findings;
  var R = data.rules;
  var SEV = { error: '错误', warning: '警告', info: '提示' };
  var SEV_CLASS = { error: 'gw-e', warning: 'gw-w', info: 'gw-i' };
  var APPLY = {
    safe: '安全修复：gwlint check --fix 会自动应用',
    suggest: '建议修复：需人工确认，gwlint check --fix --unsafe-fixes 才会应用'
  };
  var pop = document.getElementById('gw-pop');
  var list = document.getElementById('gw-list');
  var ruleSelect = document.getElementById('gw-rule');
  var shown = document.getElementById('gw-shown');
  var pinned = false;
  var popFor = null;
  var visible = new Uint8Array(F.length).fill(1);
  var current = -1;

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text;
    return n;
  }

  function idsOf(el) {
    return el.getAttribute('data-f').split(' ').map(Number);
  }

  function visibleText(s) {
    return s.replace(/\r\n|\r|\n/g, '↵');
  }

  // Text from the document, cut after 120 characters (code points) when longer.
  function excerpt(s) {
    var chars = Array.from(s);
    return visibleText(chars.length > 120 ? chars.slice(0, 120).join('') + '…' : s);
  }

  function describe(id) {
    var f = F[id];
    var box = node('div', 'gw-f');
    var head = node('div', 'gw-f-head');
    head.appendChild(node('span', 'gw-chip ' + SEV_CLASS[f.severity], SEV[f.severity]));
    head.appendChild(node('code', null, f.rule));
    var rule = R[f.rule];
    if (rule && rule.kind) head.appendChild(node('span', 'gw-k', '（' + rule.kind + '）'));
    box.appendChild(head);
    var where = '第 ' + f.line + ' 行第 ' + f.column + ' 列';
    if (data.files.length > 1) where = data.files[f.file].path + '：' + where;
    box.appendChild(node('div', 'gw-f-where', where));
    box.appendChild(node('p', null, f.message));
    if (f.text) {
      var t = node('p');
      t.appendChild(node('span', 'gw-k', '原文：'));
      t.appendChild(node('q', null, excerpt(f.text)));
      box.appendChild(t);
    }
    if (f.help) {
      var h = node('p');
      h.appendChild(node('span', 'gw-k', '建议：'));
      h.appendChild(document.createTextNode(f.help));
      box.appendChild(h);
    }
    if (f.fix) {
      var fx = node('p');
      fx.appendChild(node('span', 'gw-k', '修复：'));
      f.fix.edits.forEach(function (e, k) {
        var original = f.originals[k];
        if (k > 0) fx.appendChild(document.createTextNode('；'));
        if (original && e.replacement) {
          fx.appendChild(document.createTextNode('将'));
          fx.appendChild(node('q', null, excerpt(original)));
          fx.appendChild(document.createTextNode('改为'));
          fx.appendChild(node('q', null, visibleText(e.replacement)));
        } else if (original) {
          fx.appendChild(document.createTextNode('删除'));
          fx.appendChild(node('q', null, excerpt(original)));
        } else {
          fx.appendChild(document.createTextNode('插入'));
          fx.appendChild(node('q', null, visibleText(e.replacement)));
        }
      });
      fx.appendChild(node('div', 'gw-f-where', APPLY[f.fix.applicability] || f.fix.applicability));
      box.appendChild(fx);
    }
    if (rule && rule.explain) {
      var d = node('details');
      d.open = true;
      d.appendChild(node('summary', null, '规则说明'));
      d.appendChild(node('div', 'gw-explain', rule.explain.trim()));
      box.appendChild(d);
    }
    return box;
  }

  function show(hit, pin, only) {
    var ids = only === undefined ? idsOf(hit).filter(function (i) { return visible[i]; }) : [only];
    if (!ids.length) return;
    pop.textContent = '';
    if (pin) {
      var close = node('button', 'gw-close', '×');
      close.type = 'button';
      close.title = '关闭（Esc）';
      pop.appendChild(close);
    }
    ids.forEach(function (i) { pop.appendChild(describe(i)); });
    pop.hidden = false;
    pinned = pin;
    popFor = hit;
    place();
  }

  // The popup is fixed; it follows its highlight when either pane scrolls.
  function place() {
    if (!popFor) return;
    var r = popFor.getBoundingClientRect();
    var w = pop.offsetWidth;
    var h = pop.offsetHeight;
    var right = document.documentElement.clientWidth;
    var pr = document.getElementById('gw-panel').getBoundingClientRect();
    if (pr.left > 0 && pr.top < window.innerHeight / 2) right = Math.min(right, pr.left);
    var left = Math.max(8, Math.min(r.left, right - w - 8));
    var top = r.bottom + 6;
    if (top + h > window.innerHeight && r.top - h - 6 > 0) top = r.top - h - 6;
    pop.style.left = left + 'px';
    pop.style.top = top + 'px';
  }

  function hide() {
    pop.hidden = true;
    pinned = false;
    popFor = null;
  }

  function hitsOf(id) {
    return document.querySelectorAll('.gw-hit[data-f~="' + id + '"]');
  }

  function select(id) {
    document.querySelectorAll('.gw-cur').forEach(function (n) { n.classList.remove('gw-cur'); });
    current = id;
    hitsOf(id).forEach(function (n) { n.classList.add('gw-cur'); });
    var item = list.querySelector('.gw-item[data-f="' + id + '"]');
    if (item) {
      item.classList.add('gw-cur');
      var panel = document.getElementById('gw-panel');
      var ir = item.getBoundingClientRect();
      var pr = panel.getBoundingClientRect();
      if (ir.top < pr.top + 90 || ir.bottom > pr.bottom) panel.scrollTop += ir.top - pr.top - pr.height / 2;
    }
  }

  function jump(id) {
    var hit = hitsOf(id)[0];
    if (!hit) return;
    select(id);
    // Scroll only when the highlight is not already well in view.
    var r = hit.getBoundingClientRect();
    if (r.top < 40 || r.bottom > window.innerHeight - 160) hit.scrollIntoView({ block: 'center' });
    show(hit, true, id);
  }

  function step(delta) {
    var i = current;
    for (var n = 0; n < F.length; n++) {
      i = (i + delta + F.length) % F.length;
      if (visible[i]) { jump(i); setHash(i); return; }
    }
  }

  function applyFilter() {
    var sev = {};
    document.querySelectorAll('.gw-sev').forEach(function (c) { sev[c.value] = c.checked; });
    var rule = ruleSelect.value;
    var count = 0;
    for (var i = 0; i < F.length; i++) {
      visible[i] = sev[F[i].severity] && (!rule || F[i].rule === rule) ? 1 : 0;
      count += visible[i];
    }
    var perFile = {};
    list.querySelectorAll('.gw-item').forEach(function (item) {
      var id = +item.getAttribute('data-f');
      var on = visible[id] === 1;
      item.hidden = !on;
      if (on) perFile[F[id].file] = true;
    });
    list.querySelectorAll('.gw-lh').forEach(function (h) { h.hidden = !perFile[h.getAttribute('data-file')]; });
    document.querySelectorAll('.gw-hit').forEach(function (hit) {
      var on = idsOf(hit).some(function (i) { return visible[i] === 1; });
      hit.classList.toggle('gw-off', !on);
    });
    shown.textContent = count + ' / ' + F.length;
    if (!pop.hidden) hide();
  }

  document.addEventListener('mouseover', function (e) {
    if (pinned) return;
    var hit = e.target.closest ? e.target.closest('.gw-hit') : null;
    if (hit && hit !== popFor && !hit.classList.contains('gw-off')) show(hit, false);
  });
  document.addEventListener('mouseout', function (e) {
    if (pinned || pop.hidden) return;
    var to = e.relatedTarget;
    if (to && (pop.contains(to) || (popFor && popFor.contains(to)))) return;
    var from = e.target.closest ? e.target.closest('.gw-hit, #gw-pop') : null;
    if (from) hide();
  });
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!t.closest) return;
    if (t.closest('.gw-close')) { hide(); return; }
    if (pop.contains(t)) return;
    var hit = t.closest('.gw-hit');
    if (hit && !hit.classList.contains('gw-off')) {
      var ids = idsOf(hit).filter(function (i) { return visible[i]; });
      if (ids.length) select(ids[0]);
      show(hit, true);
      return;
    }
    var item = t.closest('.gw-item');
    if (item) {
      e.preventDefault();
      var id = +item.getAttribute('data-f');
      jump(id);
      setHash(id);
      return;
    }
    var rf = t.closest('[data-rule-filter]');
    if (rf) {
      e.preventDefault();
      ruleSelect.value = rf.getAttribute('data-rule-filter');
      applyFilter();
      return;
    }
    if (!pop.hidden) hide();
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { hide(); return; }
    if (e.target.closest && e.target.closest('input, select, textarea')) return;
    if (e.key === 'j' || e.key === 'n') step(1);
    if (e.key === 'k' || e.key === 'p') step(-1);
  });
  document.addEventListener('scroll', function () {
    if (pop.hidden) return;
    if (pinned) place(); else hide();
  }, true);
  window.addEventListener('resize', place);
  document.getElementById('gw-prev').addEventListener('click', function () { step(-1); });
  document.getElementById('gw-next').addEventListener('click', function () { step(1); });
  document.querySelectorAll('.gw-sev').forEach(function (c) { c.addEventListener('change', applyFilter); });
  ruleSelect.addEventListener('change', applyFilter);

  function setHash(id) {
    try { history.replaceState(null, '', '#gw-h-' + id); } catch (err) { /* opaque origin */ }
  }

  function fromHash() {
    var m = /^#gw-h-(\d+)$/.exec(location.hash);
    if (m && +m[1] < F.length) jump(+m[1]);
  }
  window.addEventListener('hashchange', fromHash);
  // A reload keeps the form's state: make the page agree with it.
  var boxes = document.querySelectorAll('.gw-sev');
  if (ruleSelect.value || Array.prototype.some.call(boxes, function (c) { return !c.checked; })) applyFilter();
  fromHash();
  document.body.setAttribute('data-ready', '1');
})();

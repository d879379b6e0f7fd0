// seqstream live page: one WebSocket (/ws) for outputs and sends, polling /api for models and training curves.
// Plain browser JavaScript, nothing fetched from outside. Cells render by the fields an output carries, so
// next-token ("top") and sentiment ("positive") pipelines show without changes here.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const state = { ws: null, pipelines: [], pipeline: null, mine: new Map(), streams: new Map(), sentLen: 0, backoff: 500 };
  const MAX_CELLS = 400, MAX_STREAMS = 50;

  $('token').value = localStorage.getItem('seqstream.token') || '';
  $('token').addEventListener('change', () => { localStorage.setItem('seqstream.token', $('token').value); connect(); });

  function headers() {
    const t = $('token').value.trim();
    return t ? { 'Authorization': 'Bearer ' + t } : {};
  }

  function connect() {
    if (state.ws) { state.ws.onclose = null; state.ws.close(); }
    const t = $('token').value.trim();
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + (t ? '?access_token=' + encodeURIComponent(t) : '');
    const ws = new WebSocket(url);
    state.ws = ws;
    ws.onopen = () => {
      state.backoff = 500;
      setConn(true);
      if (state.pipeline) subscribeAll();
    };
    ws.onclose = () => { setConn(false); setTimeout(connect, state.backoff); state.backoff = Math.min(8000, state.backoff * 2); };
    ws.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.error) { $('hint').textContent = 'server: ' + m.error; return; }
      if (m.pos !== undefined) onOutput(m);
    };
  }

  function setConn(on) {
    $('conn').textContent = on ? 'live' : 'disconnected';
    $('conn').className = 'badge ' + (on ? 'on' : 'off');
  }

  function send(obj) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) { state.ws.send(JSON.stringify(obj)); return true; }
    return false;
  }

  function subscribeAll() { send({ subscribe: { pipeline: state.pipeline } }); }

  // ------------------------------------------------------------ typing

  const text = $('text');
  text.addEventListener('input', () => {
    const v = text.value;
    if (v.length > state.sentLen) {
      const added = v.slice(state.sentLen);
      const stream = $('stream').value.trim();
      if (!stream) { $('hint').textContent = 'pick a stream id first'; return; }
      if (send({ send: { pipeline: state.pipeline, stream: stream, text: added } })) $('hint').textContent = '';
      else $('hint').textContent = 'not connected: nothing sent';
    }
    state.sentLen = v.length; // deletions are not sent: a stream only moves forward
  });
  $('stream').addEventListener('change', resetView);
  $('clear').addEventListener('click', resetView);
  $('pipeline').addEventListener('change', () => {
    if (state.pipeline) send({ unsubscribe: { pipeline: state.pipeline } });
    state.pipeline = $('pipeline').value;
    state.streams.clear();
    renderStreams();
    subscribeAll();
    resetView();
  });

  function resetView() {
    text.value = '';
    state.sentLen = 0;
    $('cells').textContent = '';
    hintFor();
  }

  function hintFor() {
    const p = state.pipelines.find((x) => x.name === state.pipeline);
    if (p && p.model && p.model.task === 'echo') {
      $('hint').textContent = 'echo: each letter comes back a few steps later (the model\u2019s delay); the number is its probability.';
    }
  }

  // ------------------------------------------------------------ outputs

  function onOutput(m) {
    if (m.pipeline !== state.pipeline) return;
    let s = state.streams.get(m.stream);
    if (!s) { s = { pos: 0, tail: '', last: '', seen: 0 }; state.streams.set(m.stream, s); }
    s.pos = m.pos; s.seen = Date.now(); s.last = (m.in || '') + ' \u2192 ' + label(m);
    s.tail = (s.tail + shortOut(m)).slice(-32);
    scheduleStreams();
    if (m.stream === $('stream').value.trim()) addCell(m);
  }

  function label(m) {
    if (m.out !== undefined) return m.out;
    if (m['class'] !== undefined) return m['class'];
    if (m.positive !== undefined) return (m.positive * 100).toFixed(0) + '% +';
    if (m.top && m.top.length) return m.top[0][0];
    return '?';
  }
  function shortOut(m) { const l = String(label(m)); return l.length === 1 ? l : '[' + l + ']'; }

  function addCell(m) {
    const c = document.createElement('div');
    c.className = 'cell';
    c.dataset.pos = m.pos;
    c.appendChild(el('div', 'pos', String(m.pos)));
    c.appendChild(el('div', 'in', m.in !== undefined ? show(m.in) : '\u00a0'));
    const out = el('div', 'out', show(String(label(m))));
    c.appendChild(out);
    if (typeof m.p === 'number') {
      c.appendChild(el('div', 'p', m.p.toFixed(2)));
      c.style.background = 'rgba(36,99,235,' + (0.04 + 0.22 * m.p).toFixed(3) + ')';
    }
    if (Array.isArray(m.top)) {
      const bars = el('div', 'bars');
      m.top.slice(0, 3).forEach((t) => {
        const b = el('div', 'bar');
        b.appendChild(el('span', '', show(String(t[0]))));
        const i = document.createElement('i');
        i.style.width = Math.max(2, Math.round(34 * t[1])) + 'px';
        b.title = t[0] + ' ' + (t[1] * 100).toFixed(1) + '%';
        b.appendChild(i);
        bars.appendChild(b);
      });
      c.appendChild(bars);
    }
    if (typeof m.positive === 'number') {
      const g = el('div', 'gauge');
      const b = document.createElement('b');
      b.style.left = Math.round(m.positive * 100) + '%';
      g.appendChild(b);
      g.title = 'positive ' + (m.positive * 100).toFixed(1) + '%';
      c.appendChild(g);
    }
    const cells = $('cells');
    cells.appendChild(c);
    while (cells.childElementCount > MAX_CELLS) cells.removeChild(cells.firstChild);
  }

  function show(s) { return s === ' ' ? '\u2423' : s; }
  function el(tag, cls, txt) { const e = document.createElement(tag); if (cls) e.className = cls; if (txt !== undefined) e.textContent = txt; return e; }

  // ------------------------------------------------------------ live streams

  let streamsPending = false;
  function scheduleStreams() { if (!streamsPending) { streamsPending = true; requestAnimationFrame(renderStreams); } }
  function renderStreams() {
    streamsPending = false;
    const rows = [...state.streams.entries()].sort((a, b) => b[1].seen - a[1].seen).slice(0, MAX_STREAMS);
    const tb = $('streams').tBodies[0];
    tb.textContent = '';
    for (const [id, s] of rows) {
      const tr = document.createElement('tr');
      tr.appendChild(el('td', '', id));
      tr.appendChild(el('td', '', String(s.pos)));
      tr.appendChild(el('td', '', s.last));
      tr.appendChild(el('td', 'tail', s.tail));
      tr.addEventListener('click', () => { $('stream').value = id; resetView(); });
      tb.appendChild(tr);
    }
    $('streamcount').textContent = state.streams.size ? '(' + state.streams.size + ')' : '';
  }

  // ------------------------------------------------------------ REST: pipelines, models

  async function getJson(path) {
    const r = await fetch(path, { headers: headers(), cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': ' + r.status);
    return r.json();
  }

  async function loadPipelines() {
    state.pipelines = await getJson('/api/pipelines');
    const sel = $('pipeline');
    sel.textContent = '';
    for (const p of state.pipelines) {
      const o = document.createElement('option');
      o.value = p.name;
      o.textContent = p.name + (p.model ? ' (' + p.model.name + ' v' + p.model.version + ')' : '');
      sel.appendChild(o);
    }
    if (!state.pipeline && state.pipelines.length) {
      state.pipeline = state.pipelines[0].name;
      subscribeAll();
      hintFor();
    }
    sel.value = state.pipeline;
  }

  async function loadModels() {
    try {
      const models = await getJson('/api/models');
      const tb = $('models').tBodies[0];
      tb.textContent = '';
      for (const m of models) {
        const tr = document.createElement('tr');
        tr.appendChild(el('td', '', m.name));
        tr.appendChild(el('td', '', 'v' + m.version));
        tr.appendChild(el('td', '', m.task));
        tr.appendChild(el('td', '', typeof m.heldOutAccuracy === 'number' ? (m.heldOutAccuracy * 100).toFixed(2) + ' %' : '\u2013'));
        tr.appendChild(el('td', '', m.cell + ' ' + m.hidden + (m.layers > 1 ? ' \u00d7' + m.layers : '')));
        tb.appendChild(tr);
      }
    } catch (e) { /* next refresh */ }
  }

  // ------------------------------------------------------------ training curves

  async function loadTraining() {
    let t;
    try { t = await getJson('/api/training'); } catch (e) { return; }
    const names = Object.keys(t.models || {});
    if (!names.length) { $('trainhint').textContent = 'No trainer is running on this instance (trainer.models).'; return; }
    const name = names[0];
    const d = t.models[name];
    const v = d.version.length ? d.version[d.version.length - 1] : null;
    $('trainmodel').textContent = name + (v ? ' \u00b7 last published v' + v : ' \u00b7 training, nothing published yet');
    $('trainhint').textContent = d.t.length + ' samples, one a second while the trainer makes progress';
    plot($('c-loss'), d.t, [{ y: d.loss, color: '#2463eb' }], { min: 0 });
    plot($('c-acc'), d.t, [{ y: d.heldOutAccuracy, color: '#15803d' }], { min: 0, max: 1 });
    plot($('c-norm'), d.t, [{ y: d.gradNormRaw, color: '#ea580c' }, { y: d.gradNormClipped, color: '#2463eb' }], { min: 0 });
    plot($('c-level'), d.t, [{ y: d.curriculumLevel, color: '#7c3aed', step: true }], { min: 0 });
  }

  function plot(canvas, t, series, opt) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const L = 44, R = 8, T = 8, B = 18;
    let lo = Infinity, hi = -Infinity;
    for (const s of series) for (const v of s.y) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#6b7480';
    if (!t.length || lo === Infinity) { g.fillText('no data yet', L, h / 2); return; }
    if (opt.min !== undefined) lo = Math.min(lo, opt.min);
    if (opt.max !== undefined) hi = Math.max(hi, opt.max);
    if (hi - lo < 1e-9) hi = lo + 1;
    const t0 = t[0], t1 = Math.max(t[t.length - 1], t0 + 1);
    const x = (v) => L + (w - L - R) * (v - t0) / (t1 - t0);
    const y = (v) => T + (h - T - B) * (1 - (v - lo) / (hi - lo));
    g.strokeStyle = '#e2e5ea'; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = lo + (hi - lo) * i / 4, yy = y(v);
      g.beginPath(); g.moveTo(L, yy); g.lineTo(w - R, yy); g.stroke();
      g.fillText(fmt(v), 2, yy + 4);
    }
    g.fillText(Math.round((t1 - t0) / 1000) + ' s', w - R - 34, h - 4);
    for (const s of series) {
      g.strokeStyle = s.color; g.lineWidth = 1.6; g.beginPath();
      let pen = false, prev = null;
      for (let i = 0; i < t.length; i++) {
        const v = s.y[i];
        if (v === null) { pen = false; continue; }
        if (!pen) { g.moveTo(x(t[i]), y(v)); pen = true; }
        else { if (s.step && prev !== null) g.lineTo(x(t[i]), y(prev)); g.lineTo(x(t[i]), y(v)); }
        prev = v;
      }
      g.stroke();
    }
  }
  function fmt(v) { const a = Math.abs(v); return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toFixed(3); }

  // ------------------------------------------------------------ start

  connect();
  loadPipelines().catch((e) => { $('hint').textContent = 'cannot load pipelines: ' + e.message; });
  loadModels();
  loadTraining();
  setInterval(loadModels, 5000);
  setInterval(loadTraining, 2000);
  setInterval(() => loadPipelines().catch(() => {}), 15000);
})();

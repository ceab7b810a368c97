// Eddy's web console: one page, routed by the URL's hash, over the server's HTTP API (/v1/...) and what the
// server samples for it (lag: /console/api/groups/{g}/lag; meters: /console/api/health). Plain JavaScript, no
// build step; uPlot draws plots.
'use strict';

const TOKEN_KEY = 'eddy.token';
const REFRESH_MS = 5000;
const view = document.getElementById('view');

// ---- the API ---------------------------------------------------------------------------------------------

/** A failed API call: the HTTP status and the problem+json body (RFC 9457) when there is one. */
class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { Authorization: 'Bearer ' + token } : {};
}

async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json', ...authHeaders() } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = { detail: text }; }
  }
  if (!res.ok) {
    if (res.status === 401) askForToken(sessionStorage.getItem(TOKEN_KEY) ? 'That token was not accepted.' : '');
    throw new ApiError(res.status, json);
  }
  return json;
}

// ---- the token (only when the server has access control on) -------------------------------------------

const dialog = document.getElementById('token-dialog');
function askForToken(why) {
  document.getElementById('token-error').textContent = why;
  if (!dialog.open) dialog.showModal();
}
document.getElementById('token-form').addEventListener('submit', () => {
  sessionStorage.setItem(TOKEN_KEY, document.getElementById('token-input').value.trim());
  document.getElementById('token-input').value = '';
  showSignOut();
  route();
});
document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showSignOut();
  route();
});
function showSignOut() {
  document.getElementById('sign-out').hidden = !sessionStorage.getItem(TOKEN_KEY);
}

// ---- DOM helpers -----------------------------------------------------------------------------------------

/** An element with attributes (on* are listeners) and children (strings become text, never HTML). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A table; a column whose first row holds a number is right-aligned, heading included. */
function table(headers, rows, attrs) {
  const first = rows.length ? Array.from(rows[0].children) : [];
  return h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map((x, i) => h('th', { class: first[i] && first[i].classList.contains('num') ? 'num' : null }, x)))),
    h('tbody', {}, rows));
}
function num(v) { return h('td', { class: 'num' }, v === null || v === undefined ? '–' : Number(v).toLocaleString()); }
/** A size cell: human units, the exact bytes in its title and data-bytes; '–' while the server does not know it. */
function size(v) {
  return v === null || v === undefined
    ? h('td', { class: 'num', title: 'not known in full yet' }, '–')
    : h('td', { class: 'num', 'data-bytes': v, title: Number(v).toLocaleString() + ' bytes' }, bytes(v));
}

/** A failure as the page shows it: a missing grant is said plainly, not as a crash. */
function failure(e) {
  if (e instanceof ApiError && e.status === 403) {
    return h('p', { class: 'notice forbidden' }, 'Your token does not allow this: ', e.message);
  }
  if (e instanceof ApiError && e.status === 401) {
    return h('p', { class: 'notice' }, 'A token is needed to see this page.');
  }
  return h('p', { class: 'error' }, e.message || String(e));
}

function form(attrs, ...children) {
  return h('form', { class: 'inline', ...attrs }, ...children);
}

function field(label, input) { return h('label', {}, label, input); }

// ---- routing ---------------------------------------------------------------------------------------------

let cleanup = [];
function onLeave(fn) { cleanup.push(fn); }
function every(ms, fn) { const id = setInterval(fn, ms); onLeave(() => clearInterval(id)); }

const pages = {
  topics: (rest) => rest.length ? topicPage(rest[0]) : topicsPage(),
  messages: (rest) => messagesPage(rest[0], rest[1]),
  groups: (rest) => rest.length ? groupPage(rest[0]) : groupsPage(),
  health: () => healthPage(),
};

function route() {
  cleanup.forEach(fn => fn());
  cleanup = [];
  const parts = (location.hash.replace(/^#\/?/, '') || 'topics').split('/').map(decodeURIComponent);
  const page = pages[parts[0]] ? parts[0] : 'topics';
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.page === page));
  view.replaceChildren();
  view.dataset.page = page;
  // a page that cannot load says why under its title
  pages[page](parts.slice(1)).catch(e => view.insertBefore(failure(e), view.children[1] || null));
}
window.addEventListener('hashchange', route);

function go(...parts) { location.hash = '#/' + parts.map(encodeURIComponent).join('/'); }

// ---- Topics ----------------------------------------------------------------------------------------------

async function topicsPage() {
  view.append(h('h1', {}, 'Topics'));
  const createError = h('p', { class: 'error', id: 'create-error' });
  view.append(form({ id: 'create-topic', onsubmit: async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const config = {};
    if (f.retention.value.trim()) config['retention.ms'] = f.retention.value.trim();
    config['cleanup.policy'] = f.policy.value;
    createError.textContent = '';
    try {
      await api('PUT', '/v1/topics/' + encodeURIComponent(f.name.value.trim()),
        { partitions: Number(f.partitions.value), config });
      f.reset();
      await refresh();
    } catch (e) { createError.replaceChildren(failure(e)); }
  } },
    field('New topic', h('input', { name: 'name', required: true, placeholder: 'orders' })),
    field('Partitions', h('input', { name: 'partitions', type: 'number', min: 1, value: 3, required: true })),
    field('retention.ms', h('input', { name: 'retention', placeholder: '604800000 (-1: forever)' })),
    field('cleanup.policy', h('select', { name: 'policy' }, h('option', {}, 'delete'), h('option', {}, 'compact'))),
    h('button', { type: 'submit' }, 'Create')));
  view.append(createError);
  const actionStatus = h('div', { id: 'topics-action' });
  const holder = h('div', { id: 'topics' });
  view.append(actionStatus, holder);
  let before = null;
  async function refresh() {
    const list = (await api('GET', '/v1/topics')).topics;
    // the list has no offsets: describe each for its partitions' log start and high watermark
    const described = await Promise.all(list.map(t =>
      api('GET', '/v1/topics/' + encodeURIComponent(t.name)).catch(() => t)));
    const now = Date.now();
    const counts = {};
    const rows = described.map(t => {
      const offs = t.partition_offsets || [];
      const records = offs.reduce((s, p) => s + (p.high_watermark - p.log_start_offset), 0);
      const written = offs.reduce((s, p) => s + p.high_watermark, 0);
      counts[t.name] = written;
      const rate = before && before.counts[t.name] !== undefined
        ? (written - before.counts[t.name]) * 1000 / (now - before.at) : null;
      const cell = h('td', {});
      cell.append(
        h('button', { class: 'secondary', onclick: () => go('messages', t.name, '0') }, 'Browse'), ' ',
        h('button', { class: 'danger', 'data-delete': t.name, onclick: () => confirmDelete(cell, t.name) }, 'Delete'));
      return h('tr', { 'data-topic': t.name },
        h('td', {}, h('a', { href: '#/topics/' + encodeURIComponent(t.name) }, t.name)),
        num(t.partitions), num(records), size(t.size_bytes), num(written),
        h('td', { class: 'num' }, rate === null ? '–' : rate.toFixed(1)),
        h('td', {}, String(t.config['retention.ms'])), h('td', {}, t.config['cleanup.policy']), cell);
    });
    before = { at: now, counts };
    holder.replaceChildren(rows.length
      ? table(['Topic', 'Partitions', 'Records', 'Size', 'High watermarks', 'Rate (records/s)', 'retention.ms', 'cleanup.policy', ''], rows)
      : h('p', { class: 'muted' }, 'No topics yet (or none your token may see).'));
  }
  async function confirmDelete(cell, name) {
    cell.replaceChildren(
      h('span', {}, 'Delete ' + name + ' and all its records? '),
      h('button', { class: 'danger', 'data-confirm-delete': name, onclick: async () => {
        actionStatus.replaceChildren();
        try {
          await api('DELETE', '/v1/topics/' + encodeURIComponent(name));
          actionStatus.append(h('p', { class: 'ok' }, 'Deleted ' + name + '.'));
        } catch (e) { actionStatus.append(failure(e)); }
        await refresh();
      } }, 'Yes, delete'), ' ',
      h('button', { class: 'secondary', onclick: refresh }, 'Cancel'));
  }
  await refresh();
  every(REFRESH_MS, () => refresh().catch(() => {}));
}

const CONFIG_KEYS = ['retention.ms', 'retention.bytes', 'cleanup.policy', 'delete.retention.ms', 'max.message.bytes', 'replicas'];

async function topicPage(name) {
  view.append(h('h1', {}, 'Topic ', name));
  const t = await api('GET', '/v1/topics/' + encodeURIComponent(name));
  view.append(h('p', { class: 'muted' }, 'id ', t.topic_id, ' · created ', t.created_at));
  view.append(h('h2', {}, 'Partitions'));
  view.append(table(['Partition', 'Log start offset', 'High watermark', 'Records', 'Bytes', ''],
    t.partition_offsets.map(p => h('tr', { 'data-partition': p.partition },
      h('td', {}, p.partition), num(p.log_start_offset), num(p.high_watermark),
      num(p.high_watermark - p.log_start_offset), size(p.size_bytes),
      h('td', {}, h('a', { href: '#/messages/' + encodeURIComponent(name) + '/' + p.partition }, 'Browse'))))));

  view.append(h('h2', {}, 'Configuration'));
  const status = h('p', { id: 'config-status' });
  const inputs = {};
  const original = {};
  for (const k of CONFIG_KEYS) {
    const v = t.config[k];
    original[k] = Array.isArray(v) ? v.join(',') : String(v === null || v === undefined ? '' : v);
    inputs[k] = h('input', { name: k, 'data-config': k, value: original[k] });
  }
  view.append(form({ id: 'config-form', onsubmit: async (ev) => {
    ev.preventDefault();
    Object.values(inputs).forEach(i => i.classList.remove('invalid'));
    status.className = '';
    status.textContent = '';
    const config = {};
    for (const k of CONFIG_KEYS) {
      const v = inputs[k].value.trim();
      if (v === original[k]) continue;
      config[k] = k === 'replicas' ? v.split(',').map(s => s.trim()).filter(Boolean) : v;
    }
    if (!Object.keys(config).length) { status.textContent = 'Nothing changed.'; return; }
    try {
      const after = await api('PATCH', '/v1/topics/' + encodeURIComponent(name), { config });
      for (const k of CONFIG_KEYS) {
        const v = after.config[k];
        original[k] = Array.isArray(v) ? v.join(',') : String(v);
        inputs[k].value = original[k];
      }
      status.className = 'ok';
      status.textContent = 'Saved.';
    } catch (e) {
      // problem+json names the offending key: mark its field and say why beside it
      const key = e.problem && e.problem.key;
      if (key && inputs[key]) inputs[key].classList.add('invalid');
      status.className = 'error';
      status.replaceChildren(e.status === 403 ? failure(e)
        : (key && !e.message.startsWith(key) ? key + ': ' : '') + e.message);
    }
  } }, CONFIG_KEYS.map(k => field(k, inputs[k])), h('button', { type: 'submit' }, 'Save')));
  view.append(status);

  const grow = h('p', {});
  view.append(form({ id: 'partitions-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('PATCH', '/v1/topics/' + encodeURIComponent(name), { partitions: Number(ev.target.partitions.value) });
      route();
    } catch (e) { grow.replaceChildren(failure(e)); }
  } }, field('Partitions (grow only)', h('input', { name: 'partitions', type: 'number', min: t.partitions, value: t.partitions })),
  h('button', { type: 'submit', class: 'secondary' }, 'Change')));
  view.append(grow);
}

// ---- Messages --------------------------------------------------------------------------------------------

const b64ToBytes = (s) => Uint8Array.from(atob(s), c => c.charCodeAt(0));
const utf8 = new TextDecoder('utf-8', { fatal: true });
const hex = (bytes) => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join(' ');

/** Bytes as the chosen format: JSON (pretty, else text, else hex), text (UTF-8, else hex) or hex. */
function render(b64, format) {
  if (b64 === null || b64 === undefined) return h('span', { class: 'muted' }, 'null');
  const bytes = b64ToBytes(b64);
  if (format === 'hex') return h('pre', {}, hex(bytes));
  let text;
  try { text = utf8.decode(bytes); } catch (e) { return h('pre', { title: 'not UTF-8' }, hex(bytes)); }
  if (format === 'json') {
    try { return h('pre', {}, JSON.stringify(JSON.parse(text), null, 2)); } catch (e) { /* not JSON: text */ }
  }
  return h('pre', {}, text);
}

function recordRow(r, format) {
  return h('tr', { 'data-offset': r.offset },
    num(r.offset), h('td', {}, new Date(r.timestamp).toISOString()),
    h('td', {}, render(r.key_b64, format)), h('td', {}, render(r.value_b64, format)),
    h('td', {}, (r.headers || []).map(x => h('div', {}, h('b', {}, x.name, ': '), render(x.value_b64, format)))));
}

async function messagesPage(topicName, partitionText) {
  view.append(h('h1', {}, 'Messages'));
  const topics = (await api('GET', '/v1/topics')).topics;
  if (!topics.length) { view.append(h('p', { class: 'muted' }, 'No topics yet.')); return; }
  const topic = topics.find(t => t.name === topicName) || topics[0];
  const partition = Math.min(Number(partitionText) || 0, topic.partitions - 1);
  const base = '/v1/topics/' + encodeURIComponent(topic.name) + '/partitions/' + partition;

  const controls = form({ id: 'browse', onsubmit: (ev) => { ev.preventDefault(); load(); } },
    field('Topic', h('select', { name: 'topic', onchange: (ev) => go('messages', ev.target.value, '0') },
      topics.map(t => h('option', { value: t.name, selected: t.name === topic.name }, t.name)))),
    field('Partition', h('select', { name: 'partition', onchange: (ev) => go('messages', topic.name, ev.target.value) },
      Array.from({ length: topic.partitions }, (_, p) => h('option', { value: p, selected: p === partition }, p)))),
    field('From', h('select', { name: 'from' }, h('option', { value: 'end' }, 'the end'), h('option', { value: 'start' }, 'the start'),
      h('option', { value: 'offset' }, 'offset'), h('option', { value: 'time' }, 'time'))),
    field('Offset', h('input', { name: 'offset', type: 'number', min: 0, placeholder: '0' })),
    field('Time (local)', h('input', { name: 'time', type: 'datetime-local', step: 1 })),
    field('Order', h('select', { name: 'order' }, h('option', { value: 'newest' }, 'newest first'), h('option', { value: 'oldest' }, 'oldest first'))),
    field('Show as', h('select', { name: 'format', onchange: () => load() }, h('option', { value: 'json' }, 'JSON'), h('option', { value: 'text' }, 'text'), h('option', { value: 'hex' }, 'hex'))),
    field('Count', h('input', { name: 'count', type: 'number', min: 1, max: 1000, value: 50 })),
    h('button', { type: 'submit' }, 'Load'),
    h('label', {}, 'Live tail', h('input', { type: 'checkbox', name: 'tail', id: 'tail', onchange: (ev) => ev.target.checked ? startTail() : stopTail() })));
  const info = h('p', { class: 'muted', id: 'browse-info' });
  const holder = h('div', { id: 'records' });
  view.append(controls, info, holder);

  let shown = [];
  function show() {
    const f = controls.format.value;
    const rows = controls.order.value === 'newest' ? [...shown].reverse() : shown;
    holder.replaceChildren(rows.length
      ? table(['Offset', 'Timestamp', 'Key', 'Value', 'Headers'], rows.map(r => recordRow(r, f)))
      : h('p', { class: 'muted' }, 'No records here.'));
  }

  async function load() {
    const count = Math.max(1, Math.min(1000, Number(controls.count.value) || 50));
    const [start, end] = await Promise.all([api('GET', base + '/offsets?at=earliest'), api('GET', base + '/offsets?at=latest')]);
    let from;
    const how = controls.from.value;
    if (how === 'end') from = Math.max(start.offset, end.offset - count);
    else if (how === 'start') from = start.offset;
    else if (how === 'offset') from = Math.max(start.offset, Number(controls.offset.value) || 0);
    else {
      const at = controls.time.value ? new Date(controls.time.value).getTime() : Date.now();
      from = (await api('GET', base + '/offsets?at=' + at)).offset;
    }
    from = Math.min(from, end.offset);
    const got = from < end.offset
      ? await api('GET', base + '/records?encoding=base64&offset=' + from + '&max_records=' + count)
      : { records: [] };
    shown = got.records;
    info.textContent = 'Offsets ' + start.offset + ' to ' + end.offset + ' (log start to high watermark); showing '
      + shown.length + ' from ' + from + '.';
    show();
  }

  // the live tail reads the server's text/event-stream with fetch (EventSource cannot send a bearer token)
  let tail = null;
  async function startTail() {
    stopTail();
    const abort = new AbortController();
    tail = abort;
    const end = await api('GET', base + '/offsets?at=latest');
    try {
      const res = await fetch(base + '/records?encoding=base64&offset=' + end.offset,
        { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: abort.signal });
      if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
      info.textContent = 'Live: records appear as they are committed.';
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = event.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
          if (data) {
            shown.push(JSON.parse(data));
            if (shown.length > 1000) shown.shift();
            show();
          }
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') info.replaceChildren(failure(e));
    }
  }
  function stopTail() { if (tail) { tail.abort(); tail = null; } }
  onLeave(stopTail);

  view.append(h('h2', {}, 'Produce a record'));
  const produced = h('p', { id: 'produce-result' });
  view.append(form({ id: 'produce', onsubmit: async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const record = { value: jsonOrText(f.value.value) };
    if (f.key.value !== '') record.key = f.key.value;
    if (f.partition.value !== '') record.partition = Number(f.partition.value);
    record.headers = f.headers.value.split('\n').filter(l => l.includes('=')).map(l => {
      const at = l.indexOf('=');
      return { name: l.slice(0, at).trim(), value: l.slice(at + 1) };
    });
    try {
      const r = await api('POST', '/v1/topics/' + encodeURIComponent(topic.name) + '/records', { records: [record] });
      produced.className = 'ok';
      produced.textContent = 'Written at partition ' + r.offsets[0].partition + ', offset ' + r.offsets[0].offset + '.';
      if (!tail && r.offsets[0].partition === partition) await load();
    } catch (e) { produced.className = 'error'; produced.replaceChildren(failure(e)); }
  } },
    field('Key', h('input', { name: 'key', placeholder: '(none)' })),
    field('Value (JSON object/array, else text)', h('textarea', { name: 'value' })),
    field('Headers (name=value per line)', h('textarea', { name: 'headers' })),
    field('Partition', h('input', { name: 'partition', type: 'number', min: 0, max: topic.partitions - 1, value: partition })),
    h('button', { type: 'submit' }, 'Produce')));
  view.append(produced);
  await load();
}

/** A typed value: a JSON object or array is sent as JSON, anything else as the text typed. */
function jsonOrText(s) {
  const t = s.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try { return JSON.parse(t); } catch (e) { /* text */ }
  }
  return s;
}

// ---- Consumer groups -------------------------------------------------------------------------------------

const totalLag = (g) => g.partitions.reduce((s, p) => s + (p.lag || 0), 0);

async function groupsPage() {
  view.append(h('h1', {}, 'Consumer groups'));
  const holder = h('div', { id: 'groups' });
  view.append(holder);
  async function refresh() {
    const list = (await api('GET', '/v1/groups')).groups;
    const described = await Promise.all(list.map(g =>
      api('GET', '/v1/groups/' + encodeURIComponent(g.group)).catch(e => ({ group: g.group, error: e }))));
    holder.replaceChildren(described.length
      ? table(['Group', 'State', 'Members', 'Partitions', 'Lag'], described.map(g => h('tr', { 'data-group': g.group },
        h('td', {}, h('a', { href: '#/groups/' + encodeURIComponent(g.group) }, g.group)),
        g.error ? h('td', { colspan: 4 }, failure(g.error))
          : [h('td', {}, g.state), num(g.members.length), num(g.partitions.length), num(totalLag(g))])))
      : h('p', { class: 'muted' }, 'No consumer groups yet (or none your token may see).'));
  }
  await refresh();
  every(REFRESH_MS, () => refresh().catch(() => {}));
}

const SERIES_COLORS = ['#1f6feb', '#d1242f', '#2da44e', '#bf8700', '#8250df', '#0a7f86', '#e16f24', '#57606a'];

/** A uPlot line chart in a box: redrawn in place while its series stay the same, rebuilt when they change. */
function linePlot(box, yLabel) {
  let plot = null;
  let key = '';
  return {
    draw(series, data) {
      const k = series.map(x => x.label).join('|');
      if (plot && k === key) { plot.setData(data); return; }
      key = k;
      if (plot) plot.destroy();
      box.replaceChildren();
      plot = new uPlot({
        width: Math.max(400, box.clientWidth - 16), height: 260,
        series: [{}, ...series.map((x, i) => ({ stroke: SERIES_COLORS[i % SERIES_COLORS.length], ...x }))],
        axes: [{}, { label: yLabel }],
      }, data, box);
    },
    drawn() { return plot !== null; },
    destroy() { if (plot) plot.destroy(); plot = null; },
  };
}

async function groupPage(name) {
  view.append(h('h1', {}, 'Group ', name));
  const summary = h('div', { class: 'cards', id: 'group-summary' });
  const plotBox = h('div', { class: 'plot', id: 'lag-plot' });
  const members = h('div', { id: 'members' });
  const partitions = h('div', { id: 'partitions' });
  view.append(summary, h('h2', {}, 'Lag, last hour (sampled by the server)'), plotBox,
    h('h2', {}, 'Members'), members, h('h2', {}, 'Partitions'), partitions);
  const lagPlot = linePlot(plotBox, 'records behind');
  onLeave(() => lagPlot.destroy());

  async function refresh() {
    const [g, history] = await Promise.all([
      api('GET', '/v1/groups/' + encodeURIComponent(name)),
      api('GET', '/console/api/groups/' + encodeURIComponent(name) + '/lag')]);
    summary.replaceChildren(
      card('State', g.state), card('Members', g.members.length), card('Lag (records)', totalLag(g), 'total-lag'),
      card('Assignor', g.assignor));
    members.replaceChildren(g.members.length
      ? table(['Member', 'Instance', 'Epoch', 'Assigned', 'Expires'], g.members.map(m => h('tr', {},
        h('td', {}, m.member_id), h('td', {}, m.instance_id || '–'), num(m.member_epoch),
        h('td', {}, m.assignment.map(p => p.topic + '-' + p.partition).join(', ') || '–'),
        h('td', {}, new Date(m.expires_at_ms).toLocaleTimeString()))))
      : h('p', { class: 'muted' }, 'No live members.'));
    partitions.replaceChildren(table(['Topic', 'Partition', 'Owner', 'Committed offset', 'Log start', 'High watermark', 'Lag'],
      g.partitions.map(p => h('tr', { 'data-partition': p.topic + '-' + p.partition },
        h('td', {}, p.topic), num(p.partition), h('td', {}, p.owner || '–'), num(p.committed_offset),
        num(p.log_start_offset), num(p.high_watermark), num(p.lag)))));
    drawLag(history);
  }

  function drawLag(history) {
    const samples = history.samples;
    if (samples.length < 2) {
      if (!lagPlot.drawn()) plotBox.replaceChildren(h('p', { class: 'muted' }, 'Collecting samples (one every '
        + history.interval_ms / 1000 + ' s)…'));
      return;
    }
    // the total and up to 7 partitions with the most lag now
    const last = samples[samples.length - 1].partitions;
    const top = [...last].sort((a, b) => b.lag - a.lag).slice(0, 7).map(p => p.topic + '-' + p.partition);
    const data = [samples.map(s => s.at_ms / 1000), samples.map(s => s.lag)];
    for (const key of top) {
      data.push(samples.map(s => { const p = s.partitions.find(x => x.topic + '-' + x.partition === key); return p ? p.lag : null; }));
    }
    lagPlot.draw([{ label: 'total', width: 2 }, ...top.map(k => ({ label: k }))], data);
  }

  view.append(h('h2', {}, 'Reset offsets'), h('p', { class: 'muted' },
    'Only while the group has no live member. Preview shows where each partition would go without moving it.'));
  const resetResult = h('div', { id: 'reset-result' });
  const resetForm = form({ id: 'reset', onsubmit: (ev) => { ev.preventDefault(); reset(ev.submitter && ev.submitter.value !== 'preview'); } },
    field('To', h('select', { name: 'to' }, ['earliest', 'latest', 'timestamp', 'duration'].map(x => h('option', {}, x)))),
    field('Time (local, for timestamp)', h('input', { name: 'time', type: 'datetime-local', step: 1 })),
    field('Minutes ago (for duration)', h('input', { name: 'minutes', type: 'number', min: 0, value: 60 })),
    field('Topics (comma-separated, empty: all)', h('input', { name: 'topics' })),
    h('button', { type: 'submit', value: 'preview', class: 'secondary' }, 'Preview (dry run)'),
    h('button', { type: 'submit', value: 'apply', class: 'danger' }, 'Reset'));
  view.append(resetForm, resetResult);
  async function reset(apply) {
    const f = resetForm;
    const body = { to: f.to.value, dry_run: !apply };
    if (f.to.value === 'timestamp') body.timestamp = f.time.value ? new Date(f.time.value).getTime() : Date.now();
    if (f.to.value === 'duration') body.duration_ms = Number(f.minutes.value) * 60000;
    const topics = f.topics.value.split(',').map(s => s.trim()).filter(Boolean);
    if (topics.length) body.topics = topics;
    try {
      const r = await api('POST', '/v1/groups/' + encodeURIComponent(name) + '/offsets:reset', body);
      resetResult.replaceChildren(h('p', { class: r.dry_run ? 'muted' : 'ok' }, r.dry_run ? 'Preview: nothing moved.' : 'Offsets reset.'),
        table(['Topic', 'Partition', 'New offset'], r.offsets.map(o => h('tr', {}, h('td', {}, o.topic), num(o.partition), num(o.offset)))));
      if (apply) await refresh();
    } catch (e) { resetResult.replaceChildren(e.status === 403 ? failure(e) : h('p', { class: 'error' }, e.message)); }
  }

  await refresh();
  every(REFRESH_MS, () => refresh().catch(() => {}));
}

function card(label, value, id) {
  return h('div', { class: 'card' }, h('div', { class: 'muted' }, label),
    h('div', { class: 'value', id }, typeof value === 'number' ? value.toLocaleString() : String(value)));
}

// ---- Health ----------------------------------------------------------------------------------------------

/** Every number in a nested object, by its dotted path: the stats' shape may grow without this page changing. */
function flatten(o, prefix, out) {
  for (const [k, v] of Object.entries(o || {})) {
    const key = prefix ? prefix + '.' + k : k;
    if (typeof v === 'number') out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
  }
  return out;
}

const KINDS = ['produce', 'fetch', 'commit'];
/** The Health page's plots: each a title, a y label and its series (a sample value's name, a label, a scale). */
const HEALTH_PLOTS = [
  { id: 'requests-plot', title: 'Requests per second', y: 'per second',
    series: KINDS.map(k => ({ key: k + '.per_s', label: k })) },
  { id: 'errors-plot', title: 'Errors per second', y: 'per second',
    series: [...KINDS, 's3', 'dynamodb'].map(k => ({ key: k + '.errors_per_s', label: k })) },
  { id: 'latency-plot', title: 'Latency, p50 and p99 (ms)', y: 'ms',
    series: KINDS.flatMap(k => [{ key: k + '.p50_ms', label: k + ' p50' }, { key: k + '.p99_ms', label: k + ' p99' }]) },
  { id: 'cache-plot', title: 'Cache hit ratio (%)', y: '%',
    series: ['memory', 'disk', 'index'].map(t => ({ key: 'cache.' + t + '.hit_ratio', label: t, scale: 100 })) },
  { id: 'calls-plot', title: 'S3 and DynamoDB calls per second', y: 'per second',
    series: [{ key: 's3.per_s', label: 'S3' }, { key: 'dynamodb.per_s', label: 'DynamoDB' },
      { key: 'records_in.per_s', label: 'records in' }, { key: 'records_out.per_s', label: 'records out' }] },
];

const fixed = (v, digits) => v === undefined || v === null ? '–' : v.toFixed(digits);
function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : String(n)) + ' ' + units[i];
}

async function healthPage() {
  view.append(h('h1', {}, 'Health'));
  const intro = h('p', { class: 'muted' });
  const cards = h('div', { class: 'cards', id: 'health-cards' });
  const plotsBox = h('div', { class: 'plots' });
  const compactions = h('div', { id: 'compactions' });
  const counters = h('div', { id: 'counters' });
  view.append(intro, cards, plotsBox, h('h2', {}, 'Last compaction passes'), compactions,
    h('h2', {}, 'Counters since start (GET /v1/stats)'), counters);
  const plots = HEALTH_PLOTS.map(spec => {
    const box = h('div', { class: 'plot', id: spec.id });
    plotsBox.append(h('div', {}, h('h2', {}, spec.title), box));
    const plot = linePlot(box, spec.y);
    onLeave(() => plot.destroy());
    return { spec, box, plot };
  });

  async function refresh() {
    const [health, stats] = await Promise.all([api('GET', '/console/api/health'), api('GET', '/v1/stats')]);
    intro.replaceChildren('Sampled by the server from its meters every ', health.interval_ms / 1000,
      ' s (the last ', Math.round(health.capacity * health.interval_ms / 60000), ' min are kept): each point is the ',
      'interval before it, latency percentiles from the request histograms of that interval.');
    const samples = health.samples;
    const last = samples.length ? samples[samples.length - 1].values : {};
    const sum = (suffix) => KINDS.reduce((a, k) => a + (last[k + suffix] || 0), 0);
    cards.replaceChildren(
      card('Requests/s', samples.length ? fixed(sum('.per_s'), 1) : '–', 'requests-rate'),
      card('Errors/s', samples.length ? fixed(sum('.errors_per_s'), 1) : '–'),
      card('Produce p99 (ms)', fixed(last['produce.p99_ms'], 1)),
      card('Fetch p99 (ms)', fixed(last['fetch.p99_ms'], 1)),
      card('Memory cache hit ratio', last['cache.memory.hit_ratio'] === undefined ? '–'
        : (100 * last['cache.memory.hit_ratio']).toFixed(1) + ' %'),
      card('S3 calls/s', fixed(last['s3.per_s'], 1)),
      card('DynamoDB calls/s', fixed(last['dynamodb.per_s'], 1)));
    for (const { spec, box, plot } of plots) {
      if (samples.length < 2) {
        box.replaceChildren(h('p', { class: 'muted' }, 'Collecting samples (one every ' + health.interval_ms / 1000 + ' s)…'));
        continue;
      }
      const data = [samples.map(x => x.at_ms / 1000), ...spec.series.map(sr => samples.map(x =>
        x.values[sr.key] === undefined ? null : x.values[sr.key] * (sr.scale || 1)))];
      plot.draw(spec.series.map(sr => ({ label: sr.label })), data);
    }
    compactions.replaceChildren(health.compactions.length
      ? table(['Ended', 'Took (ms)', 'Dry run', 'Partitions', 'Read', 'Written', 'Objects deleted', 'Records removed'],
        [...health.compactions].reverse().map(c => h('tr', {},
          h('td', {}, new Date(c.ended_at_ms).toLocaleString()), num(c.elapsed_ms), h('td', {}, c.dry_run ? 'yes' : 'no'),
          num(c.partitions), h('td', { class: 'num' }, bytes(c.bytes_read)), h('td', { class: 'num' }, bytes(c.bytes_written)),
          num(c.objects_deleted), num(c.records_removed))))
      : h('p', { class: 'muted' }, 'No compaction pass since the server started.'));
    counters.replaceChildren(table(['Counter', 'Value'], Object.entries(flatten(stats, '', {})).map(([k, v]) =>
      h('tr', {}, h('td', {}, k), num(v)))));
  }

  await refresh();
  every(REFRESH_MS, () => refresh().catch(e => cards.replaceChildren(failure(e))));
}

showSignOut();
route();

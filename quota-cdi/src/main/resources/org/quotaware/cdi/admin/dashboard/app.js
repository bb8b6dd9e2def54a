/*
 * The Quotaware dashboard: reads the admin API every few seconds and draws it. Vanilla JS, no library, nothing from
 * outside this server. The admin key, when used, lives in this tab's sessionStorage and travels only in the
 * X-Admin-Key header. Every value from the server is written with textContent (never as HTML): user names are
 * chosen by callers.
 */
(function () {
  'use strict';

  var REFRESH_MS = 3000;
  var KEY = 'quotaware.adminKey';
  var SVG = 'http://www.w3.org/2000/svg';
  var root = document.body.getAttribute('data-root') || '/';
  var admin = root + 'quota/admin/';
  var timer = null;
  var selectedUser = null;
  var topRank = 'decisions'; // or 'cpu': what the top users are ranked by
  var colours = {};

  function $(id) { return document.getElementById(id); }

  function text(id, value) {
    $(id).textContent = value === null || value === undefined ? '–' : String(value);
  }

  function el(tag, content, cls) {
    var e = document.createElement(tag);
    if (content !== undefined && content !== null) { e.textContent = String(content); }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) {
      var td = document.createElement('td');
      if (c instanceof Node) { td.appendChild(c); } else { td.textContent = c === null || c === undefined ? '–' : String(c); }
      tr.appendChild(td);
    });
    return tr;
  }

  function fill(id, rows, empty) {
    var body = $(id);
    body.replaceChildren();
    rows.forEach(function (r) { body.appendChild(r); });
    if (!rows.length && empty) {
      var td = el('td', empty, 'muted');
      td.colSpan = body.parentNode.querySelectorAll('th').length;
      var tr = document.createElement('tr');
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  function userLink(user) {
    var a = el('a', user, 'user');
    a.href = '#';
    a.setAttribute('data-user', user);
    a.addEventListener('click', function (e) { e.preventDefault(); openUser(user); });
    return a;
  }

  /* ---- calls: the key in a header, never in a URL ---- */

  function call(path) {
    var headers = { 'Accept': 'application/json' };
    var key = sessionStorage.getItem(KEY);
    if (key) { headers['X-Admin-Key'] = key; }
    return fetch(admin + path, { headers: headers, cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        return r.text().then(function (body) {
          var json = null;
          try { json = body ? JSON.parse(body) : null; } catch (ignored) { json = null; }
          return { status: r.status, json: json, retryAfter: r.headers.get('Retry-After') };
        });
      });
  }

  /** Answers true when the caller may go on; else shows why not. */
  function admitted(answer) {
    if (answer.status === 200) { return true; }
    var key = sessionStorage.getItem(KEY);
    if (answer.status === 401) {
      askKey('');
    } else if (answer.status === 403 && key) {
      sessionStorage.removeItem(KEY);
      askKey('The admin key is wrong.');
    } else if (answer.status === 403) {
      status('You are signed in, but not in the admin role.');
    } else if (answer.status === 429) {
      sessionStorage.removeItem(KEY);
      askKey('Too many wrong keys from this address: try again in ' + (answer.retryAfter || 'a few') + ' s.');
    } else if (answer.status === 404) {
      status('The admin API is disabled on this server (quotaware.admin.enabled).');
    } else {
      status('The server answered ' + answer.status + '; retrying.');
    }
    return false;
  }

  function status(message) { $('status').textContent = message; }

  function askKey(message) {
    $('board').hidden = true;
    $('forget-key').hidden = true;
    $('key-form').hidden = false;
    $('key-error').textContent = message;
    $('key').focus();
  }

  /* ---- the refresh loop ---- */

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH_MS);
  }

  function refresh() {
    if (document.hidden) { return; } // a tab in the background asks nothing; it refreshes when shown again
    call('dashboard/data' + (topRank === 'cpu' ? '?top=cpu' : '')).then(function (answer) {
      if (!admitted(answer)) {
        if ($('key-form').hidden) { schedule(); }
        return;
      }
      status('');
      $('key-form').hidden = true;
      $('board').hidden = false;
      $('forget-key').hidden = !sessionStorage.getItem(KEY);
      render(answer.json);
      return Promise.all([denials(answer.json.denialLogSize), selectedUser ? showUser(selectedUser) : null])
        .then(schedule);
    }).catch(function (e) {
      status('The server does not answer (' + e.message + '); retrying.');
      schedule();
    });
  }

  function render(d) {
    var s = d.statistics;
    text('updated', new Date(d.at).toLocaleTimeString());
    text('total-allowed', s.allowed);
    text('total-denied', s.denied);
    text('shadow-denied', s.shadowDenied || 0);
    text('active', s.active);
    text('queued', s.queued);
    text('blocked', s.blocked);
    text('tracked', s.trackedUsers);
    text('overflowed', s.overflowed);
    text('max-active', d.system.maxConcurrentTasks === null ? 'no limit' : d.system.maxConcurrentTasks);
    text('max-queued', d.system.maxQueuedRequests === null ? 'no limit' : d.system.maxQueuedRequests);
    text('max-blocked', d.system.maxBlockedWaits === null ? 'no limit' : d.system.maxBlockedWaits);
    var meter = $('active-meter');
    var share = d.system.maxConcurrentTasks ? Math.min(1, s.active / d.system.maxConcurrentTasks) : 0;
    meter.style.width = (share * 100).toFixed(1) + '%';
    meter.className = share > 0.8 ? 'high' : '';
    renderStore(d.store);
    renderDecisions(d.decisions, s);
    renderScaling(d.scaling);
    renderTop(d.topUsers);
  }

  function renderStore(store) {
    var badge = $('store-mode');
    badge.textContent = store.mode;
    badge.className = 'badge ' + store.mode;
    text('store-mode-text', store.mode);
    text('member-count', store.memberCount);
    fill('store-members', []);
    var list = $('store-members');
    store.members.forEach(function (m) {
      list.appendChild(el('li', m.address + (m.uuid ? ' ' + m.uuid : '') + (m.self ? ' (this member)' : '')));
    });
    if (store.detail) { list.appendChild(el('li', store.detail, 'error')); }
  }

  function colour(name) {
    if (!(name in colours)) { colours[name] = 'c' + (Object.keys(colours).length % 8); }
    return colours[name];
  }

  function renderDecisions(dec, stats) {
    var buckets = dec.buckets;
    var seconds = dec.bucketSeconds;
    var done = buckets.slice(0, buckets.length - 1); // the last one is still filling
    var xs = done.map(function (b) { return Date.parse(b.start) + seconds * 1000; });
    text('window-minutes', Math.round(buckets.length * seconds / 60));
    text('window-allowed', dec.allowed);
    text('window-denied', dec.denied);
    var last = done[done.length - 1] || { allowed: {}, denied: {} };
    text('rate-allowed', (sum(last.allowed) / seconds).toFixed(1));
    text('rate-denied', (sum(last.denied) / seconds).toFixed(1));

    var tiers = names(buckets, 'allowed', 'denied');
    var series = [];
    tiers.forEach(function (t) {
      series.push({ name: t + ' admitted', cls: colour(t), values: rate(done, 'allowed', t, seconds) });
      series.push({ name: t + ' denied', cls: colour(t) + ' dashed', values: rate(done, 'denied', t, seconds) });
    });
    chart($('chart-tiers'), xs, series, '/s', false);
    legend($('legend-tiers'), tiers);

    var reasons = names(buckets, 'reasons');
    chart($('chart-reasons'), xs, reasons.map(function (r) {
      return { name: r, cls: colour('reason:' + r), values: rate(done, 'reasons', r, seconds) };
    }), '/s', false);
    var byLimit = stats.deniedByLimit;
    var all = Object.keys(byLimit).concat(reasons).filter(function (r, i, a) { return a.indexOf(r) === i; }).sort();
    fill('reasons', all.map(function (r) {
      var tr = row([r, byLimit[r] || 0, buckets.reduce(function (n, b) { return n + (b.reasons[r] || 0); }, 0)]);
      tr.setAttribute('data-reason', r);
      tr.firstChild.className = 'legend-cell';
      var sw = el('span', null, 'swatch ' + colour('reason:' + r));
      tr.firstChild.prepend(sw);
      return tr;
    }), 'no denials yet');
  }

  function names(buckets) {
    var fields = Array.prototype.slice.call(arguments, 1);
    var seen = {};
    buckets.forEach(function (b) {
      fields.forEach(function (f) { Object.keys(b[f]).forEach(function (k) { seen[k] = true; }); });
    });
    return Object.keys(seen).sort();
  }

  function rate(buckets, field, name, seconds) {
    return buckets.map(function (b) { return (b[field][name] || 0) / seconds; });
  }

  function sum(counts) {
    return Object.keys(counts).reduce(function (n, k) { return n + counts[k]; }, 0);
  }

  function legend(box, tiers) {
    box.replaceChildren();
    tiers.forEach(function (t) {
      var item = el('span');
      item.appendChild(el('span', null, 'swatch ' + colour(t)));
      item.appendChild(document.createTextNode(t));
      box.appendChild(item);
    });
  }

  /* ---- an SVG line chart: xs in epoch ms, each series' values one per x; step draws a staircase ---- */

  function chart(box, xs, series, unit, step) {
    var width = Math.max(box.clientWidth || 600, 300);
    var height = box.classList.contains('short') ? 120 : 180;
    var pad = { left: 44, right: 8, top: 8, bottom: 20 };
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('role', 'img');
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { max = Math.max(max, v); }); });
    max = nice(max);
    var x0 = xs.length ? xs[0] : 0;
    var x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
    function px(x) { return pad.left + (x - x0) / (x1 - x0) * (width - pad.left - pad.right); }
    function py(v) { return height - pad.bottom - v / max * (height - pad.top - pad.bottom); }
    [0, 0.5, 1].forEach(function (f) {
      line(svg, pad.left, py(max * f), width - pad.right, py(max * f), 'axis');
      label(svg, pad.left - 4, py(max * f) + 3, format(max * f) + unit, 'end');
    });
    if (xs.length) {
      label(svg, pad.left, height - 4, new Date(x0).toLocaleTimeString(), 'start');
      label(svg, width - pad.right, height - 4, new Date(x1).toLocaleTimeString(), 'end');
    }
    series.forEach(function (s) {
      var points = [];
      s.values.forEach(function (v, i) {
        if (step && i > 0) { points.push(px(xs[i]).toFixed(1) + ',' + py(s.values[i - 1]).toFixed(1)); }
        points.push(px(xs[i]).toFixed(1) + ',' + py(v).toFixed(1));
      });
      var p = document.createElementNS(SVG, 'polyline');
      p.setAttribute('points', points.join(' '));
      p.setAttribute('class', 'series ' + s.cls);
      var title = document.createElementNS(SVG, 'title');
      title.textContent = s.name;
      p.appendChild(title);
      svg.appendChild(p);
    });
    box.replaceChildren(svg);
  }

  function line(svg, xa, ya, xb, yb, cls) {
    var l = document.createElementNS(SVG, 'line');
    l.setAttribute('x1', xa); l.setAttribute('y1', ya); l.setAttribute('x2', xb); l.setAttribute('y2', yb);
    l.setAttribute('class', cls);
    svg.appendChild(l);
  }

  function label(svg, x, y, value, anchor) {
    var t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', x); t.setAttribute('y', y); t.setAttribute('text-anchor', anchor);
    t.textContent = value;
    svg.appendChild(t);
  }

  function nice(max) {
    if (max <= 0) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(max)));
    var m = max / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function format(v) { return v >= 10 || v === 0 ? String(Math.round(v)) : v.toFixed(1); }

  function percent(v) { return v === null || v === undefined ? '–' : Math.round(v * 100) + '%'; }

  /* ---- capacity ---- */

  function renderScaling(sc) {
    text('scaler-state', sc.state);
    if (sc.state === 'absent') {
      text('decider', 'no scaler');
      return;
    }
    text('decider', sc.decider ? 'this member decides' : 'another member decides');
    text('desired', sc.desiredCapacity);
    text('actual', sc.actualCapacity);
    text('members', sc.members);
    text('slots-per-member', sc.slotsPerMember);
    text('protection', sc.protectionLevel);
    text('shed-tiers', sc.shedTiers.length ? sc.shedTiers.join(', ') : 'none');
    var now = Date.now();
    var from = now - 5 * 60 * 1000;
    var xs = [from];
    var desired = [sc.history.length ? sc.history[0].capacityBefore : sc.desiredCapacity];
    var actual = [sc.history.length ? sc.history[0].capacityBefore : sc.actualCapacity];
    sc.history.forEach(function (d) {
      var at = Math.max(from, Date.parse(d.at));
      xs.push(at); desired.push(d.desiredCapacity); actual.push(d.capacityBefore);
    });
    xs.push(now); desired.push(sc.desiredCapacity); actual.push(sc.actualCapacity);
    chart($('chart-capacity'), xs, [
      { name: 'desired', cls: 'c0', values: desired },
      { name: 'actual', cls: 'c1 dashed', values: actual }
    ], '', true);
    var shown = sc.history.slice().reverse();
    if (sc.lastDecision && !sc.lastDecision.direction.match(/UP|DOWN/)) { shown.unshift(sc.lastDecision); }
    fill('scaling-history', shown.map(function (d) {
      var i = d.inputs || {};
      return row([new Date(d.at).toLocaleTimeString(),
        d.direction === 'HOLD' ? 'hold at ' + d.desiredCapacity : d.capacityBefore + ' → ' + d.desiredCapacity,
        d.reason, percent(i.cpuLoad), percent(i.memoryUsed), i.activeTasks, i.queuedTasks, d.detail]);
    }), 'no decision yet');
  }

  /* ---- users ---- */

  function renderTop(top) {
    var cpu = top.rank === 'cpu';
    text('top-span', top.spanSeconds);
    text('top-count', cpu ? 'CPU ms' : 'decisions');
    $('top-denied').textContent = cpu ? '' : 'denied';
    $('top-note').hidden = !cpu || top.measured;
    $('top-note').textContent = 'No limit counts CPU time, so none is measured: the list only ages.';
    fill('top-users', top.users.map(function (u) {
      var rpm = limitOf(u.usage, 'rpm');
      var tasks = limitOf(u.usage, 'tasks');
      var counted = cpu ? u.cpuMillis + (u.overcountMillis ? ' (≤' + u.overcountMillis + ' over)' : '')
        : u.decisions + (u.overcount ? ' (≤' + u.overcount + ' over)' : '');
      var tr = row([userLink(u.user), u.usage.tier, counted, cpu ? '' : u.denied,
        u.usage.requestsPerMinute + (rpm ? ' of ' + rpm.max : ''),
        u.usage.activeTasks + (tasks ? ' of ' + tasks.max : '')]);
      tr.setAttribute('data-user', u.user);
      return tr;
    }), cpu ? 'no CPU time charged in the last minutes' : 'no decisions in the last minutes');
  }

  function limitOf(usage, name) {
    return (usage.limits || []).filter(function (l) { return l.limit === name; })[0];
  }

  function violations(list) {
    return (list || []).map(function (v) {
      return v.limit + ' ' + v.current + '/' + v.max + (v.retryAfterSeconds ? ' (retry in ' + v.retryAfterSeconds + ' s)' : '');
    }).join(', ');
  }

  function denialList(answer) {
    var j = answer.json;
    return Array.isArray(j) ? j : (j && (j.denials || j.entries)) || [];
  }

  /** The admin path of a user: its quota key encoded, but for '/' (an IPv6 caller's ip:2001:db8::/64), kept. */
  function userPath(user) {
    return 'users/' + encodeURIComponent(user).replace(/%2F/gi, '/');
  }

  function denials(logSize) {
    if (logSize === 0) {
      $('denials-note').textContent = 'This server keeps no denial log.';
      fill('denials', []);
      return Promise.resolve();
    }
    // at most what the log holds: a log smaller than 20 answers a larger limit with 400
    var limit = typeof logSize === 'number' ? Math.min(20, logSize) : 20;
    return call('denials?limit=' + limit).then(function (answer) {
      if (answer.status === 404) {
        $('denials-note').textContent = 'This server keeps no denial log.';
        fill('denials', []);
        return;
      }
      if (answer.status !== 200) {
        $('denials-note').textContent = answer.json && answer.json.detail ? answer.json.detail
          : 'The denial log answered ' + answer.status + '.';
        return;
      }
      $('denials-note').textContent = '';
      fill('denials', denialList(answer).map(function (d) {
        var tr = row([new Date(d.time).toLocaleTimeString(), userLink(d.user), d.tier, d.path,
          violations(d.violations) + (d.shadow ? ' (shadow: let through)' : ''), d.member]);
        tr.setAttribute('data-user', d.user);
        return tr;
      }), 'no denials yet');
    });
  }

  function openUser(user) {
    selectedUser = user;
    $('user-query').value = user;
    showUser(user);
  }

  function showUser(user) {
    var path = userPath(user);
    return call(path).then(function (answer) {
      if (user !== selectedUser) { return; }
      if (answer.status !== 200) {
        $('user').hidden = true;
        $('user-error').textContent = answer.json && answer.json.detail ? answer.json.detail
          : 'No answer for ' + user + ' (' + answer.status + ')';
        return;
      }
      var u = answer.json;
      $('user-error').textContent = '';
      $('user').hidden = false;
      $('user').setAttribute('data-user', u.user);
      text('user-name', u.user);
      text('user-tier', u.tier);
      text('user-active', u.activeTasks);
      text('user-queued', u.queued);
      text('user-completed', u.completed);
      text('user-failed', u.failed);
      text('user-last', u.lastActivity ? new Date(u.lastActivity).toLocaleString() : 'none');
      fill('user-limits', u.limits.map(function (l) {
        var tr = row([l.limit, l.used, l.max, l.remaining, l.resetSeconds ? l.resetSeconds + ' s' : '–']);
        tr.setAttribute('data-limit', l.limit);
        return tr;
      }), 'no limits');
      return call(path + '/denials').then(function (d) {
        if (user !== selectedUser) { return; }
        fill('user-denials', d.status === 200 ? denialList(d).slice(0, 20).map(function (e) {
          return row([new Date(e.time).toLocaleTimeString(), e.path, violations(e.violations)]);
        }) : [], d.status === 200 ? 'no denials' : 'this server keeps no denial log');
      });
    });
  }

  /* ---- wiring ---- */

  $('key-form').addEventListener('submit', function (e) {
    e.preventDefault(); // the key never goes into a URL or a form post
    var key = $('key').value;
    $('key').value = '';
    if (key) {
      sessionStorage.setItem(KEY, key);
      $('key-error').textContent = '';
      refresh();
    }
  });
  $('forget-key').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    askKey('');
  });
  $('user-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var user = $('user-query').value.trim();
    if (user) { openUser(user); }
  });
  $('top-rank').addEventListener('change', function () {
    topRank = $('top-rank').value === 'cpu' ? 'cpu' : 'decisions';
    refresh();
  });
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { refresh(); }
  });
  refresh();
}());

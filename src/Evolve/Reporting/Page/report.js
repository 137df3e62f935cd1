// Draws an Evolve run report from the JSON embedded in the page (id "report-data") with Apache ECharts (inlined).
// Every chart is registered in window.evolveReport.charts under its name, for the headless-browser test.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const main = document.getElementById('report');
  const charts = {};
  const palette = ['#3366cc', '#e8772e', '#2ca25f', '#c23b3b', '#7b52ab', '#8c6d31', '#17a2b8'];
  const fmt = (v, d = 3) => (v === null || v === undefined ? 'n/a' : Number(v).toFixed(d));

  function header() {
    const r = data.run;
    const h = document.createElement('header');
    const winner = data.incumbent;
    const facts = [
      ['optimizer', r.optimizer], ['seed', r.seed], ['candidates', r.candidates], ['scored', r.ok],
      ['raced out', r.racedOut], ['failed', r.failed], ['served from archive', r.served],
      ['incumbent', winner ? `#${winner.id}, fitness ${fmt(winner.fitness)} [${fmt(winner.low)}, ${fmt(winner.high)}]` : 'none yet'],
      ['Evolve', r.toolVersion],
    ];
    if (r.stopped) facts.push(['stopped', r.stopped]);
    h.innerHTML = '<h1></h1><div class="facts"></div>';
    h.querySelector('h1').textContent = `Evolve run ${r.name}`;
    const box = h.querySelector('.facts');
    for (const [k, v] of facts) {
      const span = document.createElement('span');
      span.textContent = `${k}: `;
      const b = document.createElement('b');
      b.textContent = String(v);
      span.appendChild(b);
      box.appendChild(span);
    }
    document.body.insertBefore(h, main);
  }

  function section(title, note, wide) {
    const s = document.createElement('section');
    if (wide) s.className = 'wide';
    const h = document.createElement('h2');
    h.textContent = title;
    s.appendChild(h);
    if (note) {
      const p = document.createElement('p');
      p.className = 'note';
      p.textContent = note;
      s.appendChild(p);
    }
    main.appendChild(s);
    return s;
  }

  function chart(parent, name, option, tall) {
    const div = document.createElement('div');
    div.className = tall ? 'chart tall' : 'chart';
    div.dataset.chart = name;
    parent.appendChild(div);
    const c = echarts.init(div, null, { renderer: 'svg' });
    c.setOption(Object.assign({ animation: false, color: palette, textStyle: { fontFamily: 'system-ui, sans-serif' } }, option));
    charts[name] = c;
    return c;
  }

  function missing(parent, text) {
    const div = document.createElement('div');
    div.className = 'missing';
    div.textContent = text;
    parent.appendChild(div);
  }

  // Vertical 95% interval bars: data rows are [x, low, high].
  function errorBars(name, rows, color) {
    return {
      type: 'custom', name, data: rows, z: 1, silent: true,
      encode: { x: 0, y: [1, 2] },
      renderItem(params, api) {
        const lo = api.coord([api.value(0), api.value(1)]);
        const hi = api.coord([api.value(0), api.value(2)]);
        const stroke = { stroke: color, lineWidth: 1 };
        return {
          type: 'group', children: [
            { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: stroke },
            { type: 'line', shape: { x1: lo[0] - 3, y1: lo[1], x2: lo[0] + 3, y2: lo[1] }, style: stroke },
            { type: 'line', shape: { x1: hi[0] - 3, y1: hi[1], x2: hi[0] + 3, y2: hi[1] }, style: stroke },
          ],
        };
      },
    };
  }

  // A step band: data rows are [x, low, high, next x]; each row fills [x, next x) between low and high.
  function band(name, rows, color) {
    return {
      type: 'custom', name, data: rows, z: 0, silent: true, itemStyle: { color },
      encode: { x: [0, 3], y: [1, 2] },
      renderItem(params, api) {
        const a = api.coord([api.value(0), api.value(2)]);
        const b = api.coord([api.value(3), api.value(1)]);
        return { type: 'rect', shape: { x: a[0], y: a[1], width: b[0] - a[0], height: b[1] - a[1] }, style: { fill: color } };
      },
    };
  }

  function fitness() {
    const s = section('Fitness over candidates',
      'Each candidate in the order it was told, with its 95% interval; the step line is the highest fully scored estimate so far and the band its interval (the incumbent is admitted by a paired test, so it may differ). Raced-out fitnesses cover only the items scored before racing stopped them.', true);
    const ok = data.candidates.filter(c => c.status === 'ok');
    const raced = data.candidates.filter(c => c.status === 'raced-out');
    const failed = data.candidates.filter(c => c.status === 'failed');
    const scored = data.candidates.filter(c => c.fitness !== null);
    const floor = scored.length ? Math.min(...scored.map(c => c.low ?? c.fitness)) : 0;
    const best = data.best;
    chart(s, 'fitness', {
      tooltip: { trigger: 'item', formatter: p => p.data && p.data.tip ? p.data.tip : p.seriesName },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 52, bottom: 46 },
      xAxis: { type: 'value', name: 'candidate (tell order)', nameLocation: 'middle', nameGap: 28, min: 0, max: Math.max(1, data.candidates.length) },
      yAxis: { type: 'value', name: 'fitness', scale: true },
      series: [
        band('best 95% CI', best.map((b, i) => [b.seq, b.low, b.high, i + 1 < best.length ? best[i + 1].seq : b.seq + 1]), 'rgba(44,162,95,0.18)'),
        { name: 'best estimate so far', type: 'line', step: 'end', symbol: 'none', lineStyle: { width: 2, color: '#2ca25f' }, itemStyle: { color: '#2ca25f' },
          data: best.map(b => [b.seq, b.fitness]) },
        errorBars('candidate CI', ok.map(c => [c.seq, c.low, c.high]), 'rgba(51,102,204,0.25)'),
        { name: 'scored', type: 'scatter', symbolSize: 6, itemStyle: { color: '#3366cc' },
          data: ok.map(c => ({ value: [c.seq, c.fitness], tip: `#${c.id} ${c.method}: ${fmt(c.fitness)} [${fmt(c.low)}, ${fmt(c.high)}]` })) },
        { name: 'raced out', type: 'scatter', symbolSize: 6, symbol: 'triangle', itemStyle: { color: '#e8772e' },
          data: raced.map(c => ({ value: [c.seq, c.fitness], tip: `#${c.id} ${c.method}: raced out after ${c.itemsEvaluated} items (${fmt(c.fitness)} so far)` })) },
        { name: 'failed', type: 'scatter', symbolSize: 7, symbol: 'diamond', itemStyle: { color: '#c23b3b' },
          data: failed.map(c => ({ value: [c.seq, floor], tip: `#${c.id} failed: ${c.failure}` })) },
      ],
    });
  }

  function genes() {
    const g = data.genes;
    const title = 'Winning recipe, per layer';
    if (!g.maps) {
      missing(section(title, null, false), `Per-layer maps not drawn: ${g.unavailable}`);
      return;
    }
    g.maps.forEach(m => {
      const s = section(`${title}: ${m.parameter} (${g.method}, candidate #${g.candidate})`,
        'The value the merge applies to each layer, after gradients, filters and per-model overrides, averaged over the tensors of each module group.', false);
      const cells = [];
      let lo = Infinity, hi = -Infinity;
      m.values.forEach((row, r) => row.forEach((v, l) => {
        if (v === null) return;
        cells.push([l, r, v]);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }));
      if (lo === hi) { lo -= 0.5; hi += 0.5; }
      chart(s, `genes-${m.parameter}`, {
        tooltip: { formatter: p => `${m.rows[p.value[1]]}, layer ${p.value[0]}: ${fmt(p.value[2])}` },
        grid: { left: 150, right: 20, top: 12, bottom: 96 },
        xAxis: { type: 'category', name: 'layer', nameLocation: 'middle', nameGap: 22, data: [...Array(m.layers).keys()].map(String), splitArea: { show: true } },
        yAxis: { type: 'category', data: m.rows, splitArea: { show: true } },
        visualMap: { min: lo, max: hi, calculable: true, orient: 'horizontal', left: 'center', bottom: 4, itemHeight: 160, precision: 2,
          inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
        series: [{ name: m.parameter, type: 'heatmap', data: cells,
          label: { show: m.layers * m.rows.length <= 96, formatter: p => fmt(p.value[2], 2), fontSize: 10 } }],
      });
    });
  }

  function methods() {
    const s = section('Merge methods tried', 'Candidates per merge method, how many were scored on every item, and each method\'s best fitness.', false);
    const m = data.methods;
    chart(s, 'methods', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 120, right: 60, top: 40, bottom: 36 },
      xAxis: [{ type: 'value', name: 'candidates', nameLocation: 'middle', nameGap: 24 }],
      yAxis: { type: 'category', data: m.map(x => x.method), inverse: true },
      series: [
        { name: 'candidates', type: 'bar', data: m.map(x => x.candidates) },
        { name: 'fully scored', type: 'bar', data: m.map(x => x.ok),
          label: { show: true, position: 'right', formatter: p => (m[p.dataIndex].best === null ? '' : `best ${fmt(m[p.dataIndex].best)}`) } },
      ],
    });
  }

  function racing() {
    const r = data.run;
    const cs = data.candidates;
    const saved = cs.reduce((a, c) => a + c.itemsSaved, 0);
    const evaluated = cs.reduce((a, c) => a + c.itemsEvaluated, 0);
    const pct = evaluated + saved > 0 ? (100 * saved / (evaluated + saved)).toFixed(1) : '0';
    const s = section('Items saved by racing',
      `Racing saved ${saved} item scorings of ${evaluated + saved} (${pct}%); ${r.served} candidate(s) repeated an earlier recipe and were served from the archive.`, false);
    let running = 0;
    chart(s, 'racing', {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 52, bottom: 46 },
      xAxis: { type: 'category', name: 'candidate', nameLocation: 'middle', nameGap: 28, data: cs.map(c => String(c.seq)) },
      yAxis: [{ type: 'value', name: 'items' }, { type: 'value', name: 'saved, cumulative', splitLine: { show: false } }],
      series: [
        { name: 'items scored', type: 'bar', stack: 'items', data: cs.map(c => c.itemsEvaluated), itemStyle: { color: '#3366cc' } },
        { name: 'saved by racing', type: 'bar', stack: 'items', data: cs.map(c => c.itemsSaved), itemStyle: { color: '#e8772e' } },
        { name: 'served from archive', type: 'bar', stack: 'items', data: cs.map(c => (c.servedFrom !== null ? r.itemsPerCandidate : 0)), itemStyle: { color: '#b8bec7' } },
        { name: 'saved so far', type: 'line', yAxisIndex: 1, symbol: 'none', data: cs.map(c => (running += c.itemsSaved)), itemStyle: { color: '#8c6d31' } },
      ],
    });
  }

  function heldOut() {
    const h = data.heldOut;
    const s = section('Search vs held-out', 'Hall-of-fame members re-scored on the held-out split, which the search never saw; the gap is the optimism of picking the best of many noisy search scores.', false);
    if (!h.length) {
      missing(s, 'The run has no held-out scores yet (they are written when a search ends).');
      return;
    }
    const withHeld = h.filter(x => x.heldOut);
    chart(s, 'heldout', {
      tooltip: { trigger: 'item', formatter: p => p.data && p.data.tip ? p.data.tip : p.seriesName },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 52, bottom: 46 },
      xAxis: { type: 'value', min: 0, max: h.length + 1, interval: 1, name: 'hall-of-fame rank', nameLocation: 'middle', nameGap: 28,
        splitLine: { show: false }, axisLabel: { formatter: v => (v >= 1 && v <= h.length ? `#${v}` : '') } },
      yAxis: { type: 'value', name: 'fitness', scale: true },
      series: [
        errorBars('search CI', h.map(x => [x.rank - 0.12, x.search.low, x.search.high]), '#3366cc'),
        errorBars('held-out CI', withHeld.map(x => [x.rank + 0.12, x.heldOut.low, x.heldOut.high]), '#e8772e'),
        { name: 'search', type: 'scatter', symbolSize: 9, itemStyle: { color: '#3366cc' },
          data: h.map(x => ({ value: [x.rank - 0.12, x.search.estimate], tip: `rank ${x.rank} (#${x.candidate}) search ${fmt(x.search.estimate)} [${fmt(x.search.low)}, ${fmt(x.search.high)}]` })) },
        { name: 'held-out', type: 'scatter', symbolSize: 9, itemStyle: { color: '#e8772e' },
          data: withHeld.map(x => ({ value: [x.rank + 0.12, x.heldOut.estimate], tip: `rank ${x.rank} (#${x.candidate}) held-out ${fmt(x.heldOut.estimate)} [${fmt(x.heldOut.low)}, ${fmt(x.heldOut.high)}], gap ${fmt(x.gap)}` })) },
      ],
    });
  }

  function sweep() {
    const w = data.sweep;
    if (!w) return;
    const peak = w.peak;
    const s = section(`Ratio sweep: ${w.method} over ${w.parameter}`,
      peak !== null
        ? `Quadratic fit through the points peaks at ${w.parameter}* = ${fmt(peak)}, bootstrap 95% interval ${fmt(w.peakLow)} to ${fmt(w.peakHigh)} (resampling proxy items; ${w.split} split).`
        : `No peak taken (${w.flags.join(', ').replace(/_/g, ' ')}): the best grid point ${w.parameter} = ${fmt(w.chosen)} is chosen rather than extrapolating.`, false);
    const xs = w.points.map(p => p.x);
    const marks = peak !== null ? {
      markLine: { symbol: 'none', label: { formatter: `${w.parameter}* ${fmt(peak, 2)}` }, lineStyle: { color: '#c23b3b' }, data: [{ xAxis: peak }] },
      markArea: { itemStyle: { color: 'rgba(194,59,59,0.10)' }, data: [[{ xAxis: w.peakLow }, { xAxis: w.peakHigh }]] },
    } : {
      markLine: { symbol: 'none', label: { formatter: 'chosen' }, lineStyle: { color: '#7b52ab', type: 'dashed' }, data: [{ xAxis: w.chosen }] },
    };
    chart(s, 'sweep', {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 52, bottom: 46 },
      xAxis: { type: 'value', name: w.parameter, nameLocation: 'middle', nameGap: 28, min: Math.min(...xs), max: Math.max(...xs) },
      yAxis: { type: 'value', name: 'fitness', scale: true },
      series: [
        errorBars('95% CI', w.points.map(p => [p.x, p.low, p.high]), '#3366cc'),
        { name: 'grid points', type: 'scatter', symbolSize: 9, data: w.points.map(p => [p.x, p.estimate]), itemStyle: { color: '#3366cc' } },
        Object.assign({ name: 'quadratic fit', type: 'line', symbol: 'none', data: w.curve, lineStyle: { color: '#c23b3b' }, itemStyle: { color: '#c23b3b' } }, marks),
      ],
    });
  }

  function soup() {
    const p = data.soup;
    if (!p) return;
    const s = section(`Greedy soup (${p.source === 'run' ? "the run's top recipes" : 'the input checkpoints'})`,
      `Ingredients tried best first; each is kept only when the soup's held-out score does not drop. Final soup ${fmt(p.final)} (${p.members.join(' + ')}); the uniform soup of every ingredient scores ${fmt(p.uniform)}.`, false);
    const idx = p.steps.map((x, i) => i);
    chart(s, 'soup', {
      tooltip: { trigger: 'item', formatter: q => (q.data && q.data.tip ? q.data.tip : q.seriesName) },
      legend: { top: 0 },
      grid: { left: 56, right: 24, top: 52, bottom: 60 },
      xAxis: { type: 'category', data: p.steps.map((x, i) => `${i + 1}. ${x.ingredient}`), axisLabel: { interval: 0, rotate: p.steps.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', name: 'held-out fitness', scale: true },
      series: [
        errorBars('95% CI', p.steps.map((x, i) => [i, x.low, x.high]), 'rgba(51,102,204,0.5)'),
        { name: 'soup after the step', type: 'line', data: p.steps.map(x => x.score), itemStyle: { color: '#3366cc' },
          markLine: { symbol: 'none', label: { formatter: 'uniform soup', position: 'insideEndTop' }, lineStyle: { type: 'dashed', color: '#8c6d31' }, data: [{ yAxis: p.uniform }] } },
        { name: 'kept', type: 'scatter', symbolSize: 11, itemStyle: { color: '#2ca25f' },
          data: idx.filter(i => p.steps[i].kept).map(i => ({ value: [i, p.steps[i].score], tip: `${p.steps[i].ingredient}: kept (${fmt(p.steps[i].score)})` })) },
        { name: 'rejected', type: 'scatter', symbolSize: 11, symbol: 'diamond', itemStyle: { color: '#c23b3b' },
          data: idx.filter(i => !p.steps[i].kept).map(i => ({ value: [i, p.steps[i].score], tip: `${p.steps[i].ingredient}: rejected (${fmt(p.steps[i].score)})` })) },
      ],
    });
  }

  header();
  fitness();
  genes();
  methods();
  racing();
  heldOut();
  sweep();
  soup();
  window.evolveReport = { charts, data };
  document.body.dataset.charts = String(Object.keys(charts).length);
})();

/* fupin dashboard: draws the charts of an area page from the JSON the page carries (no extra request but the
   county outlines, which the browser caches). Every chart has a table twin on the page; clicking a county or a
   child unit drills down to its page, keeping the year. */
(function () {
  "use strict";
  var node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) return;
  var d = JSON.parse(node.textContent);
  var RED = "#b3261e", BLUE = "#3b6fb6", GREEN = "#2e7d32", GREY = "#8a94a3";
  var charts = [];
  var fmt = function (n) { return n == null ? "—" : Number(n).toLocaleString("zh-CN", { maximumFractionDigits: 2 }); };
  var go = function (code) { window.location.href = "/areas/" + code + "/?year=" + d.year; };

  function chart(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el, null, { renderer: "canvas" });
    charts.push(c);
    return c;
  }

  var trend = chart("chart-trend");
  if (trend) {
    var t = d.trend;
    trend.setOption({
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: t.years },
      yAxis: [
        { type: "value", axisLabel: { formatter: function (v) { return v >= 10000 ? v / 10000 + "万" : v; } } },
        { type: "value", splitLine: { show: false }, axisLabel: { formatter: "{value}%" } }
      ],
      series: [
        { name: "年末贫困人口", type: "bar", data: t.poor_people, itemStyle: { color: RED } },
        { name: "当年脱贫人口", type: "bar", data: t.exit_people, itemStyle: { color: GREEN } },
        { name: "当年返贫人口", type: "bar", data: t.return_people, itemStyle: { color: "#6a1b9a" } },
        { name: "贫困发生率", type: "line", yAxisIndex: 1, data: t.incidence, itemStyle: { color: BLUE }, connectNulls: true }
      ]
    });
  }

  var kids = chart("chart-children");
  if (kids) {
    var rows = d.children.slice().sort(function (a, b) { return (a.poor_people || 0) - (b.poor_people || 0); });
    kids.getDom().style.height = Math.max(220, 26 * rows.length + 60) + "px";
    kids.resize();
    kids.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt },
      grid: { left: 8, right: 40, top: 10, bottom: 24, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
      series: [{ name: "贫困人口", type: "bar", data: rows.map(function (r) { return { value: r.poor_people || 0, code: r.code }; }),
                 itemStyle: { color: RED }, label: { show: true, position: "right", formatter: function (p) { return fmt(p.value); } } }]
    });
    kids.on("click", function (p) { if (p.data && p.data.code) go(p.data.code); });
  }

  var rules = chart("chart-rules");
  if (rules) {
    var r = d.by_rule.slice().reverse();
    rules.getDom().style.height = Math.max(200, 26 * r.length + 50) + "px";
    rules.resize();
    rules.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 10, bottom: 24, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: r.map(function (x) { return x.title; }), axisLabel: { interval: 0, width: 150, overflow: "truncate" } },
      series: [{ type: "bar", name: "发现数", data: r.map(function (x) { return x.n; }), itemStyle: { color: "#c77700" },
                 label: { show: true, position: "right" } }]
    });
    rules.on("click", function (p) {
      var rule = d.by_rule[d.by_rule.length - 1 - p.dataIndex];
      if (rule) window.location.href = "/findings/?area=" + d.area.code + "&rule=" + rule.rule + "&year=" + d.year;
    });
  }

  var status = chart("chart-status");
  if (status) {
    var colors = { open: RED, assigned: "#c77700", verified: BLUE, confirmed: "#6a1b9a", dismissed: GREY, rectified: GREEN };
    status.setOption({
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], label: { formatter: "{b}\n{c}" },
                 data: d.by_status.map(function (s) { return { name: s.label, value: s.n, itemStyle: { color: colors[s.status] } }; }) }]
    });
  }

  var mapEl = document.getElementById("chart-map");
  if (mapEl) {
    var map = chart("chart-map");
    var metric = "incidence";
    var titles = { incidence: "贫困发生率（%）", findings: "核查发现（条）" };
    var draw = function () {
      var values = d.counties.map(function (c) { return { name: c.code, value: c[metric] == null ? null : c[metric], label: c.name, raw: c }; });
      var nums = values.map(function (v) { return v.value; }).filter(function (v) { return v != null; });
      map.setOption({
        tooltip: { trigger: "item", formatter: function (p) {
          var c = p.data && p.data.raw; if (!c) return p.name;
          return "<b>" + c.name + "</b><br>贫困人口：" + fmt(c.poor_people) + "<br>贫困发生率：" + (c.incidence == null ? "—" : fmt(c.incidence) + "%") +
                 "<br>核查发现：" + fmt(c.findings) + "（未办结 " + fmt(c.findings_open) + "）";
        } },
        visualMap: { min: 0, max: nums.length ? Math.max.apply(null, nums) || 1 : 1, orient: "horizontal", left: "center",
                     bottom: 0, itemHeight: 140, text: [titles[metric], ""], calculable: true,
                     inRange: { color: ["#fff4e5", "#f5a623", RED] }, outOfRange: { color: "#eee" } },
        series: [{ type: "map", map: "area-" + d.area.code, nameProperty: "code", roam: false, data: values, selectedMode: false,
                   top: 8, bottom: 56,
                   label: { show: false }, emphasis: { label: { show: true, formatter: function (p) { return p.data ? p.data.label : ""; } },
                   itemStyle: { areaColor: "#ffd54f" } } }]
      }, true);
      if (!nums.length) {  // nothing to colour: say why on the map itself (the page's table says it too)
        map.setOption({ graphic: [{ type: "text", left: "center", top: 12, z: 10, style: { fill: "#5b6470", font: "14px sans-serif",
          text: metric === "findings" ? "暂无数据：各县尚未运行大数据核查" : "暂无数据：各县尚无贫困发生率（须有建档立卡数据和农村人口统计）" } }] });
      }
    };
    fetch(mapEl.dataset.url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (geo) {
      echarts.registerMap("area-" + d.area.code, geo);
      draw();
      map.on("click", function (p) { if (p.data && p.data.raw) go(p.data.raw.code); });
      mapEl.setAttribute("data-ready", "1");
    }).catch(function () { mapEl.textContent = "地图加载失败（区划边界数据不可用），请看下方表格。"; });
    document.querySelectorAll(".switch button").forEach(function (b) {
      b.addEventListener("click", function () {
        metric = b.dataset.metric;
        document.querySelectorAll(".switch button").forEach(function (x) { x.classList.toggle("on", x === b); });
        draw();
      });
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

// A job's page follows its progress: polls the job's state once a second until it ends, then reloads once to show
// the result (download button, summary lines). No framework; the CSP allows only our own static scripts.
(function () {
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.url;
  function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        text("job-status", s.status_label);
        text("job-elapsed", s.elapsed === null ? "" : "已用 " + s.elapsed + " 秒");
        var stage = s.stage || "";
        if (s.total) stage += "（" + (s.done || 0).toLocaleString("zh-CN") + " / " + s.total.toLocaleString("zh-CN") + "）";
        text("job-stage", stage);
        var bar = document.getElementById("job-bar");
        if (bar) { if (s.percent === null) bar.removeAttribute("value"); else bar.value = s.percent; }
        if (s.finished) { window.location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

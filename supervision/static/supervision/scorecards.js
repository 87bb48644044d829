// Scorecard dashboard charts (Chart.js, served from the project). Data comes from the page's JSON script.
(function () {
  const data = JSON.parse(document.getElementById("charts-data").textContent);
  const palette = ["#c8161d", "#1456f0", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f", "#5d4037", "#455a64"];
  new Chart(document.getElementById("ranking-chart"), {
    type: "bar",
    data: {
      labels: data.ranking.labels,
      // One dataset per comparable group; each bar belongs to one group, so the datasets share the rows.
      datasets: data.ranking.groups.map((group, i) => ({
        label: group.name, data: group.values, backgroundColor: palette[i % palette.length], grouped: false,
      })),
    },
    options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } },
  });
  const rateNames = { response_rate: "响应率", on_time_rate: "按时办结率", feedback_rate: "反馈率", satisfaction_rate: "满意率" };
  new Chart(document.getElementById("rates-chart"), {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: Object.entries(data.trend.rates).map(([name, values], i) => ({
        label: rateNames[name] || name, data: values.map((v) => (v === null ? null : v * 100)), borderColor: palette[i],
      })),
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
  new Chart(document.getElementById("trend-chart"), {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: Object.entries(data.trend.departments).map(([name, values], i) => ({
        label: name, data: values, borderColor: palette[i % palette.length], spanGaps: true,
      })),
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
})();

// The cockpit (docs/cockpit.md): the trend with Chart.js, the dispute network with cytoscape.js (both vendored).
(function () {
  "use strict";
  const chart = JSON.parse(document.getElementById("cockpit-chart").textContent);
  const canvas = document.getElementById("trend-chart");
  if (window.Chart && canvas) {
    new Chart(canvas, {
      type: "line",
      data: {
        labels: chart.labels,
        datasets: [
          { label: chart.names.now, data: chart.now, borderColor: "#c8161d" },
          { label: chart.names.before, data: chart.before, borderColor: "#8f959e", borderDash: [4, 4] },
        ],
      },
      // A point opens the tickets it counts.
      options: { onClick: (_event, points) => { if (points.length) { window.location = chart.urls[points[0].index]; } } },
    });
  }

  const box = document.getElementById("network");
  if (!box || !window.cytoscape) { return; }
  function item(list, text) { const li = document.createElement("li"); li.textContent = text; list.appendChild(li); }
  fetch(box.dataset.source, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((data) => {
      const names = Object.fromEntries(data.nodes.map((n) => [n.id, n.label]));
      const heaviest = Math.max(1, ...data.edges.map((e) => e.weight));
      box.dataset.nodes = String(data.nodes.length);
      box.dataset.rings = String(data.rings.length);
      window.mingzeNetwork = cytoscape({
        container: box,
        elements: [
          ...data.nodes.map((n) => ({ data: { id: String(n.id), label: n.label, size: 20 + 60 * n.centrality } })),
          ...data.edges.map((e) => ({ data: { source: String(e.source), target: String(e.target), weight: e.weight,
            width: 1 + 7 * e.weight / heaviest, label: String(e.weight) } })),
        ],
        layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 120 },
        style: [
          { selector: "node", style: { label: "data(label)", "font-size": 11, width: "data(size)", height: "data(size)",
            "background-color": "#c8161d", "text-valign": "bottom", "text-margin-y": 4 } },
          { selector: "edge", style: { width: "data(width)", label: "data(label)", "font-size": 9, "curve-style": "bezier",
            "target-arrow-shape": "triangle", "line-color": "#b26a00", "target-arrow-color": "#b26a00" } },
        ],
      });
      // A department opens the tickets it leads now.
      window.mingzeNetwork.on("tap", "node", (event) => {
        window.location = box.dataset.tickets + "?lead=" + encodeURIComponent(event.target.id());
      });
      const rings = document.getElementById("rings");
      data.rings.forEach((r) => item(rings, r.departments.map((d) => names[d] || d).join(" → ") + " → " + (names[r.departments[0]] || "") + " (" + r.weight + ")"));
      const central = document.getElementById("central");
      data.central.forEach((c) => item(central, c.label + " " + c.centrality));
    });
})();

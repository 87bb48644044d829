/* 明责 graph view: draws a department's or a matter's neighbourhood with cytoscape.js (vendored, no CDN). */
(function () {
  "use strict";
  var box = document.getElementById("graph");
  var status = document.getElementById("graph-status");
  var form = document.getElementById("graph-pick");
  if (!box || !window.cytoscape) { return; }

  var colours = { duty: "#1456f0", precedent: "#c8161d", governs: "#2e7d32", regulates: "#2e7d32",
                  dispute: "#b26a00", contains: "#999" };
  var shapes = { bureau: "round-rectangle", territorial: "hexagon", territory: "diamond", matter: "ellipse" };

  function draw(data) {
    box.dataset.nodes = String(data.elements.filter(function (e) { return !e.data.source; }).length);
    box.dataset.edges = String(data.elements.filter(function (e) { return e.data.source; }).length);
    status.textContent = data.elements.length ? (data.truncated ? status.dataset.truncated : "") : status.dataset.empty;
    window.mingzeGraph = cytoscape({
      container: box,
      elements: data.elements,
      layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 110 },
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 11, "text-valign": "bottom",
          "text-margin-y": 4, "background-color": "#dee0e3", shape: function (n) { return shapes[n.data("kind")] || "ellipse"; } } },
        { selector: "node[?focus]", style: { "background-color": "#c8161d", "font-weight": "bold" } },
        { selector: "edge", style: { label: "data(label)", "font-size": 9, "curve-style": "bezier",
          "target-arrow-shape": "triangle", width: 2, "text-rotation": "autorotate", color: "#646a73",
          "line-color": function (e) { return colours[e.data("kind")] || "#999"; },
          "target-arrow-color": function (e) { return colours[e.data("kind")] || "#999"; } } },
        { selector: "edge[kind = 'dispute']", style: { "line-style": "dashed", "target-arrow-shape": "none" } }
      ]
    });
    window.mingzeGraph.on("tap", "node", function (event) {
      var id = event.target.id().split(":");
      if (id[0] === "department" || id[0] === "matter") {
        var params = new URLSearchParams(); params.set(id[0], id[1]);
        window.location.search = params.toString();
      }
    });
  }

  function load() {
    var params = new URLSearchParams(window.location.search);
    fetch(box.dataset.source + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(draw)
      .catch(function () { status.textContent = status.dataset.empty; });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      // One of the two pickers: the one changed last wins, the other is cleared.
      var department = form.elements.department, matter = form.elements.matter;
      if (department.value && matter.value) { (document.activeElement === matter ? department : matter).value = ""; }
      if (!department.value) { department.disabled = true; }
      if (!matter.value) { matter.disabled = true; }
    });
    form.elements.department.addEventListener("change", function () { form.elements.matter.value = ""; });
    form.elements.matter.addEventListener("change", function () { form.elements.department.value = ""; });
  }
  load();
})();

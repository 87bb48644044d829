// The chair's live tally: poll the small JSON endpoint while the item is open.
(function () {
  const box = document.getElementById("tally");
  if (!box || box.dataset.open !== "1") return;
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  async function refresh() {
    const response = await fetch(box.dataset.url, {credentials: "same-origin"});
    if (!response.ok) return;
    const t = await response.json();
    text("t-base", t.base); text("t-cast", t.cast); text("t-abst", t.abstentions);
    text("t-quorum", t.cast + "/" + t.quorum_required); text("t-majority", t.majority_required);
    const met = document.getElementById("t-quorum-met");
    met.className = "badge " + (t.quorum_met ? "green" : "red");
    const counts = document.getElementById("t-counts");
    counts.replaceChildren(...t.counts.map(c => { const li = document.createElement("li"); li.textContent = c.department + ": " + c.votes; return li; }));
    const votes = document.getElementById("t-votes");
    votes.replaceChildren(...t.votes.map(v => { const tr = document.createElement("tr"); tr.insertCell().textContent = v.member + "（" + v.seat + "）"; tr.insertCell().textContent = v.lead || "—"; return tr; }));
  }
  setInterval(refresh, 3000);
})();
